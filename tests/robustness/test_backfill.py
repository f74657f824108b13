"""A 30-day backfill gives 30 days of history with no duplicates, and re-running one of
the days afterwards changes nothing."""

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
DAYS = 30


def test_thirty_day_backfill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
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
    # The backfill policy is one run per day, as a Dagster backfill would launch them.
    for day in [*days, days[10]]:
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
