"""Dagster assets that load one day's exports into the landing schema."""

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

from orchestration.connectors.assets import source_asset_key
from orchestration.connectors.trace import TraceError, record_pull
from orchestration.ingestion.contract import CONTRACTS, EXCEPTIONS
from orchestration.ingestion.errors import ExportError
from orchestration.ingestion.landing_tables import LANDING_SCHEMA
from orchestration.ingestion.loader import LoadReport, load_export
from orchestration.landing import LandingZoneResource
from orchestration.partitions import daily_as_of_dates
from orchestration.warehouse import WarehouseResource

REJECTS_KEY = AssetKey([LANDING_SCHEMA, "load_rejects"])
AUDIT_KEY = AssetKey([LANDING_SCHEMA, "load_audit"])


def export_asset_key(landing_table: str) -> AssetKey:
    return AssetKey([LANDING_SCHEMA, landing_table])


def _report_metadata(report: LoadReport) -> dict[str, object]:
    metadata: dict[str, object] = {
        "as_of_date": report.as_of_date.isoformat(),
        "source_file": MetadataValue.path(str(report.path)),
        "file_present": report.file_present,
        "loaded_at": report.loaded_at.isoformat(timespec="seconds"),
    }
    if not report.file_present:
        return metadata
    metadata |= {
        "sha256": report.sha256,
        "size_bytes": report.size_bytes,
        "dagster/row_count": report.loaded_row_count,
        "record_count": report.record_count,
        "rejected_row_count": report.rejected_row_count,
        "schema_drift/extra_columns": MetadataValue.json(list(report.extra_columns)),
        "schema_drift/missing_optional_columns": MetadataValue.json(
            list(report.missing_optional_columns)
        ),
    }
    if report.reject_sample:
        rows = "\n".join(
            f"| {reject.line} | {reject.column or ''} | {reject.reason} |"
            for reject in report.reject_sample
        )
        metadata["rejects_sample"] = MetadataValue.md(
            "| line | column | reason |\n|---|---|---|\n" + rows
        )
    return metadata


@multi_asset(
    name="landing_exports",
    specs=[
        *(
            AssetSpec(
                export_asset_key(contract.landing_table),
                description=f"{contract.description.capitalize()}: rows that passed the "
                "data contract, one slice per as-of date.",
                group_name="ingestion",
                kinds={"csv", "duckdb"},
                # The exceptions file is always dropped by hand; the exports may be pulled.
                deps=[] if contract == EXCEPTIONS else [source_asset_key(contract)],
            )
            for contract in CONTRACTS
        ),
        AssetSpec(
            REJECTS_KEY,
            description="Every export row that broke the data contract: file, line, "
            "column and reason.",
            group_name="ingestion",
            kinds={"duckdb"},
        ),
        AssetSpec(
            AUDIT_KEY,
            description="One row per export and as-of date: file, SHA-256, counts and "
            "schema drift.",
            group_name="ingestion",
            kinds={"duckdb"},
        ),
    ],
    partitions_def=daily_as_of_dates,
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
)
def landing_exports(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    landing_zone: LandingZoneResource,
):
    """Reads the HR, LMS and exceptions exports dated D and replaces D's landing slice."""
    as_of_date = date.fromisoformat(context.partition_key)
    reports: list[LoadReport] = []
    # Export source -> "<sha256>  <raw file>" of the pull behind it, for pulled exports.
    pulled_from: dict[str, list[str]] = {}
    with warehouse.writer() as connection:
        for contract in CONTRACTS:
            try:
                report = load_export(connection, contract, landing_zone.directory, as_of_date)
            except ExportError as error:
                raise Failure(
                    description=str(error),
                    metadata={"path": MetadataValue.path(str(error.path)), "line": error.line},
                ) from error
            try:
                pulled = record_pull(
                    connection, landing_zone.directory, contract, as_of_date, report.sha256
                )
            except TraceError as error:
                raise Failure(description=str(error)) from None
            if pulled is not None:
                pulled_from[contract.source] = pulled.raw_responses(landing_zone.directory)
            context.log.info(
                "%s: %s records, %s rejected, from %s",
                contract.source,
                report.record_count,
                report.rejected_row_count,
                report.path,
            )
            reports.append(report)

    for contract, report in zip(CONTRACTS, reports, strict=True):
        metadata = _report_metadata(report)
        if contract.source in pulled_from:
            metadata["raw_responses"] = MetadataValue.json(pulled_from[contract.source])
        yield MaterializeResult(
            asset_key=export_asset_key(contract.landing_table), metadata=metadata
        )
    yield MaterializeResult(
        asset_key=REJECTS_KEY,
        metadata={
            "as_of_date": as_of_date.isoformat(),
            **{
                f"{report.source}_rejected_row_count": report.rejected_row_count
                for report in reports
            },
        },
    )
    yield MaterializeResult(
        asset_key=AUDIT_KEY,
        metadata={
            "as_of_date": as_of_date.isoformat(),
            **{f"{report.source}_sha256": report.sha256 or "absent" for report in reports},
        },
    )
