"""Consecutive daily exports with a set share of change, for the storage-growth benchmark.

    write_day_series(landing, people=100_000, days=3, end_date=D)

The files come from `orchestration.sample_data.changed_day_series` (the one generator of
such series): the first day is the generator's landing zone with about
`RECORDS_PER_PERSON` LMS records per person, and each later day is the previous day's
export with `PEOPLE_CHANGE_SHARE` of the HR rows and `RECORD_CHANGE_SHARE` of the LMS
records changed. This module adds what the report states about each day: its rows,
its bytes and the share that really differs from the day before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from orchestration.sample_data import changed_day_series, hr_path, lms_path

PEOPLE_CHANGE_SHARE = 0.005
RECORD_CHANGE_SHARE = 0.01
RECORDS_PER_PERSON = 20.0


@dataclass(frozen=True)
class DayExport:
    as_of_date: date
    hr_rows: int
    lms_rows: int
    # Bytes of the day's HR and LMS exports (the exceptions file is not dated).
    export_bytes: int


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _csv(path: Path) -> str:
    return f"read_csv({_literal(path)}, header = true, all_varchar = true)"


def write_day_series(landing: Path, *, people: int, days: int, end_date: date) -> list[DayExport]:
    """`days` consecutive exports ending `end_date`; what each day holds, oldest first."""
    summary = changed_day_series(
        landing,
        people=people,
        days=days,
        end_date=end_date,
        lms_records_per_person=RECORDS_PER_PERSON,
        people_changed=PEOPLE_CHANGE_SHARE,
        records_changed=RECORD_CHANGE_SHARE,
    )
    return [
        DayExport(
            as_of_date=day.as_of,
            hr_rows=day.hr_rows,
            lms_rows=day.lms_rows,
            export_bytes=day.hr_path.stat().st_size + day.lms_path.stat().st_size,
        )
        for day in summary.days
    ]


def changed_share(landing: Path, day: date) -> tuple[float, float]:
    """(share of HR rows, share of LMS records) that differ from the previous day's."""
    previous = day - timedelta(days=1)
    shares = []
    for file_of, key in ((hr_path, "employee_id"), (lms_path, "record_id")):
        today, before = (_csv(file_of(landing, d)) for d in (day, previous))
        with duckdb.connect() as connection:
            changed, total = connection.execute(
                f"""
                select count(*) filter (where t is distinct from b), count(*)
                from (select {key}, t from {today} as t) as today
                join (select {key}, b from {before} as b) as before using ({key})
                """
            ).fetchone()
        shares.append(changed / total if total else 0.0)
    return shares[0], shares[1]
