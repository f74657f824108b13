"""Reads a day's coverage verdict from the warehouse (compliance_coverage)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from orchestration.statuses import read_statuses
from orchestration.warehouse_reader import MartsConnection


@dataclass(frozen=True)
class CoverageSummary:
    as_of_date: date
    in_scope_count: int
    # Status -> people, in the precedence order of the training_statuses seed.
    status_counts: dict[str, int]
    failing_count: int
    coverage_pct: float | None
    completion_pct: float | None
    hr_rejected_row_count: int
    lms_rejected_row_count: int
    unmatched_lms_record_count: int
    # §2.2: people whose scope the policy leaves undecided; any fails the control.
    unclassified_count: int
    possible_scope_miss_count: int
    control_passed: bool

    def render(self) -> str:
        def percent(value: float | None) -> str:
            return "n/a (nobody in scope)" if value is None else f"{value:.2f}%"

        lines = [
            f"Control TRN.2.01 on {self.as_of_date.isoformat()}: "
            + ("PASSED" if self.control_passed else "FAILED"),
            f"  coverage           {percent(self.coverage_pct)}",
            f"  completion         {percent(self.completion_pct)}",
            f"  in scope           {self.in_scope_count}",
            *(f"  {status:<18} {count}" for status, count in self.status_counts.items()),
            f"  HR rows rejected   {self.hr_rejected_row_count}",
            f"  LMS rows rejected  {self.lms_rejected_row_count}",
            f"  unmatched LMS      {self.unmatched_lms_record_count}",
            f"  unclassified       {self.unclassified_count}",
            f"  scope look-alikes  {self.possible_scope_miss_count}",
        ]
        return "\n".join(lines)


def read_coverage(connection: MartsConnection, as_of_date: date) -> CoverageSummary | None:
    statuses = read_statuses(connection)
    columns = "".join(f"{status.count_column}, " for status in statuses)
    row = connection.execute(
        f"""
        select {columns}in_scope_count, failing_count, coverage_pct, completion_pct,
               hr_rejected_row_count, lms_rejected_row_count, unmatched_lms_record_count,
               unclassified_count, possible_scope_miss_count, control_passed
        from main.compliance_coverage
        where as_of_date = ?
        """,
        [as_of_date],
    ).fetchone()
    if row is None:
        return None
    counts = {status.name: count for status, count in zip(statuses, row, strict=False)}
    (
        in_scope_count,
        failing_count,
        coverage_pct,
        completion_pct,
        hr_rejected_row_count,
        lms_rejected_row_count,
        unmatched_lms_record_count,
        unclassified_count,
        possible_scope_miss_count,
        control_passed,
    ) = row[len(statuses) :]
    return CoverageSummary(
        as_of_date=as_of_date,
        in_scope_count=in_scope_count,
        status_counts=counts,
        failing_count=failing_count,
        coverage_pct=coverage_pct,
        completion_pct=completion_pct,
        hr_rejected_row_count=hr_rejected_row_count,
        lms_rejected_row_count=lms_rejected_row_count,
        unmatched_lms_record_count=unmatched_lms_record_count,
        unclassified_count=unclassified_count,
        possible_scope_miss_count=possible_scope_miss_count,
        control_passed=control_passed,
    )
