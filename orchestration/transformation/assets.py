"""dbt models as Dagster assets; `dbt build` so dbt tests report as asset checks."""

import json

from dagster import AssetExecutionContext, BackfillPolicy
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.partitions import daily_as_of_dates
from orchestration.transformation.project import dbt_project, prepare_manifest
from orchestration.transformation.translator import ComplianceDbtTranslator
from orchestration.warehouse import WarehouseResource

prepare_manifest()


@dbt_assets(
    manifest=dbt_project().manifest_path,
    project=dbt_project(),
    partitions_def=daily_as_of_dates,
    dagster_dbt_translator=ComplianceDbtTranslator(),
    # dbt builds one as-of date per invocation (--vars as_of_date).
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
)
def compliance_dbt_models(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    """Builds seeds, models and data tests for the partition's as-of date."""
    dbt_vars = {"as_of_date": context.partition_key}
    # Unit tests check the SQL, not the day's data: CI runs them, the daily run need not.
    args = ["build", "--vars", json.dumps(dbt_vars), "--exclude-resource-type", "unit_test"]
    with warehouse.exclusive():
        yield from dbt.cli(args, context=context).stream()
