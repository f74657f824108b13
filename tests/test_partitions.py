"""The first partition: the setting, else the landing zone's earliest export, else today."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from orchestration.partitions import export_days, first_partition_day
from orchestration.settings import PARTITIONS_START_VAR
from tests.landing_builder import person, write_day

TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _no_configured_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PARTITIONS_START_VAR, raising=False)


def test_the_earliest_export_of_either_source_is_the_first_day(tmp_path: Path) -> None:
    write_day(tmp_path, date(2026, 11, 20), [person("E1")], [])
    write_day(tmp_path, date(2026, 11, 27), [person("E1")], [])
    # An LMS export older than every roster still starts the partitions.
    (tmp_path / "lms" / "completions_2026-11-03.csv").write_text("header\n")
    # Names the contract does not date are not partitions.
    (tmp_path / "hr" / "employees_latest.csv").write_text("header\n")
    (tmp_path / "hr" / "employees_2026-02-30.csv").write_text("header\n")

    assert export_days(tmp_path) == [date(2026, 11, 3), date(2026, 11, 20), date(2026, 11, 27)]
    assert first_partition_day(tmp_path, TODAY) == date(2026, 11, 3)


def test_an_empty_or_missing_landing_zone_starts_today(tmp_path: Path) -> None:
    assert first_partition_day(tmp_path / "missing", TODAY) == TODAY
    (tmp_path / "hr").mkdir()
    assert first_partition_day(tmp_path, TODAY) == TODAY


def test_the_setting_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_day(tmp_path, date(2026, 11, 27), [person("E1")], [])
    monkeypatch.setenv(PARTITIONS_START_VAR, "2026-01-01")
    assert first_partition_day(tmp_path, TODAY) == date(2026, 1, 1)


@pytest.mark.parametrize("value", ["2026-13-01", "01/01/2026", "yesterday"])
def test_a_bad_setting_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(PARTITIONS_START_VAR, value)
    with pytest.raises(ValueError, match=f"{PARTITIONS_START_VAR}='{value}' is not a date"):
        first_partition_day(tmp_path, TODAY)
