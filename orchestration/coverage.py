"""Reads a day's coverage verdict from the warehouse (compliance_coverage)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

STATUSES: tuple[str, ...] = (
    "compliant",
    "exempt",
    "on_leave",
    "in_grace_period",
    "overdue",
    "never_completed",
)


@dataclass(frozen=True)
class CoverageSummary:
    as_of_date: date
    in_scope_count: int
    status_counts: dict[str, int]
    coverage_pct: float | None
    completion_pct: float | None
    hr_rejected_row_count: int
    lms_rejected_row_count: int
    unmatched_lms_record_count: int
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
            *(f"  {status:<18} {self.status_counts[status]}" for status in STATUSES),
            f"  HR rows rejected   {self.hr_rejected_row_count}",
            f"  LMS rows rejected  {self.lms_rejected_row_count}",
            f"  unmatched LMS      {self.unmatched_lms_record_count}",
        ]
        return "\n".join(lines)


def read_coverage(
    connection: duckdb.DuckDBPyConnection, as_of_date: date
) -> CoverageSummary | None:
    columns = ", ".join(f"{status}_count" for status in STATUSES)
    row = connection.execute(
        f"""
        select in_scope_count, {columns}, coverage_pct, completion_pct,
               hr_rejected_row_count, lms_rejected_row_count, unmatched_lms_record_count,
               control_passed
        from main.compliance_coverage
        where as_of_date = ?
        """,
        [as_of_date],
    ).fetchone()
    if row is None:
        return None
    counts = dict(zip(STATUSES, row[1 : 1 + len(STATUSES)], strict=True))
    rest = row[1 + len(STATUSES) :]
    return CoverageSummary(
        as_of_date=as_of_date,
        in_scope_count=row[0],
        status_counts=counts,
        coverage_pct=rest[0],
        completion_pct=rest[1],
        hr_rejected_row_count=rest[2],
        lms_rejected_row_count=rest[3],
        unmatched_lms_record_count=rest[4],
        control_passed=rest[5],
    )
