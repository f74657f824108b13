"""dbt models as Dagster assets; `dbt build` so dbt tests report as asset checks."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from dagster import AssetExecutionContext, BackfillPolicy
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.partitions import daily_as_of_dates
from orchestration.settings import AS_OF_DATE_VAR
from orchestration.transformation.project import (
    dbt_project,
    keep_parse_state,
    prepare_manifest,
    prune_run_folders,
)
from orchestration.transformation.translator import ComplianceDbtTranslator
from orchestration.validation.gx_runner import import_in_background
from orchestration.warehouse import WarehouseResource

prepare_manifest()


@dbt_assets(
    manifest=dbt_project().manifest_path,
    project=dbt_project(),
    partitions_def=daily_as_of_dates,
    dagster_dbt_translator=ComplianceDbtTranslator(),
    # dbt builds one as-of date per invocation.
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
)
def compliance_dbt_models(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    """Builds seeds, models and data tests for the partition's as-of date, on the engine
    COMPLIANCE_DBT_TARGET names (on PostgreSQL from the slices landing/postgres_published
    copied there)."""
    # The checks after this step need GX; this process only waits on dbt meanwhile.
    import_in_background()
    # Unit tests check the SQL, not the day's data: CI runs them, the daily run need not.
    args = ["build", "--exclude-resource-type", "unit_test"]
    with warehouse.dbt_build_lock(), _as_of_date_in_environment(context.partition_key):
        invocation = dbt.cli(args, context=context)
        try:
            yield from invocation.stream()
        finally:
            # A step that ends before dbt does (an error, a closed stream) must not leave
            # dbt running: it would keep DuckDB's lock on the warehouse for every later reader.
            if invocation.process.poll() is None:
                invocation.process.terminate()
                invocation.process.wait(timeout=60)
    keep_parse_state(invocation.target_path)
    prune_run_folders()


@contextmanager
def _as_of_date_in_environment(as_of_date: str) -> Iterator[None]:
    """Hands dbt the as-of date by environment (the as_of_date macro reads it).

    As a --vars value it would change every day and make dbt re-parse the whole
    project; read from the environment only at execution, it leaves parsing alone.
    """
    previous = os.environ.get(AS_OF_DATE_VAR)
    os.environ[AS_OF_DATE_VAR] = as_of_date
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(AS_OF_DATE_VAR, None)
        else:
            os.environ[AS_OF_DATE_VAR] = previous
