"""The auditor pages in a real headless Chromium: no console error, the coverage figure
visible, the trend charts drawn, every link resolving to a file of the folder, and the
owner's view: every failing person, the due-soon list, the managers and the forecast.
And, rendered from plain data: statuses from the seed, every value escaped."""

from __future__ import annotations

import csv
import gzip
import json
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import duckdb
import pytest
import yaml

from orchestration.coverage import CoverageSummary
from orchestration.evidence import layout
from orchestration.evidence.coverage_history import CoverageTrend, TrendPoint
from orchestration.evidence.gx_results import GxValidation
from orchestration.evidence.pages import DayPage, OwnerView, RunStamp, write_index
from orchestration.statuses import Status, load_statuses
from tests.evidence.browser import Chromium, chromium_executable
from tests.evidence.conftest import DAYS, END_DATE

FIGURE_JS = """(() => {
  const element = document.getElementById('coverage-value');
  if (!element) return null;
  const box = element.getBoundingClientRect();
  const style = getComputedStyle(element);
  return {
    text: element.textContent.trim(),
    visible: style.visibility === 'visible' && style.display !== 'none'
      && Number(style.opacity) > 0 && box.width > 0 && box.height > 0
      && box.top >= 0 && box.bottom <= window.innerHeight,
  };
})()"""
LINKS_JS = """Array.from(document.querySelectorAll('a[href], [src], link[href]'))
  .map(element => element.href || element.src)"""
CHARTS_JS = """Array.from(document.querySelectorAll('#trend-overall svg, #trend-departments svg'))
  .map(svg => ({
    points: svg.querySelectorAll('circle').length,
    width: svg.getBoundingClientRect().width,
  }))"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    if chromium_executable() is None:
        pytest.fail("Chromium is required for the auditor-page tests (.ci/run installs it)")
    with Chromium(tmp_path_factory.mktemp("chromium-profile")) as chromium:
        yield chromium


@pytest.fixture(autouse=True)
def fresh_errors(browser: Chromium) -> None:
    browser.errors.messages.clear()


def _pages(evidence_run) -> dict[str, Path]:
    return {
        "index over days": evidence_run.evidence / layout.ROOT_INDEX,
        **{f"day {day}": evidence_run.day(day) / layout.DAY_PAGE for day in DAYS},
    }


def test_the_harness_reports_console_errors(browser: Chromium, tmp_path: Path) -> None:
    """Control: a page with errors must be reported, or a clean result would mean nothing."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html><body><img src="absent.png">'
        '<script>console.error("boom"); notDefined();</script></body></html>'
    )
    browser.open(page.as_uri())
    messages = " | ".join(browser.errors.messages)
    assert "boom" in messages and "notDefined" in messages and "absent.png" in messages


@pytest.mark.parametrize("name", ["index over days", *(f"day {day}" for day in DAYS)])
def test_page_renders_with_coverage_trend_and_no_console_error(
    browser: Chromium, evidence_run, name: str
) -> None:
    page = _pages(evidence_run)[name]
    browser.open(page.as_uri())
    assert browser.errors.messages == []

    day = END_DATE if name == "index over days" else date.fromisoformat(page.parent.name)
    coverage = json.loads((evidence_run.day(day) / layout.COVERAGE).read_text())["coverage_pct"]
    figure = browser.evaluate(FIGURE_JS)
    assert figure == {"text": f"{coverage:.2f}%", "visible": True}

    overall, *departments = browser.evaluate(CHARTS_JS)
    # The index charts every day with evidence; a day page every day up to its own.
    days_shown = len(DAYS) if name == "index over days" else DAYS.index(day) + 1
    assert overall["points"] == days_shown and overall["width"] > 300
    assert departments and all(chart["points"] >= 1 for chart in departments)


