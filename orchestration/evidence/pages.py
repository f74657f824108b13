"""The auditor pages: one static page per day (inside its sealed folder) and an index
over the days. Plain HTML with inline CSS and SVG: no script, no network, relative
links only, so the folder can be opened from a disk or an archive.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from html import escape
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from orchestration.coverage import STATUSES, CoverageSummary
from orchestration.evidence import layout
from orchestration.evidence.charts import LARGE, SMALL, Series, line_chart, shared_floor
from orchestration.evidence.coverage_history import CoverageTrend
from orchestration.evidence.gx_results import GxValidation
from orchestration.rule_settings import load_rule_settings

STATUS_SEED = "training_statuses.csv"

FILE_DESCRIPTIONS: dict[str, str] = {
    f"{layout.IN_SCOPE}.csv": "in-scope people with their status (also as .parquet)",
    f"{layout.SCOPE_DECISIONS}.csv": "every person of the HR export: active?, in scope?, "
    "and the rule that decided (also as .parquet)",
    layout.EXCEPTIONS_IN_FORCE: "exceptions in force, with reason and approver",
    layout.UNMATCHED_LMS_RECORDS: "LMS records that match no HR person, with the reason",
    layout.REJECTS: "export rows that broke the data contract: line, column, rule, reason",
    layout.COVERAGE: "the day's coverage row and its department split",
    layout.COVERAGE_TREND: "coverage per day up to this one, overall and by department",
    layout.SAMPLING: "sampling window, seed, size and populations",
    layout.POLICY: "the policy file the run applied, byte for byte (its SHA-256 is in "
    "run_metadata.json)",
    layout.RUN_METADATA: "run id, time, input files with SHA-256, rules, code and package "
    "versions (run-stamped)",
}


def _template(name: str) -> Template:
    return Template((resources.files(__package__) / "templates" / name).read_text("utf-8"))


def _style() -> str:
    return (resources.files(__package__) / "templates" / "style.css").read_text("utf-8")


def _status_rules() -> dict[str, dict[str, str]]:
    """status -> its row of the versioned status seed (is_failing, meaning)."""
    text = load_rule_settings().seed_files[STATUS_SEED]
    return {row["status"]: row for row in csv.DictReader(io.StringIO(text))}


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}%"


def _link(relative: str, text: str | None = None) -> str:
    return f'<a href="{escape(relative)}">{escape(text or relative)}</a>'


def _verdict(passed: bool) -> tuple[str, str]:
    return ("PASSED", "pass") if passed else ("FAILED", "fail")


def _charts(overall: Series, departments: list[Series]) -> tuple[str, str]:
    floor = shared_floor(departments)
    return (
        line_chart("Coverage, all in-scope people", overall, LARGE),
        "\n".join(line_chart(series.name, series, SMALL, floor) for series in departments),
    )


@dataclass(frozen=True)
class DayPage:
    as_of_date: date
    summary: CoverageSummary
    coverage: dict[str, Any]
    trend: CoverageTrend
    sampling: dict[str, Any]
    gx_validations: list[GxValidation]
    file_rows: dict[str, int]
    has_gx_data_docs: bool
    rule_fingerprint: str
    include_emails: bool

    def _status_rows(self) -> str:
        rows = []
        total = self.summary.in_scope_count
        rules = _status_rules()
        for status in STATUSES:
            count = self.summary.status_counts[status]
            share = _percent(100.0 * count / total if total else None)
            covered = rules[status]["is_failing"].strip().lower() != "true"
            css = "passing" if covered else ("failing" if count else "")
            rows.append(
                f'<tr><td class="{css}">{status}</td><td class="num">{count}</td>'
                f'<td class="num">{share}</td><td>{"yes" if covered else "no"}</td>'
                f"<td>{escape(rules[status]['meaning'])}</td></tr>"
            )
        return "\n".join(rows)

    def _data_quality_rows(self) -> str:
        facts = [
            ("HR rows rejected (any fails the control)", self.summary.hr_rejected_row_count),
            ("LMS rows rejected", self.summary.lms_rejected_row_count),
            ("LMS records matching nobody", self.summary.unmatched_lms_record_count),
            ("exceptions in force", self.file_rows.get(layout.EXCEPTIONS_IN_FORCE, 0)),
        ]
        return "\n".join(
            f'<tr><td>{name}</td><td class="num">{value}</td></tr>' for name, value in facts
        )

    def _department_rows(self) -> str:
        return "\n".join(
            f"<tr><td>{escape(item['department'])}</td>"
            f'<td class="num">{item["in_scope_count"]}</td>'
            f'<td class="num">{item["covered_count"]}</td>'
            f'<td class="num">{_percent(item["coverage_pct"])}</td></tr>'
            for item in self.coverage["by_department"]
        )

    def _sampling_rows(self) -> str:
        rows = []
        for name, item in self.sampling["populations"].items():
            rows.append(
                f"<tr><td>{escape(name.replace('_', ' '))}</td>"
                f'<td class="num">{item["population_count"]}</td>'
                f"<td>{_link(item['population_file'])}</td>"
                f'<td class="num">{item["sample_count"]}</td>'
                f"<td>{_link(item['sample_file'])}</td></tr>"
            )
        return "\n".join(rows)

    def _sampling_commands(self) -> str:
        return "\n".join(
            f"<li><code>{escape(item['reproduce'])}</code></li>"
            for item in self.sampling["populations"].values()
        )

    def _documentation_links(self) -> str:
        items = [
            f"<li>{_link(layout.DBT_DOCS, 'dbt docs')}: models, tests, lineage and the "
            "SQL compiled for this day (one self-contained file)</li>"
        ]
        if self.has_gx_data_docs:
            items.append(
                f"<li>{_link(layout.GX_DATA_DOCS, 'GX Data Docs')}: every validation of this "
                "day with its expectations (styling loads from the internet; the content "
                "reads without it)</li>"
            )
        else:
            items.append("<li>GX Data Docs: not produced for this day</li>")
        return "\n".join(items)

    def _gx_rows(self) -> str:
        rows = []
        for validation in self.gx_validations:
            if validation.file is None:
                result = "no result"
                name = escape(validation.checkpoint)
            else:
                result = (
                    '<span class="passing">passed</span>'
                    if validation.success
                    else '<span class="failing">failed</span>'
                )
                name = _link(validation.file, validation.checkpoint)
            failed = "" if validation.failed is None else str(validation.failed)
            rows.append(
                f"<tr><td>{name}</td><td>{escape(validation.asset)}</td><td>{result}</td>"
                f'<td class="num">{failed}</td></tr>'
            )
        return "\n".join(rows)

    def _file_rows(self) -> str:
        rows = []
        for relative, description in FILE_DESCRIPTIONS.items():
            count = self.file_rows.get(relative)
            rows.append(
                f"<tr><td>{_link(relative)}</td><td>{escape(description)}</td>"
                f'<td class="num">{"" if count is None else count}</td></tr>'
            )
        return "\n".join(rows)

    def render(self, folder_name: str) -> str:
        verdict, verdict_class = _verdict(self.summary.control_passed)
        overall = Series(
            "all in-scope people",
            [(point.as_of_date, point.coverage_pct) for point in self.trend.overall],
        )
        departments = [
            Series(name, [(point.as_of_date, point.coverage_pct) for point in points])
            for name, points in self.trend.by_department.items()
        ]
        overall_chart, department_charts = _charts(overall, departments)
        emails = (
            "Work emails are included (COMPLIANCE_EVIDENCE_INCLUDE_EMAILS=true)."
            if self.include_emails
            else "People are identified by employee id only: no names or emails."
        )
        return _template("day.html").substitute(
            style=_style(),
            as_of_date=self.as_of_date.isoformat(),
            verdict=verdict,
            verdict_class=verdict_class,
            coverage=_percent(self.summary.coverage_pct),
            completion=_percent(self.summary.completion_pct),
            in_scope=self.summary.in_scope_count,
            status_rows=self._status_rows(),
            data_quality_rows=self._data_quality_rows(),
            trend_file=layout.COVERAGE_TREND,
            overall_chart=overall_chart,
            department_charts=department_charts,
            department_rows=self._department_rows(),
            window_start=self.sampling["window_start"],
            window_end=self.sampling["window_end"],
            seed=self.sampling["seed"],
            size=self.sampling["size"],
            sampling_file=layout.SAMPLING,
            sampling_rows=self._sampling_rows(),
            sampling_commands=self._sampling_commands(),
            documentation_links=self._documentation_links(),
            gx_rows=self._gx_rows(),
            file_rows=self._file_rows(),
            folder_name=escape(folder_name),
            rule_fingerprint=self.rule_fingerprint,
            personal_data_note=emails,
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
    overall_chart, department_charts = _charts(overall, departments)

    rows = []
    for day in reversed(days):
        document = documents[day]
        verdict, css = _verdict(bool(document["control_passed"]))
        failing = document["overdue_count"] + document["never_completed_count"]
        folder = day.isoformat()
        rows.append(
            f'<tr><td class="day">{_link(f"{folder}/{layout.DAY_PAGE}", folder)}</td>'
            f'<td class="{"passing" if css == "pass" else "failing"}">{verdict}</td>'
            f'<td class="num">{_percent(document["coverage_pct"])}</td>'
            f'<td class="num">{_percent(document["completion_pct"])}</td>'
            f'<td class="num">{document["in_scope_count"]}</td>'
            f'<td class="num">{failing}</td>'
            f'<td class="num">{document["hr_rejected_row_count"]}</td>'
            f"<td>{_link(f'{folder}/{layout.SUMS}', 'SHA256SUMS')} "
            f"{_link(f'{folder}/{layout.RUN_METADATA}', 'run metadata')}</td></tr>"
        )
    latest = documents[days[-1]]
    verdict, verdict_class = _verdict(bool(latest["control_passed"]))
    html = _template("index.html").substitute(
        style=_style(),
        verdict=verdict,
        verdict_class=verdict_class,
        latest_day=days[-1].isoformat(),
        coverage=_percent(latest["coverage_pct"]),
        in_scope=latest["in_scope_count"],
        day_count=len(days),
        overall_chart=overall_chart,
        department_charts=department_charts,
        day_rows="\n".join(rows),
    )
    path = root / layout.ROOT_INDEX
    path.write_text(html, encoding="utf-8")
    return path
