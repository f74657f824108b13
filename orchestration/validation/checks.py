"""Each versioned GX validation as a Dagster asset check on the asset it validates."""

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    MetadataValue,
    PreviewWarning,
    asset_check,
)

from orchestration.coverage import read_coverage
from orchestration.evidence import layout
from orchestration.evidence.layout import day_folder
from orchestration.ingestion.assets import export_asset_key
from orchestration.ingestion.contract import CONTRACTS, HR_EMPLOYEES, ExportContract
from orchestration.partitions import daily_as_of_dates
from orchestration.settings import docs_dir, evidence_dir
from orchestration.statuses import Status, read_statuses
from orchestration.transformation.model_keys import (
    COVERAGE_KEY,
    FACT_KEY,
    UNMATCHED_KEY,
    UNRESOLVED_SCOPE_KEY,
)
from orchestration.validation import check_names, frames
from orchestration.validation.gx_runner import ValidationOutcome, run_checkpoint
from orchestration.warehouse import WarehouseResource
from orchestration.warehouse_reader import MartsConnection

# Every failing person up to this many; past it the metadata says it is cut and points
# at the evidence folder's chase list (everyone failing, due soon or in grace).
FAILING_PEOPLE_LIMIT = 500

FrameLoader = Callable[[MartsConnection, date], pd.DataFrame]
ExtraMetadata = Callable[[MartsConnection, date, pd.DataFrame], dict[str, Any]]


@dataclass(frozen=True)
class GxCheckSpec:
    check_name: str
    asset_key: AssetKey
    checkpoint: str
    load_frame: FrameLoader
    description: str
    extra_metadata: ExtraMetadata | None = None
    # Assets the check must wait for within a run (it reads them).
    reads: tuple[AssetKey, ...] = ()
    # The suite takes its status lists from the status seed (built by dbt, so only
    # checks on dbt's tables can ask for it: the landing checks may run before dbt).
    uses_statuses: bool = False
    # The landing checks validate ingestion's DuckDB file right after the load (before
    # any publishing); the rest read the marts wherever dbt built them.
    reads_landing_file: bool = False

    def parameters(self, connection: MartsConnection) -> dict[str, list[str]]:
        return suite_parameters(read_statuses(connection)) if self.uses_statuses else {}


def gx_output_dir(as_of_date: date) -> Path:
    return docs_dir() / "gx" / as_of_date.isoformat()


def suite_parameters(statuses: tuple[Status, ...]) -> dict[str, list[str]]:
    """The values the GX suites take from the status seed instead of listing statuses."""
    return {
        "known_statuses": [status.name for status in statuses],
        "covered_statuses": [status.name for status in statuses if status.is_covered],
    }


def failing_people(fact: pd.DataFrame, statuses: tuple[Status, ...]) -> list[dict[str, Any]]:
    """Every failing person, ids only (no names or emails leave the warehouse).

    Ordered most overdue first within each failing status, the statuses taking turns
    (in the seed's precedence): people who never completed carry days overdue counted
    from their hire, and a plain most-overdue sort would show only them, never a lapse.
    """
    failing = fact[~fact["is_compliant"].astype(bool)].copy()
    precedence = {status.name: status.precedence for status in statuses}
    failing["_precedence"] = failing["status"].map(precedence)
    failing = failing.sort_values(
        ["_precedence", "days_overdue", "employee_id"],
        ascending=[True, False, True],
        na_position="last",
    )
    failing["_turn"] = failing.groupby("status", sort=False).cumcount()
    failing = failing.sort_values(["_turn", "_precedence"], kind="stable")
    return [
        {
            "employee_id": row.employee_id,
            "manager_id": None if pd.isna(row.manager_id) else row.manager_id,
            "status": row.status,
            "days_overdue": None if pd.isna(row.days_overdue) else int(row.days_overdue),
        }
        for row in failing.itertuples()
    ]


