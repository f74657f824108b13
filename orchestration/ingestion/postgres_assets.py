"""landing/postgres_published: the day's validated landing and policy slices, in PostgreSQL.

Between ingestion (and the policy) and dbt in every run. With COMPLIANCE_DBT_TARGET=
postgres it runs the publisher (publish_postgres.publish_day: one transaction, COPY) so
dbt on PostgreSQL reads exactly what ingestion accepted into the DuckDB file; on the
DuckDB target the models read that file directly, and the asset only says so.
"""

from datetime import date

from dagster import AssetExecutionContext, BackfillPolicy, Failure, MaterializeResult, asset

from orchestration.ingestion.assets import landing_exports
from orchestration.ingestion.publish_postgres import POSTGRES_PUBLISHED_KEY, publish_day
from orchestration.partitions import daily_as_of_dates
from orchestration.policy.assets import policy
from orchestration.settings import dbt_target, marts_on_postgres
from orchestration.warehouse import WarehouseResource, warehouse_lock
from orchestration.warehouse_reader import PostgresUnavailableError


@asset(
    key=POSTGRES_PUBLISHED_KEY,
    group_name="ingestion",
    description="The as-of date's landing and policy rows copied from the DuckDB file to "
    "PostgreSQL (one transaction, COPY) when COMPLIANCE_DBT_TARGET=postgres; nothing to do "
    "on the DuckDB target, where dbt reads the file itself.",
    partitions_def=daily_as_of_dates,
    deps=[*landing_exports.keys, *policy.keys],
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
    kinds={"postgres"},
)
def postgres_published(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    as_of_date = date.fromisoformat(context.partition_key)
    if not marts_on_postgres():
        return MaterializeResult(metadata={"dbt_target": dbt_target(), "published": False})
    try:
        # Shared: other days' ingestion may not rewrite the file while it is read.
        with warehouse_lock(warehouse.file, exclusive=False):
            copied = publish_day(as_of_date, warehouse.file)
    except PostgresUnavailableError as error:
        raise Failure(str(error)) from None
    context.log.info(
        f"published {sum(copied.values())} rows of {as_of_date.isoformat()} to PostgreSQL"
    )
    return MaterializeResult(
        metadata={
            "dbt_target": dbt_target(),
            "published": True,
            **{f"rows/{table}": rows for table, rows in copied.items()},
        }
    )
