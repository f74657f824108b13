"""A 5-day backfill on PostgreSQL, every day its own run, all five at once.

On PostgreSQL no step takes the DuckDB file's write lock for the marts, so the runs
overlap: ingestion takes turns on the landing file only while it loads, publishing
takes turns on PostgreSQL's DDL, dbt builds take turns on the staging and intermediate
relations they share, and checks and verdicts of different days read concurrently.
The runs must all succeed, with no lock error, and leave exactly one row per person
per day.
"""

from __future__ import annotations

import multiprocessing
import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from orchestration.sample_data import generate_landing_zone
from orchestration.settings import DBT_TARGET_VAR
from orchestration.warehouse_reader import open_postgres
from tests.in_process import materialize_day, step_failure_messages
from tests.postgres.cluster import PostgresServer

END_DATE = date(2026, 11, 27)
DAYS = tuple(END_DATE - timedelta(days=offset) for offset in range(4, -1, -1))
PEOPLE = 60


def _run_day(root: Path, as_of_date: date, environment: dict[str, str]) -> tuple[bool, str]:
    """One day's daily job in this (forked) process; its own environment and instance."""
    os.environ.update(environment)
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = materialize_day(monkeypatch, root, as_of_date)
    return result.success, step_failure_messages(result)


@pytest.fixture(scope="module")
def backfill(tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer):
    root = tmp_path_factory.mktemp("postgres_backfill")
    generate_landing_zone(root / "landing", people=PEOPLE, days=len(DAYS), end_date=END_DATE)
    server = postgres_server.with_new_database("backfill")
    environment = {DBT_TARGET_VAR: "postgres", **server.environment()}
    # The children fork from a fresh, single-threaded server that loaded the definitions
    # once (seconds each saved). Forked from this worker instead, they would copy locks
    # held at that instant by its threads from earlier in-process runs, and one hung.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.in_process"])
    with context.Pool(len(DAYS)) as pool:
        outcomes = pool.starmap(_run_day, [(root, day, environment) for day in DAYS])
    return server, dict(zip(DAYS, outcomes, strict=True))


@pytest.mark.slow
def test_five_concurrent_days_on_postgres_all_succeed_without_lock_errors(backfill) -> None:
    _, outcomes = backfill
    failed = {day: messages for day, (success, messages) in outcomes.items() if not success}
    assert failed == {}
    assert not [day for day, (_, messages) in outcomes.items() if "lock" in messages.lower()]


@pytest.mark.slow
def test_the_backfill_leaves_one_row_per_person_and_day(backfill) -> None:
    server, _ = backfill
    with open_postgres(server.connection()) as connection:
        per_day = connection.execute(
            "select as_of_date, count(*), count(distinct employee_id) "
            "from main.fct_training_compliance group by as_of_date order by as_of_date"
        ).fetchall()
        coverage_rows = connection.execute(
            "select as_of_date, count(*) from main.compliance_coverage "
            "group by as_of_date order by as_of_date"
        ).fetchall()
        landing_rows = connection.execute(
            "select as_of_date, count(*), count(distinct employee_id) "
            "from landing.hr_employees group by as_of_date order by as_of_date"
        ).fetchall()
    assert [day for day, _, _ in per_day] == list(DAYS)
    assert all(rows == people > 0 for _, rows, people in per_day)
    assert coverage_rows == [(day, 1) for day in DAYS]
    assert [day for day, _, _ in landing_rows] == list(DAYS)
    assert all(rows == people for _, rows, people in landing_rows)
