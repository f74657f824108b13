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
