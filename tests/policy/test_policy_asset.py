"""The `policy` assets in the real definitions: validated, published, upstream of dbt."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml
from dagster import AssetKey, AssetSelection, DagsterInstance, materialize

from orchestration.definitions import defs
from orchestration.landing import LandingZoneResource
from orchestration.policy.assets import POLICY_DOCUMENTS_KEY, policy_asset_key
from orchestration.policy.tables import POLICY_TABLES
from orchestration.settings import DBT_PROJECT_DIR, POLICY_FILE_VAR
from orchestration.transformation.project import dbt_project, dbt_resource
from orchestration.transformation.translator import CONTROL_OWNER, ComplianceDbtTranslator
from orchestration.warehouse import WarehouseResource
from tests.in_process import step_failure_messages
from tests.policy.conftest import SHIPPED_POLICY

AS_OF = date(2026, 11, 27)
POLICY_KEYS = [policy_asset_key(table.name) for table in POLICY_TABLES]


def _materialize_policy(root: Path):
    return materialize(
        assets=[*defs.assets, *defs.asset_checks],
        selection=AssetSelection.assets(*POLICY_KEYS),
        partition_key=AS_OF.isoformat(),
        resources={
            "warehouse": WarehouseResource(path=str(root / "compliance.duckdb")),
            "landing_zone": LandingZoneResource(path=str(root / "landing")),
            "dbt": dbt_resource(),
        },
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def test_policy_materializes_the_six_tables(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(POLICY_FILE_VAR, str(SHIPPED_POLICY))
    result = _materialize_policy(tmp_path)
    assert result.success, step_failure_messages(result)
    materializations = {
        event.asset_key: event.step_materialization_data.materialization.metadata
        for event in result.get_asset_materialization_events()
    }
    assert set(materializations) == set(POLICY_KEYS)
    metadata = materializations[POLICY_DOCUMENTS_KEY]
    assert (
        metadata["policy_sha256"].value == hashlib.sha256(SHIPPED_POLICY.read_bytes()).hexdigest()
    )
    assert metadata["policy_file"].value == str(SHIPPED_POLICY)
    with duckdb.connect(str(tmp_path / "compliance.duckdb"), read_only=True) as connection:
        counts = {
            table.name: connection.execute(
                f"select count(*) from {table.qualified} where as_of_date = ?", [AS_OF]
            ).fetchone()[0]
            for table in POLICY_TABLES
        }
    assert counts == {
        "policy_documents": 1,
        "scope_rules": 3,
        "scope_rule_patterns": 5,
        "employment_types": 3,
        "scope_overrides": 0,
        "qualifying_courses": 2,
    }


def test_an_invalid_policy_fails_before_anything_is_written(tmp_path: Path, monkeypatch) -> None:
    broken = tmp_path / "broken.yml"
    data = yaml.safe_load(SHIPPED_POLICY.read_text())
    data["scope"]["rules"][2]["match"] = {"jobfamily": ["Security Product Manager"]}
    broken.write_text(yaml.safe_dump(data))
    monkeypatch.setenv(POLICY_FILE_VAR, str(broken))
    result = _materialize_policy(tmp_path)
    assert not result.success
    assert f'{broken}: scope.rules[2].match: unknown field "jobfamily"' in (
        step_failure_messages(result)
    )
    assert not (tmp_path / "compliance.duckdb").exists()


def test_definitions_hold_the_policy_assets() -> None:
    graph = defs.get_repository_def().asset_graph
    for key in POLICY_KEYS:
        node = graph.get(key)
        assert node.group_name == "compliance_rules"
        assert node.owners == [CONTROL_OWNER]
        assert node.partitions_def is not None
    evidence = graph.get(AssetKey(["evidence_pack"]))
    assert POLICY_DOCUMENTS_KEY in evidence.parent_keys


def test_the_dbt_source_policy_maps_to_the_policy_asset_keys() -> None:
    manifest = json.loads(dbt_project().manifest_path.read_text())
    sources = {
        unique_id: node
        for unique_id, node in manifest["sources"].items()
        if node["source_name"] == "policy"
    }
    translator = ComplianceDbtTranslator()
    keys = {
        translator.get_asset_spec(manifest, unique_id, dbt_project()).key for unique_id in sources
    }
    # So every model reading source('policy', ...) depends on (runs after) these assets.
    assert keys == set(POLICY_KEYS)


@pytest.mark.parametrize("table", POLICY_TABLES, ids=lambda table: table.name)
def test_the_sources_file_describes_every_column(table) -> None:
    sources = yaml.safe_load(
        (DBT_PROJECT_DIR / "models" / "staging" / "_policy__sources.yml").read_text()
    )
    (source,) = sources["sources"]
    assert (source["name"], source["schema"]) == ("policy", "policy")
    declared = {entry["name"]: entry for entry in source["tables"]}[table.name]
    assert declared["description"] == table.description
    columns = {column["name"]: column["description"] for column in declared["columns"]}
    assert list(columns) == list(table.column_names)
    for name, _, description in table.columns:
        assert columns[name] == description
    assert columns["as_of_date"]