def failing_people_metadata(
    fact: pd.DataFrame, statuses: tuple[Status, ...], as_of_date: date
) -> dict[str, Any]:
    people = failing_people(fact, statuses)
    shown = people[:FAILING_PEOPLE_LIMIT]
    truncated = len(people) > len(shown)
    return {
        "failing_people": MetadataValue.json(shown),
        "failing_people_shown": len(shown),
        "failing_people_truncated": truncated,
        "failing_people_order": "most overdue first within each failing status, "
        "the statuses taking turns",
        # The full list, with departments and managers: the evidence pack writes the
        # day's chase list there (after this check, in the same run).
        "chase_list_csv": MetadataValue.path(
            str(day_folder(evidence_dir(), as_of_date) / layout.CHASE_LIST)
        ),
    }


def coverage_metadata(
    connection: MartsConnection, as_of_date: date, fact: pd.DataFrame
) -> dict[str, Any]:
    summary = read_coverage(connection, as_of_date)
    statuses = read_statuses(connection)
    metadata: dict[str, Any] = {
        "failing_count": int((~fact["is_compliant"].astype(bool)).sum()),
        **failing_people_metadata(fact, statuses, as_of_date),
    }
    if summary is None:
        return metadata
    metadata |= {
        # Rounded as the evidence pages and `compliance coverage` print it.
        "coverage_pct": MetadataValue.float(round(summary.coverage_pct, 2))
        if summary.coverage_pct is not None
        else MetadataValue.text("n/a (nobody in scope)"),
        "in_scope_count": summary.in_scope_count,
        "hr_rejected_row_count": summary.hr_rejected_row_count,
        **{f"{status}_count": count for status, count in summary.status_counts.items()},
        "failing_by_status": MetadataValue.json(
            {
                status.name: summary.status_counts[status.name]
                for status in statuses
                if status.is_failing
            }
        ),
    }
    return metadata


def unresolved_scope_metadata(
    connection: MartsConnection, as_of_date: date, frame: pd.DataFrame
) -> dict[str, Any]:
    """Everyone whose scope is undecided, with the rule they resemble: the list to classify."""
    people = [
        {
            "employee_id": row.employee_id,
            "scope_status": row.scope_status,
            "resembles": None
            if pd.isna(row.resembled_rule_id)
            else f"{row.resembled_field} like {row.resembled_pattern!r} "
            f"(rule {row.resembled_rule_id})",
        }
        for row in frame.itertuples()
    ]
    return {"unresolved_count": len(people), "unresolved_people": MetadataValue.json(people)}


def _failed_expectations_markdown(outcome: ValidationOutcome) -> str:
    rows = [
        f"| {failure.severity} | {failure.expectation_type} | {failure.column or ''} "
        f"| {failure.unexpected_count if failure.unexpected_count is not None else ''} "
        f"| {failure.description} |"
        for failure in outcome.failed
    ]
    header = "| severity | expectation | column | unexpected | meaning |\n|---|---|---|---|---|\n"
    return header + "\n".join(rows)


# Partitioned asset checks are marked preview in Dagster 1.13; the project relies on
# them for one evaluation per day, so the warning would only repeat on every command.
warnings.filterwarnings("ignore", category=PreviewWarning, message=".*AssetCheckSpec.*")


