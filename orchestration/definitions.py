"""Everything Dagster loads: assets, checks, resources, schedules and sensors."""

from __future__ import annotations

from dagster import Definitions, in_process_executor

from orchestration.alerting.sensors import compliance_alert_sensor, compliance_freshness_sensor
from orchestration.connectors.assets import source_assets
from orchestration.evidence.assets import evidence_pack
from orchestration.ingestion.assets import landing_exports
from orchestration.ingestion.postgres_assets import postgres_published
from orchestration.landing import LandingZoneResource
from orchestration.policy.assets import policy
from orchestration.reminders.assets import reminders_log
from orchestration.schedules import daily_compliance_job, daily_compliance_schedule
from orchestration.settings import landing_dir, warehouse_path
from orchestration.transformation.assets import compliance_dbt_models
from orchestration.transformation.project import dbt_resource
from orchestration.validation.checks import gx_asset_checks
from orchestration.verdict.assets import compliance_verdict
from orchestration.warehouse import WarehouseResource

defs = Definitions(
    assets=[
        *source_assets,
        landing_exports,
        policy,
        postgres_published,
        compliance_dbt_models,
        reminders_log,
        compliance_verdict,
        evidence_pack,
    ],
    asset_checks=gx_asset_checks,
    jobs=[daily_compliance_job],
    schedules=[daily_compliance_schedule],
    sensors=[compliance_alert_sensor, compliance_freshness_sensor],
    resources={
        "warehouse": WarehouseResource(path=str(warehouse_path())),
        "landing_zone": LandingZoneResource(path=str(landing_dir())),
        "dbt": dbt_resource(),
    },
    # One warehouse file and one writer: separate processes per step only add start-up time.
    executor=in_process_executor,
)
