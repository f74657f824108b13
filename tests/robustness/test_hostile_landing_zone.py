"""One hostile landing zone through the whole pipeline, evidence pack included: formulas,
chat mentions, markup and a NUL byte in HR, LMS and exception values end neutralised in
the evidence CSVs, escaped in the alert and on the day page, or rejected without the
value leaving the warehouse."""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from dagster import DagsterInstance, ExecuteInProcessResult

from orchestration.alerting.markup import escape_slack_text
from orchestration.alerting.run_alerts import build_run_alert
from orchestration.csv_files import FORMULA_STARTS
from orchestration.evidence import layout
from tests.in_process import materialize_day
from tests.landing_builder import completion, person, write_day, write_exceptions

pytestmark = pytest.mark.slow

AS_OF = date(2026, 11, 27)
HYPERLINK = '=HYPERLINK("http://x","y")'
SCRIPT = "<script>alert(1)</script>"
CHANNEL = "<!channel>"
LINK = "<https://evil.example|click>"
# Values that must stay in the warehouse: they are rejected, and reasons never quote them
# (a duplicate email is kept as compared, lower-cased; the evidence is checked ignoring case).
REJECTED_VALUES = ("E1\x00", "dup@example.com", "=1+1", "<!here>")


@dataclass
class HostileRun:
    root: Path
    result: ExecuteInProcessResult
    instance: DagsterInstance

    @property
    def day(self) -> Path:
        return layout.day_folder(self.root / "evidence", AS_OF)

    def warehouse(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.root / "warehouse" / "compliance.duckdb"), read_only=True)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> HostileRun:
    root = tmp_path_factory.mktemp("hostile")
    people = [
        person("E1"),
        person("E1\x00", work_email="e1-nul@example.com"),
        person(HYPERLINK, work_email="h@example.com", department=SCRIPT, manager_id=CHANNEL),
        person(CHANNEL, work_email="c@example.com", department="@SUM(1+1)", manager_id="R&D"),
        person(LINK, work_email="l@example.com", job_title="+cmd|' /C calc'!A0", department="-5"),
        person("E5", work_email="dup@example.com"),
        person("E6", work_email="Dup@Example.com"),
        person("E7", employment_status="=1+1"),
    ]
    completions = [
        completion("L1", "E1", "2026-03-01"),
        {**completion("+L2", "nobody", "2026-03-01"), "course_title": "=cmd|' /C calc'!A0"},
        {**completion("L3", "E1", "2026-03-02"), "status": "<!here>"},
    ]
    write_day(root / "landing", AS_OF, people, completions)
    write_exceptions(
        root / "landing",
        [
            {
                "employee_id": LINK,
                "reason": HYPERLINK,
                "approved_by": "@ciso",
                "approved_on": "2026-01-01",
                "expires_on": "2027-01-01",
            }
        ],
    )
    instance = DagsterInstance.ephemeral()
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = materialize_day(monkeypatch, root, AS_OF, instance, with_evidence=True)
    return HostileRun(root, result, instance)


def _cells(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_no_evidence_csv_cell_is_a_formula(hostile_run: HostileRun) -> None:
    files = sorted([*hostile_run.day.rglob("*.csv"), *hostile_run.day.rglob("*.csv.gz")])
    assert {
        layout.REJECTS,
        layout.EXCEPTIONS_IN_FORCE,
        layout.UNMATCHED_LMS_RECORDS,
        f"{layout.IN_SCOPE}{layout.POPULATION_CSV}",
    } <= {path.relative_to(hostile_run.day).as_posix() for path in files}
    for path in files:
        for row in _cells(path):
            for column, cell in row.items():
                assert not (cell or "").startswith(FORMULA_STARTS), (path.name, column, cell)


def test_hostile_values_reach_the_csvs_neutralised_and_the_parquet_as_they_are(
    hostile_run: HostileRun,
) -> None:
    in_scope = _cells(hostile_run.day / f"{layout.IN_SCOPE}{layout.POPULATION_CSV}")
    assert {"'" + HYPERLINK, CHANNEL} <= {row["employee_id"] for row in in_scope}
    assert {"'-5", "'@SUM(1+1)", SCRIPT} <= {row["department"] for row in in_scope}
    parquet = pq.read_table(hostile_run.day / f"{layout.IN_SCOPE}.parquet").to_pydict()
    assert {HYPERLINK, CHANNEL} <= set(parquet["employee_id"])
    assert "-5" in parquet["department"]

    exceptions = _cells(hostile_run.day / layout.EXCEPTIONS_IN_FORCE)
    assert [(row["employee_id"], row["exception_reason"]) for row in exceptions] == [
        (LINK, "'" + HYPERLINK)
    ]
    unmatched = _cells(hostile_run.day / layout.UNMATCHED_LMS_RECORDS)
    assert "'+L2" in {row["record_id"] for row in unmatched}


def test_the_nul_row_is_a_structure_reject_not_a_second_employee(hostile_run: HostileRun) -> None:
    with hostile_run.warehouse() as connection:
        ids = [
            row[0]
            for row in connection.execute("select employee_id from landing.hr_employees").fetchall()
        ]
        values = {
            row[0]
            for row in connection.execute("select value from landing.load_rejects").fetchall()
        }
    assert ids.count("E1") == 1
    assert not any("\x00" in employee_id for employee_id in ids)
    # The warehouse keeps every offending value.
    assert set(REJECTED_VALUES) <= values
    rejects = _cells(hostile_run.day / layout.REJECTS)
    (nul,) = [row for row in rejects if row["source"] == "hr" and row["line"] == "3"]
    assert (nul["column_name"], nul["rule"]) == ("employee_id", "structure")
    assert "U+0000" in nul["reason"]


def test_rejects_in_the_evidence_never_carry_the_value(hostile_run: HostileRun) -> None:
    path = hostile_run.day / layout.REJECTS
    rejects = _cells(path)
    assert {row["rule"] for row in rejects} >= {"structure", "duplicate_key", "enumeration"}
    assert set(rejects[0]) == {
        "as_of_date",
        "source",
        "file_name",
        "line",
        "column_name",
        "rule",
        "reason",
    }
    text = path.read_text(encoding="utf-8").lower()
    for value in REJECTED_VALUES:
        assert value.lower() not in text


def test_the_alert_carries_no_chat_markup(hostile_run: HostileRun) -> None:
    alert = build_run_alert(
        hostile_run.instance, hostile_run.result.run_id, run_failed=not hostile_run.result.success
    )
    assert alert is not None, "rejected HR rows fail the control"
    chat = alert.chat_markup()
    assert "<" not in chat and ">" not in chat
    assert escape_slack_text(CHANNEL) in chat
    assert "R&amp;D" in chat


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes |= {name for name, _ in attrs}

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_day_page_shows_the_values_as_text(hostile_run: HostileRun) -> None:
    page = _Page()
    page.feed((hostile_run.day / layout.DAY_PAGE).read_text(encoding="utf-8"))
    assert "script" not in page.tags
    assert not [name for name in page.attributes if name.startswith("on")]
    assert SCRIPT in "".join(page.text), "the department is shown, as text"
