"""The storage benchmark's day series: consecutive full exports, each changing the share of
people and LMS records the issue sets, and the files the loader reads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from benchmarks.day_series import (
    PEOPLE_CHANGE_SHARE,
    RECORD_CHANGE_SHARE,
    changed_share,
    write_day_series,
)

END_DATE = date(2026, 11, 27)


def test_each_day_changes_the_set_share_of_people_and_records(tmp_path: Path) -> None:
    exports = write_day_series(tmp_path / "landing", people=4000, days=3, end_date=END_DATE)
    assert [export.as_of_date.day for export in exports] == [25, 26, 27]
    assert len({(export.hr_rows, export.lms_rows) for export in exports}) == 1
    assert exports[-1].lms_rows > 15 * exports[-1].hr_rows
    hr_share, lms_share = changed_share(tmp_path / "landing", END_DATE)
    assert 0.8 * PEOPLE_CHANGE_SHARE <= hr_share <= 1.2 * PEOPLE_CHANGE_SHARE
    assert 0.8 * RECORD_CHANGE_SHARE <= lms_share <= 1.2 * RECORD_CHANGE_SHARE
