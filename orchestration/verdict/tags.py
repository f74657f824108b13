"""The day's verdict as run tags: what the Dagster runs list shows on each run's row."""

from __future__ import annotations

from orchestration.coverage import CoverageSummary

VERDICT_TAG = "compliance/verdict"
COVERAGE_TAG = "compliance/coverage"
FAILING_TAG = "compliance/failing"
VERDICT_TAGS = (VERDICT_TAG, COVERAGE_TAG, FAILING_TAG)


def verdict_word(control_passed: bool) -> str:
    return "PASSED" if control_passed else "FAILED"


def rounded_coverage(summary: CoverageSummary) -> float | None:
    """Coverage to two decimals, as the evidence pages and `compliance coverage` print it."""
    return None if summary.coverage_pct is None else round(summary.coverage_pct, 2)


def verdict_tags(summary: CoverageSummary) -> dict[str, str]:
    coverage = rounded_coverage(summary)
    return {
        VERDICT_TAG: verdict_word(summary.control_passed),
        COVERAGE_TAG: "n/a" if coverage is None else f"{coverage:.2f}%",
        FAILING_TAG: str(summary.failing_count),
    }