def _resolves(browser: Chromium, page: Path, target: str) -> bool:
    """A file of the folder (and the anchor on this page); nothing on the network."""
    parts = urlsplit(target)
    path = Path(unquote(parts.path))
    if parts.scheme != "file" or not path.is_file():
        return False
    if parts.fragment and path == page:
        return bool(browser.evaluate(f"!!document.getElementById({json.dumps(parts.fragment)})"))
    return True


@pytest.mark.parametrize("name", ["index over days", f"day {END_DATE}"])
def test_every_link_resolves_offline(browser: Chromium, evidence_run, name: str) -> None:
    page = _pages(evidence_run)[name]
    browser.open(page.as_uri())
    targets = [target for target in browser.evaluate(LINKS_JS) if not target.startswith("data:")]
    assert len(targets) >= 3 * len(DAYS)
    assert [target for target in targets if not _resolves(browser, page, target)] == []
    if name.startswith("day"):
        linked = {Path(unquote(urlsplit(target).path)) for target in targets}
        folder = page.parent
        for relative in (
            layout.GX_DATA_DOCS,
            layout.RUN_METADATA,
            layout.SUMS,
            f"{layout.IN_SCOPE}{layout.POPULATION_CSV}",
            layout.EXCEPTIONS_IN_FORCE,
        ):
            assert folder / relative in linked, relative
        # The dbt docs page the day shares with other days, outside its folder.
        shared = evidence_run.evidence / layout.DBT_DOCS_ROOT
        assert [path for path in linked if path.is_relative_to(shared)], "no dbt docs link"


def test_screenshot_of_the_day_page(browser: Chromium, evidence_run) -> None:
    browser.open((evidence_run.day(END_DATE) / layout.DAY_PAGE).as_uri())
    shot = browser.screenshot(evidence_run.root / "day_page.png")
    assert shot.stat().st_size > 20_000
    assert browser.errors.messages == []


MARKUP = '<b onclick="x()">R&D</b>'


def _day_page(statuses: tuple[Status, ...]) -> DayPage:
    """A day page from plain data, with markup wherever a value comes from the data."""
    counts = {status.name: index + 1 for index, status in enumerate(statuses)}
    points = [TrendPoint(END_DATE, sum(counts.values()), 3, 12.5)]
    department = {"department": MARKUP, "in_scope_count": 8, "covered_count": 1}
    return DayPage(
        as_of_date=END_DATE,
        summary=CoverageSummary(
            END_DATE, sum(counts.values()), counts, 5, 12.5, 10.0, 0, 1, 2, 0, 1, False
        ),
        statuses=statuses,
        coverage={"by_department": [{**department, "coverage_pct": 12.5}]},
        trend=CoverageTrend(points, {MARKUP: points}),
        sampling={
            "window_start": "2026-08-30",
            "window_end": END_DATE.isoformat(),
            "seed": 1,
            "size": 2,
            "populations": {
                "in_scope": {
                    "population_count": 8,
                    "population_file": "samples/in_scope_population.csv",
                    "sample_count": 2,
                    "sample_file": "samples/in_scope_sample.csv",
                    "reproduce": f"compliance sample --date {END_DATE} --seed '{MARKUP}'",
                }
            },
        },
        gx_validations=[GxValidation(MARKUP, "check", "asset", None, None, None, None, None)],
        file_rows={},
        unresolved_scope=[
            {
                "employee_id": "E1",
                "scope_status": "possible_scope_miss",
                "job_family": MARKUP,
                "job_title": MARKUP,
                "resembled_rule_id": "product-engineers",
                "resembled_pattern": MARKUP,
            }
        ],
        has_gx_data_docs=False,
        rule_fingerprint="f" * 64,
        include_emails=False,
        dbt_docs=layout.shared_dbt_docs("0" * 64),
        owner=OwnerView(
            chase_list=[
                {
                    "employee_id": "E2",
                    "department": MARKUP,
                    "manager_id": MARKUP,
                    "skip_level_manager_id": None,
                    "status": "overdue",
                    "is_failing": True,
                    "chase_reason": "lapsed: completion expired",
                    "complete_by": date(2026, 10, 1),
                    "days_overdue": 57,
                    "escalation_level": 2,
                }
            ],
            manager_follow_up=[
                {
                    "manager_id": MARKUP,
                    "in_scope_count": 8,
                    "failing_count": 1,
                    "escalated_count": 1,
                    "due_soon_or_in_grace_count": 0,
                    "most_days_overdue": 57,
                    "lapsing_within_30_days": 0,
                    "lapsing_within_60_days": 0,
                    "lapsing_within_90_days": 1,
                }
            ],
            forecast=[
                {
                    "forecast_date": END_DATE + timedelta(days=days),
                    "coverage_pct": 12.5,
                    "first_date_below_target": END_DATE + timedelta(days=1),
                }
                for days in (1, 2)
            ],
            lapses_by_department=[
                {
                    **department,
                    "lapsing_within_30_days": 0,
                    "lapsing_within_60_days": 0,
                    "lapsing_within_90_days": 1,
                }
            ],
        ),
        run_stamp=RunStamp(MARKUP, None, "2026-11-27T06:00:00+00:00"),
    )