def build_gx_check(spec: GxCheckSpec) -> AssetChecksDefinition:
    @asset_check(
        name=spec.check_name,
        asset=spec.asset_key,
        description=spec.description,
        blocking=False,
        additional_deps=list(spec.reads),
        partitions_def=daily_as_of_dates,
        metadata={"gx_checkpoint": spec.checkpoint},
    )
    def _gx_check(
        context: AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> AssetCheckResult:
        as_of_date = date.fromisoformat(context.partition_key)
        with warehouse.reader() if spec.reads_landing_file else warehouse.marts() as connection:
            frame = spec.load_frame(connection, as_of_date)
            extra = (
                spec.extra_metadata(connection, as_of_date, frame) if spec.extra_metadata else {}
            )
            parameters = spec.parameters(connection)
        output_dir = gx_output_dir(as_of_date)
        outcome = run_checkpoint(spec.checkpoint, frame, output_dir, parameters)
        metadata: dict[str, Any] = {
            "as_of_date": as_of_date.isoformat(),
            "gx_checkpoint": spec.checkpoint,
            "rows_validated": len(frame),
            "expectations_evaluated": outcome.evaluated,
            "expectations_failed": len(outcome.failed),
            "gx_data_docs": MetadataValue.path(str(output_dir / "data_docs" / "index.html")),
            **extra,
        }
        if outcome.failed:
            metadata["failed_expectations"] = MetadataValue.md(
                _failed_expectations_markdown(outcome)
            )
        return AssetCheckResult(
            passed=outcome.success,
            severity=AssetCheckSeverity.ERROR
            if outcome.has_critical_failure or outcome.success
            else AssetCheckSeverity.WARN,
            metadata=metadata,
        )

    return _gx_check


def _contract_specs(contract: ExportContract) -> list[GxCheckSpec]:
    key = export_asset_key(contract.landing_table)
    is_roster = contract is HR_EMPLOYEES
    return [
        GxCheckSpec(
            check_name=check_names.CONTRACT_ROWS,
            asset_key=key,
            checkpoint=f"landing_{contract.landing_table}__rows",
            load_frame=lambda connection, day: frames.rejects_frame(connection, contract, day),
            reads_landing_file=True,
            description=(
                f"No row of the day's {contract.source} export broke the data contract "
                "(required values, dates, enumerations, unique keys, field counts). "
                + (
                    "ERROR: a rejected HR row means someone could not be evaluated."
                    if is_roster
                    else "WARN: rejected rows are listed in landing.load_rejects."
                )
            ),
        ),
        GxCheckSpec(
            check_name=check_names.CONTRACT_HEADER,
            asset_key=key,
            checkpoint=f"landing_{contract.landing_table}__header",
            load_frame=lambda connection, day: frames.header_frame(connection, contract, day),
            reads_landing_file=True,
            description=f"The {contract.source} export's header has exactly the contract's "
            "columns (WARN on schema drift).",
        ),
    ]


GX_CHECK_SPECS: tuple[GxCheckSpec, ...] = (
    GxCheckSpec(
        check_name=check_names.COVERAGE_GATE,
        asset_key=FACT_KEY,
        checkpoint="fct_training_compliance__coverage_gate",
        load_frame=frames.fact_frame,
        extra_metadata=coverage_metadata,
        reads=(COVERAGE_KEY,),
        uses_statuses=True,
        description="TRN.2.01 coverage gate: at least one in-scope person and nobody with a "
        "failing status. Metadata lists the failing people with their managers (most "
        "overdue first within each failing status) and links the day's chase list.",
    ),
    GxCheckSpec(
        check_name=check_names.FACT_INTEGRITY,
        asset_key=FACT_KEY,
        checkpoint="fct_training_compliance__integrity",
        load_frame=frames.fact_frame,
        uses_statuses=True,
        description="Key columns set, one row per person per day, known statuses, and "
        "due_on covering at least what the latest completion covers, recomputed outside dbt.",
    ),
    GxCheckSpec(
        check_name=check_names.COVERAGE_VERDICT,
        asset_key=COVERAGE_KEY,
        checkpoint="compliance_coverage__verdict",
        load_frame=frames.coverage_frame,
        description="coverage_pct = 100 with somebody in scope, no rejected HR row, and "
        "status counts that add up.",
    ),
    GxCheckSpec(
        check_name=check_names.SCOPE_RESOLVED,
        asset_key=UNRESOLVED_SCOPE_KEY,
        checkpoint="fct_scope_unresolved__none",
        load_frame=frames.unresolved_scope_frame,
        extra_metadata=unresolved_scope_metadata,
        description="ERROR: nobody's scope is undecided. An unclassified person or a possible "
        "scope miss (a job family or title that looks like an included one) fails the control "
        "until a policy rule or an override classifies them.",
    ),
    GxCheckSpec(
        check_name=check_names.NO_UNMATCHED_LEARNERS,
        asset_key=UNMATCHED_KEY,
        checkpoint="fct_unmatched_lms_records__none",
        load_frame=frames.unmatched_frame,
        description="Every LMS learner matches an HR person (WARN: identity drift).",
    ),
    *(spec for contract in CONTRACTS for spec in _contract_specs(contract)),
)

gx_asset_checks: list[AssetChecksDefinition] = [build_gx_check(spec) for spec in GX_CHECK_SPECS]
