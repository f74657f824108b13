"""A series of daily exports in which a fixed share of people and records changes per day.

`changed_day_series` measures what a day costs when little changed: the first day
is the generator's landing zone, and each following day is the previous day's files,
same rows in the same order, with exactly `people_changed` of the HR rows and
`records_changed` of the LMS records changed in one value each:

- an HR row changes its job title (" II" appended: same person, same scope rules);
- an LMS record becomes completed on that day, with a score from 60 to 100.

Same arguments give byte-identical files.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from orchestration.csv_files import write_batches

from .landing_zone import generate_landing_zone, hr_path, lms_path
from .summary import DayFiles, GenerationSummary

_BATCH_ROWS = 1_000_000


def _read_text(path: Path) -> pa.Table:
    """Every column as text; an empty field reads as NULL, a quoted "" stays ""."""
    with path.open("rb") as handle:
        names = handle.readline().decode("utf-8").rstrip("\n").split(",")
    return pa_csv.read_csv(
        path,
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )


def _chosen(rng: np.random.Generator, rows: int, share: float) -> pa.Array:
    """A mask of round(rows * share) distinct rows."""
    mask = np.zeros(rows, dtype=bool)
    mask[rng.choice(rows, size=round(rows * share), replace=False)] = True
    return pa.array(mask)


def _with_column(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(name), name, values)


def _changed_hr(table: pa.Table, rng: np.random.Generator, share: float) -> pa.Table:
    mask = _chosen(rng, table.num_rows, share)
    title = table["job_title"].combine_chunks()
    return _with_column(
        table, "job_title", pc.if_else(mask, pc.binary_join_element_wise(title, " II", ""), title)
    )


def _changed_lms(table: pa.Table, rng: np.random.Generator, share: float, day: date) -> pa.Table:
    mask = _chosen(rng, table.num_rows, share)
    scores = pa.array(rng.integers(60, 101, table.num_rows).astype(str))
    table = _with_column(
        table, "status", pc.if_else(mask, "completed", table["status"].combine_chunks())
    )
    table = _with_column(
        table,
        "completed_at",
        pc.if_else(mask, day.isoformat(), table["completed_at"].combine_chunks()),
    )
    return _with_column(table, "score", pc.if_else(mask, scores, table["score"].combine_chunks()))


def _write(path: Path, table: pa.Table) -> int:
    return write_batches(path, table.schema, table.to_batches(max_chunksize=_BATCH_ROWS))


def changed_day_series(
    landing_dir: Path,
    *,
    people: int = 2000,
    days: int = 3,
    end_date: date = date(2026, 11, 27),
    seed: int = 20261127,
    lms_records_per_person: float = 6.0,
    people_changed: float = 0.005,
    records_changed: float = 0.01,
) -> GenerationSummary:
    """Writes `days` consecutive daily exports ending at `end_date` into `landing_dir`,
    each day changing `people_changed` of the HR rows and `records_changed` of the LMS
    records of the day before (shares from 0 to 1)."""
    if not (0 <= people_changed <= 1 and 0 <= records_changed <= 1):
        raise ValueError("people_changed and records_changed are shares from 0 to 1")
    started = time.perf_counter()
    landing_dir = Path(landing_dir)
    first_day = end_date - timedelta(days=days - 1)
    first = generate_landing_zone(
        landing_dir,
        people=people,
        days=1,
        end_date=first_day,
        seed=seed,
        lms_records_per_person=lms_records_per_person,
    )
    written = list(first.days)
    rng = np.random.Generator(np.random.PCG64(seed))
    for offset in range(1, days):
        as_of = first_day + timedelta(days=offset)
        previous = written[-1]
        hr = _changed_hr(_read_text(previous.hr_path), rng, people_changed)
        lms = _changed_lms(_read_text(previous.lms_path), rng, records_changed, as_of)
        day_hr, day_lms = hr_path(landing_dir, as_of), lms_path(landing_dir, as_of)
        written.append(DayFiles(as_of, day_hr, _write(day_hr, hr), day_lms, _write(day_lms, lms)))
    return GenerationSummary(
        landing_dir=landing_dir,
        days=tuple(written),
        exceptions_path=first.exceptions_path,
        exceptions_rows=first.exceptions_rows,
        people=first.people,
        planted_people=first.planted_people,
        seconds=time.perf_counter() - started,
    )
