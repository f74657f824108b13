"""The evidence folder of the day as a Dagster asset, built after the day's GX checks."""

from datetime import date

from dagster import (
    AssetExecutionContext,
    MaterializeResult,
    MetadataValue,
    asset,
)

from orchestration.evidence import layout
from orchestration.evidence.pack import write_evidence_pack
from orchestration.ingestion.assets import AUDIT_KEY, REJECTS_KEY, export_asset_key
from orchestration.ingestion.contract import CONTRACTS
from orchestration.partitions import daily_as_of_dates
from orchestration.policy.assets import POLICY_DOCUMENTS_KEY
from orchestration.transformation.model_keys import (
    CHASE_LIST_KEY,
    COVERAGE_FORECAST_KEY,
    COVERAGE_KEY,
    EXCEPTIONS_IN_FORCE_KEY,
    FACT_KEY,
    LAPSES_BY_DEPARTMENT_KEY,
    LAPSES_BY_MANAGER_KEY,
    MANAGER_FOLLOW_UP_KEY,
    SCOPE_DECISIONS_KEY,
    UNMATCHED_KEY,
)
from orchestration.transformation.translator import CONTROL_OWNER
from orchestration.warehouse import WarehouseResource

EVIDENCE_DEPS = (
    FACT_KEY,
    COVERAGE_KEY,
    SCOPE_DECISIONS_KEY,
    UNMATCHED_KEY,
    EXCEPTIONS_IN_FORCE_KEY,
    CHASE_LIST_KEY,
    MANAGER_FOLLOW_UP_KEY,
    COVERAGE_FORECAST_KEY,
    LAPSES_BY_DEPARTMENT_KEY,
    LAPSES_BY_MANAGER_KEY,
    *(export_asset_key(contract.landing_table) for contract in CONTRACTS),
    REJECTS_KEY,
    AUDIT_KEY,
    # run_metadata.json and policy.yml come from the day's policy_documents row.
    POLICY_DOCUMENTS_KEY,
)

# Among steps ready at the same time the in-process executor runs the highest
# priority first; below the GX checks' default 0, the evidence step runs after them
# and copies the results of this run. The checks are non-blocking, so a failing
# coverage gate never stops the evidence.
AFTER_CHECKS_PRIORITY = "-10"


@asset(
    name="evidence_pack",
    group_name="evidence",
    description="The day's sealed evidence folder for auditors: population and statuses, "
    "scope decisions, exceptions, unmatched records, coverage, the chase list and lapse "
    "forecast, samples, GX results and their pages, dbt docs, run metadata, pages and "
    "SHA256SUMS, chained in the seal log.",
    partitions_def=daily_as_of_dates,
    deps=list(EVIDENCE_DEPS),
    op_tags={"dagster/priority": AFTER_CHECKS_PRIORITY},
    owners=[CONTROL_OWNER],
    kinds={"html", "parquet", "csv"},
)
def evidence_pack(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    """Reads the warehouse read-only under its shared lock; never writes it."""
    as_of_date = date.fromisoformat(context.partition_key)
    pack = write_evidence_pack(
        warehouse, as_of_date, run_id=context.run_id, produced_by="dagster", log=context.log.info
    )
    return MaterializeResult(
        metadata={
            "as_of_date": as_of_date.isoformat(),
            "folder": MetadataValue.path(str(pack.folder)),
            "day_page": MetadataValue.path(str(pack.folder / layout.DAY_PAGE)),
            "file_count": pack.file_count,
            "sha256sums_sha256": pack.sums_sha256,
            "seal_entry_sha256": pack.seal_entry_sha256,
            "control_passed": pack.control_passed,
            "coverage_pct": MetadataValue.float(pack.coverage_pct)
            if pack.coverage_pct is not None
            else MetadataValue.text("n/a (nobody in scope)"),
            "seconds": round(pack.seconds, 2),
            "seconds_by_step": MetadataValue.json(pack.seconds_by_step),
        }
    )
