"""Property: any text an HR or LMS field can hold (printable, control characters, markup,
formulas) never reaches an evidence CSV cell as a formula, an alert as chat markup or an
extra line, a mail header as a line break, or a day page as live HTML.

The writer, the alert composer and the page renderer are tested directly, so each
example takes milliseconds; tests/robustness/test_hostile_landing_zone.py runs one
hostile landing zone through the whole pipeline.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pyarrow as pa
from dagster import AssetCheckSeverity
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.alerting.channels import Alert
from orchestration.alerting.markup import header_value
from orchestration.alerting.run_alerts import CheckFailure, compose_run_alert
from orchestration.coverage import CoverageSummary
from orchestration.csv_files import FORMULA_STARTS, write_csv_to
from orchestration.evidence.coverage_history import CoverageTrend, TrendPoint
from orchestration.evidence.gx_results import GxValidation
from orchestration.evidence.pages import DayPage, OwnerView, RunStamp
from orchestration.ingestion.contract import HR_EMPLOYEES, LMS_COMPLETIONS
from orchestration.statuses import load_statuses
from orchestration.validation import check_names

AS_OF = date(2026, 11, 27)
HOSTILE = (
    '=HYPERLINK("http://x","y")',
    "@SUM(1+1)",
    "+cmd|' /C calc'!A0",
    "-5",
    "<!channel>",
    "<!here>",
    "<@U024BE7LH>",
    "<https://evil.example|click>",
    '<script>alert(1)</script><b onclick="x()">R&D</b>',
    "E1\x00",
    "a\r\nBcc: evil@example.com",
    "</td></tr></table><img src=x onerror=alert(1)>",
)
# Characters that mean something to a spreadsheet, chat markup, HTML, CSV or a header.
MEANINGFUL = "=+-@\t\r\n<>&\"'|!/:;, \x00\x01\x0b\x0c\x1b\x1f\x7f\x85\u2028x1"
values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(alphabet=st.sampled_from(MEANINGFUL), max_size=20),
    st.text(max_size=20),
)
FIELDS = tuple(
    f"{contract.source}_{name}"
    for contract in (HR_EMPLOYEES, LMS_COMPLETIONS)
    for name in contract.column_names
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- evidence CSV cells ---


@FAST
@given(rows=st.lists(st.fixed_dictionaries({field: values for field in FIELDS}), min_size=1))
def test_no_evidence_csv_cell_is_a_formula_and_every_value_is_kept(rows: list[dict]) -> None:
    table = pa.Table.from_pylist(rows, schema=pa.schema([(field, pa.string()) for field in FIELDS]))
    out = io.StringIO()
    write_csv_to(table, out)
    header, *cells = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert header == list(FIELDS)
    assert len(cells) == len(rows)
    for row, written in zip(rows, cells, strict=True):
        for field, cell in zip(FIELDS, written, strict=True):
            assert not cell.startswith(FORMULA_STARTS), (field, cell)
            original = row[field]
            assert cell == ("'" + original if original.startswith(FORMULA_STARTS) else original)


# --- alerts ---


def _alert(people: list[dict], unresolved: list[str], step_error: str) -> Alert:
    failing = next(status for status in load_statuses() if status.is_failing)
    gate = CheckFailure(
        asset="fct_training_compliance",
        check_name=check_names.COVERAGE_GATE,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "coverage_pct": 50.0,
            "failing_count": len(people),
            "in_scope_count": 9,
            "failing_people": [{**person, "status": failing.name} for person in people],
            "failing_by_status": {failing.name: len(people)},
        },
    )
    scope = CheckFailure(
        asset="fct_scope_unresolved",
        check_name=check_names.SCOPE_RESOLVED,
        severity=AssetCheckSeverity.ERROR,
        metadata={"unresolved_people": [{"employee_id": value} for value in unresolved]},
    )
    alert = compose_run_alert(AS_OF.isoformat(), [gate, scope], step_error, "http://dagster/runs/1")
    assert alert is not None
    return alert


people = st.lists(
    st.fixed_dictionaries(
        {
            "employee_id": values,
            "manager_id": st.one_of(st.none(), values),
            "days_overdue": st.one_of(st.none(), st.integers(0, 999)),
        }
    ),
    min_size=1,
    max_size=12,
)


@FAST
@given(people=people, unresolved=st.lists(values, max_size=12), step_error=values)
def test_no_alert_carries_chat_markup_or_a_forged_line(
    people: list[dict], unresolved: list[str], step_error: str
) -> None:
    alert = _alert(people, unresolved, step_error)
    chat = alert.chat_markup()
    assert "<" not in chat and ">" not in chat
    assert re.findall(r"&(?!amp;|lt;|gt;)", chat) == []
    # Lines: headline, counts, "Most overdue:", one per person shown, scope, the run
    # error, "Failed checks:", two checks, the run link; no value adds one.
    shown = min(len(people), 10)
    assert len(alert.text.splitlines()) == 3 + shown + 1 + 1 + 1 + 2 + 1
    assert alert.text.splitlines()[-1] == "Run: http://dagster/runs/1"
    for character in "\x00\x0b\x0c\x1b\x85\u2028":
        assert character not in alert.text
    subject = header_value(alert.subject)
    assert "\r" not in subject and "\n" not in subject


@FAST
@given(value=values)
def test_no_mail_header_value_carries_a_line_break(value: str) -> None:
    header = header_value(value)
    assert not re.search(r"[\r\n\x00]", header)


# --- the day page ---


class _Structure(HTMLParser):
    """The page's elements and attributes, and the targets of its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, tuple[str, ...]]] = []
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, tuple(sorted(name for name, _ in attrs))))
        self.targets.extend(
            value or "" for name, value in attrs if name in {"href", "src", "xlink:href"}
        )

    handle_startendtag = handle_starttag


