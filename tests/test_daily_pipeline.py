"""End to end: generated exports, the data contract's command, two consecutive days."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from orchestration.sample_data import generate_landing_zone, planted_people
from tests.conftest import PipelineFolders

END_DATE = date(2026, 11, 27)
DAYS = 2
FIRST_DAY = END_DATE - timedelta(days=1)

FACT_SQL = """
    select employee_id, status, last_completed_on, qualifying_course_id, due_on,
           days_until_due, is_due_soon, is_compliant, job_family, department, manager_id
    from main.fct_training_compliance
    where as_of_date = ?
    order by employee_id
"""
COVERAGE_SQL = "select * from main.compliance_coverage where as_of_date = ?"


@pytest.fixture(scope="module")
def two_days(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Runs D, snapshots it, runs D+1, snapshots D again, reruns D."""
    folders = PipelineFolders(Path(tmp_path_factory.mktemp("two_days")))
    generate_landing_zone(folders.landing, people=2000, days=DAYS, end_date=END_DATE)

    folders.materialize_ok(FIRST_DAY)
    first_run = folders.query(FACT_SQL, [FIRST_DAY])
    first_coverage = folders.query(COVERAGE_SQL, [FIRST_DAY])

    folders.materialize_ok(END_DATE)
    after_next_day = folders.query(FACT_SQL, [FIRST_DAY])
    coverage_after_next_day = folders.query(COVERAGE_SQL, [FIRST_DAY])

    folders.materialize_ok(FIRST_DAY)
    rerun = folders.query(FACT_SQL, [FIRST_DAY])
    rerun_coverage = folders.query(COVERAGE_SQL, [FIRST_DAY])
    return {
        "folders": folders,
        "first_run": (first_run, first_coverage),
        "after_next_day": (after_next_day, coverage_after_next_day),
        "rerun": (rerun, rerun_coverage),
    }


@pytest.mark.slow
@pytest.mark.parametrize("as_of_date", [FIRST_DAY, END_DATE])
def test_planted_people_get_their_expected_status(two_days, as_of_date: date) -> None:
    folders: PipelineFolders = two_days["folders"]
    rows = folders.query(
        "select employee_id, status, last_completed_on from main.fct_training_compliance "
        "where as_of_date = ?",
        [as_of_date],
    )
    actual = {employee_id: (status, completed) for employee_id, status, completed in rows}
    planted = planted_people(END_DATE, DAYS)
    assert len(planted) >= 20
    mismatches = []
    for person in planted:
        expected_status = person.expected_status[as_of_date]
        expected_completed = person.expected_last_completed_on[as_of_date]
        got = actual.get(person.employee_id, (None, None))
        if got != (expected_status, expected_completed):
            mismatches.append((person.employee_id, person.description, got, expected_status))
    assert not mismatches


@pytest.mark.slow
@pytest.mark.parametrize("as_of_date", [FIRST_DAY, END_DATE])
def test_coverage_row_agrees_with_the_fact_table(two_days, as_of_date: date) -> None:
    folders: PipelineFolders = two_days["folders"]
    counts = dict(
        folders.query(
            "select status, count(*) from main.fct_training_compliance "
            "where as_of_date = ? group by status",
            [as_of_date],
        )
    )
    (coverage,) = folders.query(
        "select in_scope_count, compliant_count, exempt_count, on_leave_count, "
        "in_grace_period_count, overdue_count, never_completed_count, coverage_pct, "
        "completion_pct, control_passed from main.compliance_coverage where as_of_date = ?",
        [as_of_date],
    )
    in_scope = sum(counts.values())
    statuses = ["compliant", "exempt", "on_leave", "in_grace_period", "overdue", "never_completed"]
    assert coverage[0] == in_scope > 1000
    assert list(coverage[1:7]) == [counts.get(status, 0) for status in statuses]
    failing = counts.get("overdue", 0) + counts.get("never_completed", 0)
    assert failing > 0, "the sample organisation plants overdue people"
    assert coverage[7] == pytest.approx(100 * (in_scope - failing) / in_scope, abs=1e-4)
    assert coverage[8] == pytest.approx(100 * counts["compliant"] / in_scope, abs=1e-4)
    assert coverage[9] is False


@pytest.mark.slow
def test_every_active_person_has_a_scope_decision(two_days) -> None:
    folders: PipelineFolders = two_days["folders"]
    (row,) = folders.query(
        """
        select
            count(*) filter (where scope_reason is null),
            count(*) filter (where is_in_scope),
            (select count(*) from main.fct_training_compliance where as_of_date = ?),
            (select count(*) from landing.hr_employees where as_of_date = ?),
            count(*)
        from main.fct_population_scope_decisions
        where as_of_date = ?
        """,
        [END_DATE, END_DATE, END_DATE],
    )
    without_reason, in_scope, fact_rows, hr_rows, decisions = row
    assert without_reason == 0
    assert in_scope == fact_rows
    assert decisions == hr_rows


@pytest.mark.slow
def test_unmatched_learners_are_reported(two_days) -> None:
    folders: PipelineFolders = two_days["folders"]
    (count,) = folders.query(
        "select count(*) from main.fct_unmatched_lms_records where as_of_date = ?", [END_DATE]
    )[0]
    assert count > 0
    assert folders.query(
        "select unmatched_lms_record_count from main.compliance_coverage where as_of_date = ?",
        [END_DATE],
    ) == [(count,)]


@pytest.mark.slow
def test_a_later_day_leaves_an_earlier_day_unchanged(two_days) -> None:
    assert two_days["after_next_day"] == two_days["first_run"]


@pytest.mark.slow
def test_rerunning_a_day_gives_identical_rows(two_days) -> None:
    assert two_days["rerun"] == two_days["first_run"]
    folders: PipelineFolders = two_days["folders"]
    history = folders.query(
        "select as_of_date, count(*), count(distinct employee_id) "
        "from main.fct_training_compliance group by all order by 1"
    )
    assert [row[0] for row in history] == [FIRST_DAY, END_DATE]
    assert all(rows == distinct for _, rows, distinct in history)
    assert (
        folders.query(
            "select count(*) from main.compliance_coverage group by as_of_date having count(*) > 1"
        )
        == []
    )


def test_missing_export_fails_with_the_expected_path(pipeline_folders: PipelineFolders) -> None:
    generate_landing_zone(pipeline_folders.landing, people=200, days=1, end_date=END_DATE)
    missing_day = END_DATE + timedelta(days=1)
    result = pipeline_folders.materialize(missing_day)
    expected_path = pipeline_folders.landing / "hr" / f"employees_{missing_day}.csv"
    assert result.returncode != 0
    assert str(expected_path) in result.stdout + result.stderr
    assert "expected export not found" in result.stdout + result.stderr
