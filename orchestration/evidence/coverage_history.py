"""The day's coverage (coverage.json) and its trend over the days up to it, as the
warehouse holds them (compliance_coverage and compliance_coverage_by_department).

Only days on or before the as-of date are read, so a later day's run never changes
what a past day's evidence shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from orchestration.coverage import CoverageSummary, read_coverage
from orchestration.warehouse_reader import MartsConnection

ALL_DEPARTMENTS = "(all departments)"


@dataclass(frozen=True)
class TrendPoint:
    as_of_date: date
    in_scope_count: int
    covered_count: int
    coverage_pct: float | None


@dataclass(frozen=True)
class CoverageTrend:
    overall: list[TrendPoint]
    by_department: dict[str, list[TrendPoint]]

    def table(self) -> pa.Table:
        rows = [
            (point.as_of_date, name, point.in_scope_count, point.covered_count, point.coverage_pct)
            for name, points in [(ALL_DEPARTMENTS, self.overall), *self.by_department.items()]
            for point in points
        ]
        names = ["as_of_date", "department", "in_scope_count", "covered_count", "coverage_pct"]
        return pa.Table.from_pylist([dict(zip(names, row, strict=True)) for row in rows])


class MissingDayError(LookupError):
    """The warehouse has no coverage row for the day: it was never materialized."""


def read_summary(connection: MartsConnection, as_of_date: date) -> CoverageSummary:
    summary = read_coverage(connection, as_of_date)
    if summary is None:
        raise MissingDayError(
            f"no compliance_coverage row for {as_of_date.isoformat()}: materialize that day first"
        )
    return summary


def coverage_document(connection: MartsConnection, as_of_date: date) -> dict[str, Any]:
    """coverage.json: the warehouse's coverage row for the day plus its department split."""
    cursor = connection.execute(
        "select * from main.compliance_coverage where as_of_date = ?", [as_of_date]
    )
    names = [column[0] for column in cursor.description]
    row = dict(zip(names, cursor.fetchone(), strict=True))
    departments = [
        {
            "department": department,
            "in_scope_count": in_scope,
            "covered_count": covered,
            "coverage_pct": pct,
        }
        for department, in_scope, covered, pct in connection.execute(
            """
            select department, in_scope_count, covered_count, coverage_pct
            from main.compliance_coverage_by_department
            where as_of_date = ?
            order by department
            """,
            [as_of_date],
        ).fetchall()
    ]
    return {"control": "TRN.2.01", **row, "by_department": departments}


def read_trend(connection: MartsConnection, as_of_date: date) -> CoverageTrend:
    overall = [
        TrendPoint(day, in_scope, covered, pct)
        for day, in_scope, covered, pct in connection.execute(
            """
            select as_of_date, in_scope_count, covered_count, coverage_pct
            from main.compliance_coverage
            where as_of_date <= ?
            order by as_of_date
            """,
            [as_of_date],
        ).fetchall()
    ]
    by_department: dict[str, list[TrendPoint]] = {}
    for department, day, in_scope, covered, pct in connection.execute(
        """
        select department, as_of_date, in_scope_count, covered_count, coverage_pct
        from main.compliance_coverage_by_department
        where as_of_date <= ?
        order by department, as_of_date
        """,
        [as_of_date],
    ).fetchall():
        by_department.setdefault(department, []).append(TrendPoint(day, in_scope, covered, pct))
    return CoverageTrend(overall=overall, by_department=by_department)
