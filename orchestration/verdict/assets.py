"""The day's verdict as its own asset: PASSED or FAILED, visible without opening a check.

It tags the run with the verdict too (compliance/verdict, compliance/coverage,
compliance/failing), so the runs list shows which day failed and by how many people.
The run itself still succeeds on a failing day: its status says whether the day was
measured and its evidence written, the tags and this asset say what was measured.
"""

from datetime import date

from dagster import AssetExecutionContext, Failure, MaterializeResult, MetadataValue, asset

from orchestration.coverage import read_coverage
from orchestration.partitions import daily_as_of_dates
from orchestration.transformation.model_keys import COVERAGE_KEY
from orchestration.transformation.translator import CONTROL_OWNER
from orchestration.verdict.tags import COVERAGE_TAG, rounded_coverage, verdict_tags, verdict_word
from orchestration.warehouse import WarehouseResource

VERDICT_ASSET = "compliance_verdict"


@asset(
    name=VERDICT_ASSET,
    group_name="verdict",
    description="TRN.2.01's verdict of the day (PASSED only at 100% coverage with nobody "
    "undecided and no rejected HR row), with the rounded coverage and the number of people "
    "failing; the run is tagged with the same three values.",
    partitions_def=daily_as_of_dates,
    deps=[COVERAGE_KEY],
    owners=[CONTROL_OWNER],
    kinds={"duckdb"},
)
def compliance_verdict(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    as_of_date = date.fromisoformat(context.partition_key)
    with warehouse.marts() as connection:
        summary = read_coverage(connection, as_of_date)
    if summary is None:
        raise Failure(f"compliance_coverage has no row for {as_of_date.isoformat()}")
    tags = verdict_tags(summary)
    context.instance.add_run_tags(context.run.run_id, tags)
    coverage = rounded_coverage(summary)
    verdict = verdict_word(summary.control_passed)
    context.log.info(
        f"TRN.2.01 {as_of_date.isoformat()}: {verdict}, coverage {tags[COVERAGE_TAG]}, "
        f"{summary.failing_count} failing"
    )
    return MaterializeResult(
        metadata={
            "verdict": verdict,
            "control_passed": summary.control_passed,
            "coverage_pct": MetadataValue.float(coverage)
            if coverage is not None
            else MetadataValue.text("n/a (nobody in scope)"),
            "failing_count": summary.failing_count,
            "in_scope_count": summary.in_scope_count,
            "unclassified_count": summary.unclassified_count,
            "possible_scope_miss_count": summary.possible_scope_miss_count,
            "hr_rejected_row_count": summary.hr_rejected_row_count,
        },
    )
