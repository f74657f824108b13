"""Consecutive daily exports with a set share of change, for the storage-growth benchmark.

    write_day_series(landing, people=100_000, days=3, end_date=D)

The first day is the sample generator's one-day landing zone (`compliance
generate-sample`, about 20 LMS records per person). Each later day is the previous
day's export with, chosen by a hash of the id and the day (so the same call gives the
same files):
- `PEOPLE_CHANGE_SHARE` of the HR rows changed: half get a new job title, half swap
  `employment_status` between active and leave;
- `RECORD_CHANGE_SHARE` of the LMS records changed: each becomes a completion dated
  that day, as when a learner finishes a course.
Nobody joins or leaves and no record is added, so a day's export is the size of the
previous one: what grows the work folder is the pipeline, not the data.

This is the seam for orchestration.sample_data's own day-series generator, when it has
one: `write_day_series` is all the benchmark calls.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

PEOPLE_CHANGE_SHARE = 0.005
RECORD_CHANGE_SHARE = 0.01
RECORDS_PER_PERSON = 20.0
# Selection resolution: a row changes when its hash falls below share * BUCKETS.
BUCKETS = 100_000


@dataclass(frozen=True)
class DayExport:
    as_of_date: date
    hr_rows: int
    lms_rows: int
    # Bytes of the day's HR and LMS exports (the exceptions file is not dated).
    export_bytes: int


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def hr_file(landing: Path, day: date) -> Path:
    return landing / "hr" / f"employees_{day.isoformat()}.csv"


def lms_file(landing: Path, day: date) -> Path:
    return landing / "lms" / f"completions_{day.isoformat()}.csv"


def first_day(landing: Path, people: int, day: date, project_root: Path) -> None:
    """The sample generator's one-day landing zone, in a child process (as a user runs it)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.cli",
            "generate-sample",
            "--landing",
            str(landing),
            "--people",
            str(people),
            "--days",
            "1",
            "--end-date",
            day.isoformat(),
            "--lms-records-per-person",
            str(RECORDS_PER_PERSON),
        ],
        cwd=project_root,
        check=True,
        capture_output=True,
        text=True,
    )


def _chosen(key_sql: str, day: date, share: float) -> str:
    return f"hash({key_sql} || {_literal(day.isoformat())}) % {BUCKETS} < {int(share * BUCKETS)}"


def next_day(landing: Path, previous: date) -> None:
    """The export of the day after `previous`: that day's files with the day's changes."""
    day = previous + timedelta(days=1)
    person = _chosen("employee_id", day, PEOPLE_CHANGE_SHARE)
    record = _chosen("record_id", day, RECORD_CHANGE_SHARE)
    half = "hash(employee_id) % 2 = 0"
    with duckdb.connect() as connection:
        connection.execute(
            f"""
            copy (
                select * replace (
                    case when {person} and {half} then job_title || ' (acting)'
                        else job_title end as job_title,
                    case when {person} and not {half} and employment_status = 'active'
                            then 'leave'
                        when {person} and not {half} and employment_status = 'leave'
                            then 'active'
                        else employment_status end as employment_status
                )
                from read_csv({_literal(hr_file(landing, previous))}, header = true,
                    all_varchar = true)
            ) to {_literal(hr_file(landing, day))} (header, delimiter ',')
            """
        )
        connection.execute(
            f"""
            copy (
                select * replace (
                    case when {record} then 'completed' else status end as status,
                    case when {record} then {_literal(day.isoformat() + "T12:00:00Z")}
                        else completed_at end as completed_at
                )
                from read_csv({_literal(lms_file(landing, previous))}, header = true,
                    all_varchar = true)
            ) to {_literal(lms_file(landing, day))} (header, delimiter ',')
            """
        )


def _rows(path: Path) -> int:
    with duckdb.connect() as connection:
        source = f"read_csv({_literal(path)}, header = true, all_varchar = true)"
        query = f"select count(*) from {source}"
        return int(connection.execute(query).fetchone()[0])


def describe(landing: Path, day: date) -> DayExport:
    files = (hr_file(landing, day), lms_file(landing, day))
    return DayExport(
        as_of_date=day,
        hr_rows=_rows(files[0]),
        lms_rows=_rows(files[1]),
        export_bytes=sum(path.stat().st_size for path in files),
    )


def write_day_series(
    landing: Path, *, people: int, days: int, end_date: date, project_root: Path
) -> list[DayExport]:
    """`days` consecutive exports ending `end_date`; what each day holds, oldest first."""
    start = end_date - timedelta(days=days - 1)
    first_day(landing, people, start, project_root)
    for offset in range(days - 1):
        next_day(landing, start + timedelta(days=offset))
    return [describe(landing, start + timedelta(days=offset)) for offset in range(days)]


def changed_share(landing: Path, day: date) -> tuple[float, float]:
    """(share of HR rows, share of LMS records) that differ from the previous day's."""
    previous = day - timedelta(days=1)
    shares = []
    for file_of, key in ((hr_file, "employee_id"), (lms_file, "record_id")):
        with duckdb.connect() as connection:
            today, before = (
                f"read_csv({_literal(file_of(landing, d))}, header = true, all_varchar = true)"
                for d in (day, previous)
            )
            changed, total = connection.execute(
                f"""
                select count(*) filter (where t is distinct from b), count(*)
                from (select {key}, t from {today} as t) as today
                join (select {key}, b from {before} as b) as before using ({key})
                """
            ).fetchone()
        shares.append(changed / total if total else 0.0)
    return shares[0], shares[1]
