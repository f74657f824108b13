"""How dbt nodes become Dagster assets: groups by folder, owners in one place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dagster import AssetSpec
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from orchestration.ingestion.publish_postgres import POSTGRES_PUBLISHED_KEY

CONTROL_OWNER = "team:security-compliance"


class ComplianceDbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: Any
    ) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        resource = self.get_resource_props(manifest, unique_id)
        if resource["resource_type"] == "source":
            return spec
        group = "compliance_rules" if resource["resource_type"] == "seed" else resource["fqn"][1]
        spec = spec.replace_attributes(group_name=group, owners=[CONTROL_OWNER])
        reads_sources = any(
            node.startswith("source.") for node in resource.get("depends_on", {}).get("nodes", [])
        )
        # On PostgreSQL the sources hold what the publisher copied: dbt waits for it.
        return spec.merge_attributes(deps=[POSTGRES_PUBLISHED_KEY]) if reads_sources else spec
