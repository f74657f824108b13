"""The policy file as Dagster assets: validated, then published as the day's policy tables."""

from datetime import date

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    BackfillPolicy,
    Failure,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from orchestration.partitions import daily_as_of_dates
from orchestration.policy.errors import PolicyError
from orchestration.policy.loading import load_policy
from orchestration.policy.tables import POLICY_SCHEMA, POLICY_TABLES, publish_policy
from orchestration.settings import policy_file
from orchestration.transformation.translator import CONTROL_OWNER
from orchestration.warehouse import WarehouseResource

POLICY_GROUP = "compliance_rules"


def policy_asset_key(table: str) -> AssetKey:
    # dagster-dbt keys a dbt source table [source_name, table_name]: the models'
    # source `policy` then depends on these assets with no mapping of its own.
    return AssetKey([POLICY_SCHEMA, table])


POLICY_DOCUMENTS_KEY = policy_asset_key("policy_documents")


@multi_asset(
    name="policy",
    specs=[
        AssetSpec(
            policy_asset_key(table.name),
            description=f"{table.description} Written from COMPLIANCE_POLICY_FILE.",
            group_name=POLICY_GROUP,
            owners=[CONTROL_OWNER],
            kinds={"yaml", "duckdb"},
        )
        for table in POLICY_TABLES
    ],
    partitions_def=daily_as_of_dates,
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
)
def policy(context: AssetExecutionContext, warehouse: WarehouseResource):
    """Validates the policy file, then replaces the as-of date's slice of the policy tables.

    A file that does not validate fails the step before the warehouse is opened.
    """
    as_of_date = date.fromisoformat(context.partition_key)
    path = policy_file()
    try:
        loaded = load_policy(path)
    except PolicyError as error:
        raise Failure(
            description=f"the policy file does not validate:\n{error}",
            metadata={"policy_file": MetadataValue.path(str(path))},
        ) from error
    with warehouse.writer() as connection:
        written = publish_policy(connection, loaded, as_of_date)
    context.log.info("policy %s (sha256 %s) published for %s", path, loaded.sha256, as_of_date)
    for table in POLICY_TABLES:
        yield MaterializeResult(
            asset_key=policy_asset_key(table.name),
            metadata={
                "as_of_date": as_of_date.isoformat(),
                "policy_file": MetadataValue.path(str(loaded.file)),
                "policy_sha256": loaded.sha256,
                "control": loaded.document.control,
                "dagster/row_count": written[table.name],
            },
        )