def _status_rows(html: str) -> list[list[str]]:
    table = re.search(r'<table id="status-counts">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert table is not None
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in table[1].strip().splitlines()]


def test_the_status_table_is_the_seed_in_precedence_order() -> None:
    # A status the code has never heard of: the page shows it like any other.
    added = Status("on_sabbatical", 7, False, True, "a sabbatical <approved> & logged")
    statuses = (*load_statuses(), added)
    rows = _status_rows(_day_page(statuses).render(END_DATE.isoformat()))
    assert [row[0] for row in rows] == [status.name for status in statuses]
    assert [row[3] for row in rows] == ["yes" if s.is_covered else "no" for s in statuses]
    assert rows[-1][4] == "a sabbatical &lt;approved&gt; &amp; logged"
    assert [row[4] for row in rows[:-1]] == [status.description for status in statuses[:-1]]


def test_every_value_from_the_data_is_escaped() -> None:
    html = _day_page(load_statuses()).render(f"{END_DATE}<i>")
    assert "<b onclick" not in html and "<i>" not in html
    # Tables, GX, chart, the failing list, managers, lapses and the run stamp.
    assert html.count("&lt;b onclick=&#34;x()&#34;&gt;R&amp;D&lt;/b&gt;") >= 11
    assert "<script" not in html and 'src="http' not in html and 'href="http' not in html


def test_the_index_counts_failing_people_from_the_coverage_row(tmp_path: Path) -> None:
    for day, failing in ((DAYS[0], 4), (DAYS[1], 9)):
        folder = layout.day_folder(tmp_path, day)
        folder.mkdir()
        (folder / layout.SUMS).write_text("")
        document = {
            "as_of_date": day.isoformat(),
            "control_passed": failing == 0,
            "coverage_pct": 90.0,
            "completion_pct": None,
            "in_scope_count": 40,
            "failing_count": failing,
            "hr_rejected_row_count": 0,
            "by_department": [{"department": MARKUP, "coverage_pct": 90.0}],
        }
        (folder / layout.COVERAGE).write_text(json.dumps(document))
    html = write_index(tmp_path).read_text()
    days = re.search(r'<table id="days">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert days is not None
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in days[1].strip().splitlines()]
    assert [(row[0], row[5]) for row in cells] == [
        (f'<a href="{DAYS[1]}/index.html">{DAYS[1]}</a>', "9"),
        (f'<a href="{DAYS[0]}/index.html">{DAYS[0]}</a>', "4"),
    ]
    assert "n/a" in cells[0][3] and MARKUP not in html


