"""The auditor pages: one static page per day (inside its sealed folder) and an index
over the days. Plain HTML with inline CSS and SVG: no script, no network, relative
links only, so the folder can be opened from a disk or an archive.

The markup lives in templates/*.html.j2 (Jinja2, every value autoescaped); this module
hands them plain data. The only HTML passed in is the SVG of charts.py, which escapes
every text it draws.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from markupsafe import Markup

from orchestration.coverage import CoverageSummary
from orchestration.evidence import layout
from orchestration.evidence.charts import (
    LARGE,
    SMALL,
    Series,
    forecast_chart,
    line_chart,
    shared_floor,
)
from orchestration.evidence.coverage_history import CoverageTrend
from orchestration.evidence.gx_results import GxValidation
from orchestration.evidence.page_templates import PAGE_TEMPLATES
from orchestration.statuses import Status

FILE_DESCRIPTIONS: dict[str, str] = {
    f"{layout.IN_SCOPE}{layout.POPULATION_CSV}": "in-scope people with their status "
    "(gzipped CSV; also as .parquet)",
    f"{layout.SCOPE_DECISIONS}{layout.POPULATION_CSV}": "every person of the HR export: "
    "active?, in scope?, and the rule that decided (gzipped CSV; also as .parquet)",
    layout.EXCEPTIONS_IN_FORCE: "exceptions in force, with reason and approver",
    layout.UNMATCHED_LMS_RECORDS: "LMS records that match no HR person, with the reason",
    layout.SCOPE_UNRESOLVED: "people whose scope the policy does not decide (unclassified or "
    "possible scope misses), with the rule they resemble; any fails the control",
    layout.REJECTS: "export rows that broke the data contract: line, column, rule, reason",
    layout.CHASE_LIST: "who must act: failing (longest overdue first), due soon and in grace, "
    "with reason, complete-by date, manager, skip-level manager and escalation level",
    layout.MANAGER_FOLLOW_UP: "per manager: people failing, escalated, due soon or in grace, "
    "and lapsing within 30, 60 and 90 days",
    layout.COVERAGE_FORECAST: "projected coverage for each coming day if nobody completes "
    "anything new, with the first day below 100%",
    layout.LAPSES_BY_DEPARTMENT: "people lapsing within 30, 60 and 90 days, by department",
    layout.LAPSES_BY_MANAGER: "people lapsing within 30, 60 and 90 days, by manager",
    layout.COVERAGE: "the day's coverage row and its department split",
    layout.COVERAGE_TREND: "coverage per day up to this one, overall and by department",
    layout.SAMPLING: "sampling window, seed, size and populations",
    layout.POLICY: "the policy file the run applied, byte for byte (its SHA-256 is in "
    "run_metadata.json)",
    layout.RUN_METADATA: "run id, time, input files with SHA-256, rules, code and package "
    "versions (run-stamped)",
}


@dataclass(frozen=True)
class Verdict:
    text: str
    css: str

    @classmethod
    def of(cls, passed: bool) -> Verdict:
        return cls("PASSED", "pass") if passed else cls("FAILED", "fail")


@dataclass(frozen=True)
class Charts:
    overall: Markup
    departments: list[Markup]

    @classmethod
    def of(cls, overall: Series, departments: list[Series]) -> Charts:
        floor = shared_floor(departments)
        return cls(
            line_chart("Coverage, all in-scope people", overall, LARGE),
            [line_chart(series.name, series, SMALL, floor) for series in departments],
        )


@dataclass(frozen=True)
class RunStamp:
    """The run that wrote the page (from run_metadata.json)."""

    run_id: str
    git_commit: str | None
    generated_at_utc: str

    @classmethod
    def of(cls, metadata: dict[str, Any]) -> RunStamp:
        return cls(
            run_id=metadata["run_id"],
            git_commit=metadata["code_version"].get("git_commit"),
            generated_at_utc=metadata["generated_at_utc"],
        )


@dataclass(frozen=True)
class OwnerView:
    """What the control owner acts on: rows of the chase list and forecast exports."""

    # chase_list.csv: failing people first, the longest overdue first.
    chase_list: list[dict[str, Any]]
    manager_follow_up: list[dict[str, Any]]
    forecast: list[dict[str, Any]]
    lapses_by_department: list[dict[str, Any]]

    @property
    def failing(self) -> list[dict[str, Any]]:
        return [row for row in self.chase_list if row["is_failing"]]

    @property
    def to_remind(self) -> list[dict[str, Any]]:
        return [row for row in self.chase_list if not row["is_failing"]]

    @property
    def first_date_below_target(self) -> date | None:
        return self.forecast[0]["first_date_below_target"] if self.forecast else None

    def forecast_chart(self) -> Markup:
        series = Series(
            "projected coverage",
            [(row["forecast_date"], row["coverage_pct"]) for row in self.forecast],
        )
        return forecast_chart(
            "Projected coverage if nobody completes anything new",
            series,
            self.first_date_below_target,
        )


@dataclass(frozen=True)
class DayPage:
    as_of_date: date
    summary: CoverageSummary
    # The training_statuses seed as the day's run built it (orchestration.statuses).
    statuses: tuple[Status, ...]
    coverage: dict[str, Any]
    trend: CoverageTrend
    sampling: dict[str, Any]
    gx_validations: list[GxValidation]
    file_rows: dict[str, int]
    # fct_scope_unresolved of the day: each person fails the control until classified.
    unresolved_scope: list[dict[str, Any]]
    has_gx_data_docs: bool
    rule_fingerprint: str
    include_emails: bool
    owner: OwnerView
    run_stamp: RunStamp
    # The shared dbt docs page, relative to the day's folder (layout.shared_dbt_docs).
    dbt_docs: str

    def _status_rows(self) -> list[tuple[Status, int, float | None]]:
        total = self.summary.in_scope_count
        rows = []
        for status in self.statuses:
            count = self.summary.status_counts[status.name]
            rows.append((status, count, 100.0 * count / total if total else None))
        return rows

    def _data_quality(self) -> list[tuple[str, int]]:
        return [
            ("HR rows rejected (any fails the control)", self.summary.hr_rejected_row_count),
            ("people whose scope is undecided (any fails the control)", len(self.unresolved_scope)),
            ("LMS rows rejected", self.summary.lms_rejected_row_count),
            ("LMS records matching nobody", self.summary.unmatched_lms_record_count),
            ("exceptions in force", self.file_rows.get(layout.EXCEPTIONS_IN_FORCE, 0)),
        ]

    def _charts(self) -> Charts:
        overall = Series(
            "all in-scope people",
            [(point.as_of_date, point.coverage_pct) for point in self.trend.overall],
        )
        departments = [
            Series(name, [(point.as_of_date, point.coverage_pct) for point in points])
            for name, points in self.trend.by_department.items()
        ]
        return Charts.of(overall, departments)

    def render(self, folder_name: str) -> str:
        return PAGE_TEMPLATES.get_template("day.html.j2").render(
            as_of_date=self.as_of_date.isoformat(),
            verdict=Verdict.of(self.summary.control_passed),
            summary=self.summary,
            status_rows=self._status_rows(),
            data_quality=self._data_quality(),
            unresolved_scope=self.unresolved_scope,
            unresolved_scope_file=layout.SCOPE_UNRESOLVED,
            trend_file=layout.COVERAGE_TREND,
            charts=self._charts(),
            coverage=self.coverage,
            sampling=self.sampling,
            sampling_file=layout.SAMPLING,
            dbt_docs=self.dbt_docs,
            gx_data_docs=layout.GX_DATA_DOCS if self.has_gx_data_docs else None,
            gx_validations=self.gx_validations,
            files=[
                (relative, description, self.file_rows.get(relative))
                for relative, description in FILE_DESCRIPTIONS.items()
            ],
            folder_name=folder_name,
            rule_fingerprint=self.rule_fingerprint,
            include_emails=self.include_emails,
            owner=self.owner,
            forecast_chart=self.owner.forecast_chart(),
            chase_list_file=layout.CHASE_LIST,
            manager_follow_up_file=layout.MANAGER_FOLLOW_UP,
            forecast_file=layout.COVERAGE_FORECAST,
            lapses_by_department_file=layout.LAPSES_BY_DEPARTMENT,
            lapses_by_manager_file=layout.LAPSES_BY_MANAGER,
            run_stamp=self.run_stamp,
            run_stamp_start=Markup(layout.RUN_STAMP_START),
            run_stamp_end=Markup(layout.RUN_STAMP_END),
        )


def write_index(root: Path) -> Path | None:
    """Rebuilds <evidence>/index.html from the sealed days' coverage.json files."""
    days = layout.evidence_days(root)
    if not days:
        return None
    documents = {
        day: json.loads((layout.day_folder(root, day) / layout.COVERAGE).read_text("utf-8"))
        for day in days
    }
    overall = Series(
        "all in-scope people", [(day, doc["coverage_pct"]) for day, doc in documents.items()]
    )
    by_department: dict[str, list[tuple[date, float | None]]] = {}
    for day, document in documents.items():
        for item in document["by_department"]:
            by_department.setdefault(item["department"], []).append((day, item["coverage_pct"]))
    departments = [Series(name, points) for name, points in sorted(by_department.items())]
    latest = documents[days[-1]]
    html = PAGE_TEMPLATES.get_template("index.html.j2").render(
        verdict=Verdict.of(bool(latest["control_passed"])),
        latest_day=days[-1].isoformat(),
        latest=latest,
        charts=Charts.of(overall, departments),
        # Newest first, each with its folder's name.
        days=[(day.isoformat(), documents[day]) for day in reversed(days)],
        day_page=layout.DAY_PAGE,
        sums=layout.SUMS,
        run_metadata=layout.RUN_METADATA,
    )
    path = root / layout.ROOT_INDEX
    path.write_text(html, encoding="utf-8")
    return path
