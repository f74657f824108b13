"""A backfill, one run per day, gives one history row per person and day with no
duplicates, and re-running a day in the middle afterwards changes nothing.

Six days prove it as well as thirty did: every day's population differs from the others',
so a run that wrote or deleted another day's rows shows in the per-day counts, and the
re-run day has days on both sides of it. Each day costs a run of a few seconds.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from dagster import AssetSelection, DagsterInstance, materialize

from orchestration.definitions import defs
from orchestration.ingestion.verify_landing import verify_landing
from orchestration.landing import LandingZoneResource
from orchestration.transformation.project import dbt_resource
from orchestration.warehouse import WarehouseResource
from tests.landing_builder import completion, person, write_day

FIRST_DAY = date(2026, 10, 29)
DAYS = 6
RERUN = 2  # the third day, re-run after the sixth
FACT_SQL = (
    "select employee_id, status, last_completed_on, due_on from main.fct_training_compliance "
    "where as_of_date = ? order by employee_id"
)


@pytest.mark.slow
def test_backfill_then_rerun_of_a_middle_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    days = [FIRST_DAY + timedelta(days=offset) for offset in range(DAYS)]
    for offset, day in enumerate(days):
        # The organisation changes every day: one more hire, one more completion.
        people = [person(f"E{i}", hire_date=f"2026-{1 + i % 9:02d}-01") for i in range(8 + offset)]
        completions = [completion(f"L{i}", f"E{i}", "2026-01-15") for i in range(0, offset, 2)]
        write_day(tmp_path / "landing", day, people, completions)

    warehouse = tmp_path / "compliance.duckdb"
    monkeypatch.setenv("COMPLIANCE_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("COMPLIANCE_DOCS_DIR", str(tmp_path / "docs"))
    monkeypatch.setenv("COMPLIANCE_EVIDENCE_DIR", str(tmp_path / "evidence"))
    resources = {
        "warehouse": WarehouseResource(path=str(warehouse)),
        "landing_zone": LandingZoneResource(path=str(tmp_path / "landing")),
        "dbt": dbt_resource(),
    }
    instance = DagsterInstance.ephemeral()
    before_rerun: list[tuple] = []
    # The backfill policy is one run per day, as a Dagster backfill would launch them.
    for number, day in enumerate([*days, days[RERUN]]):
        if number == DAYS:
            with duckdb.connect(str(warehouse), read_only=True) as connection:
                before_rerun = connection.execute(FACT_SQL, [day]).fetchall()
        result = materialize(
            assets=defs.assets,
            selection=AssetSelection.all()
            - AssetSelection.all_asset_checks()
            - AssetSelection.groups("evidence"),
            partition_key=day.isoformat(),
            resources=resources,
            instance=instance,
        )
        assert result.success

    with duckdb.connect(str(warehouse), read_only=True) as connection:
        after_rerun = connection.execute(FACT_SQL, [days[RERUN]]).fetchall()
        history = connection.execute(
            "select as_of_date, count(*), count(distinct employee_id) "
            "from main.fct_training_compliance group by all order by 1"
        ).fetchall()
        coverage_days = connection.execute(
            "select count(*), count(distinct as_of_date) from main.compliance_coverage"
        ).fetchone()
    assert [row[0] for row in history] == days
    assert all(rows == distinct for _, rows, distinct in history)
    assert [rows for _, rows, _ in history] == [8 + offset for offset in range(DAYS)]
    assert coverage_days == (DAYS, DAYS)
    assert after_rerun == before_rerun and len(before_rerun) == 8 + RERUN


LANDING_SQL = (
    "select source_line, employee_id, job_title, employment_status from landing.hr_employees "
    "where as_of_date = ? order by source_line"
)


@pytest.mark.slow
def test_out_of_order_backfill_and_rerun_keep_each_day_as_first_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """D, then D+2, then D+1, then D again: every day's landing rows and facts stay as
    their first run gave them, and the history holds each changed record once more."""
    days = [FIRST_DAY + timedelta(days=offset) for offset in range(3)]
    for offset, day in enumerate(days):
        # Each day a new hire joins at the top of the file (every line moves), person
        # E<offset> is on leave that day only and one more record is completed.
        people = [person(f"N{hire}") for hire in range(offset, -1, -1)] + [
            person(f"E{i}", employment_status="leave" if i == offset else "active")
            for i in range(1, 11)
        ]
        completions = [completion(f"L{i}", f"E{i}", "2026-01-15") for i in range(1, 3 + offset)]
        write_day(tmp_path / "landing", day, people, completions)

    warehouse = tmp_path / "compliance.duckdb"
    monkeypatch.setenv("COMPLIANCE_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("COMPLIANCE_DOCS_DIR", str(tmp_path / "docs"))
    monkeypatch.setenv("COMPLIANCE_EVIDENCE_DIR", str(tmp_path / "evidence"))
    resources = {
        "warehouse": WarehouseResource(path=str(warehouse)),
        "landing_zone": LandingZoneResource(path=str(tmp_path / "landing")),
        "dbt": dbt_resource(),
    }
    instance = DagsterInstance.ephemeral()
    first_runs: dict[date, tuple[list[tuple], list[tuple]]] = {}
    for day in (days[0], days[2], days[1], days[0]):
        result = materialize(
            assets=defs.assets,
            selection=AssetSelection.all()
            - AssetSelection.all_asset_checks()
            - AssetSelection.groups("evidence"),
            partition_key=day.isoformat(),
            resources=resources,
            instance=instance,
        )
        assert result.success
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            for each in first_runs | {day: None}:
                seen = (
                    connection.execute(LANDING_SQL, [each]).fetchall(),
                    connection.execute(FACT_SQL, [each]).fetchall(),
                )
                assert first_runs.setdefault(each, seen) == seen, each
            stored_versions = connection.execute(
                "select count(*) from landing.hr_employees_versions"
            ).fetchone()[0]

    assert [len(first_runs[day][0]) for day in days] == [11, 12, 13]
    assert [(line, who, status) for line, who, _, status in first_runs[days[1]][0][:3]] == [
        (2, "N1", "active"),
        (3, "N0", "active"),
        (4, "E1", "leave"),
    ]
    # One version per person, plus E1's leave and return and E2's leave: stored once
    # however often and in whichever order the days were loaded.
    assert stored_versions == 13 + 2 + 1
    assert verify_landing(warehouse) == 0