OWNER_JS = """(() => {
  const rows = id => Array.from(document.querySelectorAll(`#${id} tbody tr`))
    .map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.textContent.trim()));
  const table = document.getElementById('failing-people');
  const chart = document.querySelector('#forecast-chart svg');
  const visible = element => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  return {
    failing: rows('failing-people'),
    failingVisible: table ? visible(table) : false,
    dueSoon: rows('due-soon-people'),
    managers: rows('manager-follow-up'),
    departments: rows('lapses-by-department'),
    chart: chart && {
      visible: visible(chart),
      points: chart.querySelector('polyline.line').getAttribute('points')
        .trim().split(/\\s+/).length,
      targets: chart.querySelectorAll('line.target').length,
      firstFail: (chart.querySelector('.first-fail-label') || {}).textContent || null,
    },
    firstDate: document.getElementById('first-date-below-target').textContent.trim(),
    runId: document.getElementById('run-id').textContent.trim(),
    commit: document.getElementById('git-commit').textContent.trim(),
    generatedAt: document.getElementById('generated-at').textContent.trim(),
  };
})()"""


def _csv(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def owner_view(browser: Chromium, evidence_run) -> dict:
    browser.open((evidence_run.day(END_DATE) / layout.DAY_PAGE).as_uri())
    assert browser.errors.messages == []
    return browser.evaluate(OWNER_JS)


def test_the_day_page_lists_every_failing_person_longest_overdue_first(
    owner_view: dict, evidence_run
) -> None:
    folder = evidence_run.day(END_DATE)
    # Independent of the chase list: the failing people of the status table itself.
    in_scope = _csv(folder / f"{layout.IN_SCOPE}{layout.POPULATION_CSV}")
    failing = {row["employee_id"]: row for row in in_scope if row["is_failing"] == "true"}
    assert len(failing) > 10, "the sample day has people failing"
    shown = owner_view["failing"]
    assert owner_view["failingVisible"]
    ids = [row[1] for row in shown]
    assert sorted(ids) == sorted(failing) and len(ids) == len(set(ids)), "all of them, no cap"
    columns = {row[1]: row for row in shown}
    for employee_id, person in failing.items():
        _, _, department, manager, _, status, _, days_overdue, _, escalation = columns[employee_id]
        assert (department, manager, status) == (
            person["department"],
            person["manager_id"],
            person["status"],
        )
        assert days_overdue == person["days_overdue"]
        assert escalation in {"1", "2"}
    overdue = [int(row[7]) for row in shown]
    assert overdue == sorted(overdue, reverse=True)
    # Lapsed and never-completed people are both on it.
    assert {"overdue", "never_completed"} <= {row[5] for row in shown}
    # The list is the CSV of the folder, row for row.
    chase_list = _csv(folder / layout.CHASE_LIST)
    assert ids == [row["employee_id"] for row in chase_list if row["is_failing"] == "true"]


def test_the_day_page_lists_the_people_due_soon(owner_view: dict, evidence_run) -> None:
    folder = evidence_run.day(END_DATE)
    in_scope = _csv(folder / f"{layout.IN_SCOPE}{layout.POPULATION_CSV}")
    due_soon = {row["employee_id"] for row in in_scope if row["is_due_soon"] == "true"}
    shown = {row[0]: row[4] for row in owner_view["dueSoon"]}
    assert due_soon and due_soon <= set(shown)
    assert all(shown[employee_id] == "due soon" for employee_id in due_soon)
    # Everybody else on it is a new starter still in grace.
    in_grace = {row["employee_id"] for row in in_scope if row["status"] == "in_grace_period"}
    assert set(shown) - due_soon <= in_grace


def test_the_day_page_has_one_row_per_manager(owner_view: dict, evidence_run) -> None:
    in_scope = _csv(evidence_run.day(END_DATE) / f"{layout.IN_SCOPE}{layout.POPULATION_CSV}")
    managers = {row["manager_id"] or "(no manager)" for row in in_scope}
    shown = owner_view["managers"]
    assert sorted(row[0] for row in shown) == sorted(managers)
    failing_by_manager: dict[str, int] = {}
    for row in in_scope:
        if row["is_failing"] == "true":
            manager = row["manager_id"] or "(no manager)"
            failing_by_manager[manager] = failing_by_manager.get(manager, 0) + 1
    assert {row[0]: int(row[2]) for row in shown if row[2] != "0"} == failing_by_manager


def _covered_on(person: dict[str, str], day: date) -> bool:
    """Rules §10 read independently from the status table: who is still covered on a day."""
    if person["is_compliant"] != "true":
        return False
    if person["employment_status"] == "leave":
        return True
    if person["has_active_exception"] == "true" and not person["exception_expires_on"]:
        return True
    ends = [person["grace_ends_on"]] if person["grace_ends_on"] >= END_DATE.isoformat() else []
    if person["is_current"] == "true":
        ends.append(person["due_on"])
    if person["has_active_exception"] == "true":
        ends.append(person["exception_expires_on"])
    return any(day <= date.fromisoformat(end) for end in ends)


def test_the_day_page_charts_the_forecast_with_target_and_first_failing_date(
    owner_view: dict, evidence_run
) -> None:
    folder = evidence_run.day(END_DATE)
    forecast = _csv(folder / layout.COVERAGE_FORECAST)
    policy = yaml.safe_load((folder / layout.POLICY).read_text())
    assert len(forecast) == policy["reminders"]["forecast_days"]
    in_scope = _csv(folder / f"{layout.IN_SCOPE}{layout.POPULATION_CSV}")
    for row in forecast:
        day = date.fromisoformat(row["forecast_date"])
        covered = sum(_covered_on(person, day) for person in in_scope)
        assert int(row["covered_count"]) == covered, day
    below = [row["forecast_date"] for row in forecast if row["meets_target"] == "false"]
    first = below[0]
    assert {row["first_date_below_target"] for row in forecast} == {first}
    chart = owner_view["chart"]
    assert chart["visible"] and chart["points"] == len(forecast) and chart["targets"] == 1
    assert chart["firstFail"] == f"first below 100%: {first}"
    assert owner_view["firstDate"] == f"The control would first fail on {first}."
    departments = _csv(folder / layout.LAPSES_BY_DEPARTMENT)
    assert sorted(row[0] for row in owner_view["departments"]) == sorted(
        row["department"] for row in departments
    )


def test_the_day_page_names_the_run_commit_and_time(owner_view: dict, evidence_run) -> None:
    metadata = json.loads((evidence_run.day(END_DATE) / layout.RUN_METADATA).read_text())
    assert owner_view["runId"] == metadata["run_id"] == evidence_run.results[END_DATE].run_id
    assert owner_view["commit"] == metadata["code_version"]["git_commit"]
    assert owner_view["generatedAt"] == metadata["generated_at_utc"]


OWNER_MARTS = (
    "fct_chase_list",
    "fct_manager_follow_up",
    "fct_coverage_forecast",
    "fct_lapses_ahead_by_department",
    "fct_lapses_ahead_by_manager",
)


@pytest.mark.parametrize("table", OWNER_MARTS)
def test_the_owner_marts_keep_every_day(evidence_run, table: str) -> None:
    """Each day's run adds its own slice; the later run leaves the earlier day's rows."""
    with duckdb.connect(str(evidence_run.warehouse), read_only=True) as connection:
        days = connection.execute(
            f"select as_of_date, count(*) from main.{table} group by 1 order by 1"
        ).fetchall()
        forecast_days = connection.execute(
            "select forecast_days from policy.policy_documents where as_of_date = ?", [END_DATE]
        ).fetchone()[0]
    assert [day for day, _ in days] == list(DAYS)
    assert all(rows > 0 for _, rows in days)
    if table == "fct_coverage_forecast":
        assert [rows for _, rows in days] == [forecast_days] * len(DAYS)