def _owner_view(value: str) -> OwnerView:
    failing = next(status for status in load_statuses() if status.is_failing)
    lapsing = {"lapsing_within_30_days": 0, "lapsing_within_60_days": 0}
    return OwnerView(
        chase_list=[
            {
                "employee_id": value,
                "department": value,
                "manager_id": value,
                "skip_level_manager_id": value,
                "status": failing.name,
                "is_failing": True,
                "chase_reason": value,
                "complete_by": date(2026, 10, 1),
                "days_overdue": 57,
                "escalation_level": 2,
            }
        ],
        manager_follow_up=[
            {
                "manager_id": value,
                "in_scope_count": 8,
                "failing_count": 1,
                "escalated_count": 1,
                "due_soon_or_in_grace_count": 0,
                "most_days_overdue": 57,
                **lapsing,
                "lapsing_within_90_days": 1,
            }
        ],
        forecast=[
            {
                "forecast_date": AS_OF + timedelta(days=days),
                "coverage_pct": 12.5,
                "first_date_below_target": AS_OF + timedelta(days=1),
            }
            for days in (1, 2)
        ],
        lapses_by_department=[
            {
                "department": value,
                "in_scope_count": 8,
                "covered_count": 1,
                **lapsing,
                "lapsing_within_90_days": 1,
            }
        ],
    )


def _page(value: str) -> _Structure:
    statuses = load_statuses()
    counts = {status.name: index + 1 for index, status in enumerate(statuses)}
    points = [TrendPoint(AS_OF, sum(counts.values()), 3, 12.5)]
    page = DayPage(
        as_of_date=AS_OF,
        summary=CoverageSummary(
            AS_OF, sum(counts.values()), counts, 5, 12.5, 10.0, 0, 1, 2, 0, 1, False
        ),
        statuses=statuses,
        coverage={
            "by_department": [
                {"department": value, "in_scope_count": 8, "covered_count": 1, "coverage_pct": 12.5}
            ]
        },
        trend=CoverageTrend(points, {value: points}),
        sampling={
            "window_start": "2026-08-30",
            "window_end": AS_OF.isoformat(),
            "seed": 1,
            "size": 2,
            "populations": {
                "in_scope": {
                    "population_count": 8,
                    "population_file": "samples/in_scope_population.csv",
                    "sample_count": 2,
                    "sample_file": "samples/in_scope_sample.csv",
                    "reproduce": f"compliance sample --date {AS_OF} --seed 1",
                }
            },
        },
        gx_validations=[GxValidation(value, "check", value, None, None, None, None, None)],
        file_rows={},
        unresolved_scope=[
            {
                "employee_id": value,
                "scope_status": "possible_scope_miss",
                "job_family": value,
                "job_title": value,
                "resembled_rule_id": value,
                "resembled_pattern": value,
            }
        ],
        has_gx_data_docs=False,
        rule_fingerprint="f" * 64,
        include_emails=False,
        owner=_owner_view(value),
        run_stamp=RunStamp("run-1", None, "2026-11-27T06:00:00+00:00"),
        dbt_docs="../dbt_docs/0000/index.html",
    )
    structure = _Structure()
    structure.feed(page.render(AS_OF.isoformat()))
    structure.close()
    return structure


BENIGN = _page("x")


@FAST
@given(value=values)
def test_no_value_reaches_the_day_page_as_live_html(value: str) -> None:
    """Whatever the value, the page has exactly the elements, attributes and links of a
    page whose values are plain letters: nothing the data holds becomes markup."""
    structure = _page(value)
    assert structure.elements == BENIGN.elements
    assert structure.targets == BENIGN.targets
