"""Generates a whole landing zone: one world, one HR and one LMS export per day, exceptions."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from .conventions import to_day
from .daily_exports import HrExport, LmsExport, exceptions_source
from .exceptions import generate_exceptions
from .planted import PLANTED_IDS, planted_exceptions, planted_people_table, planted_records
from .population import generate_population
from .summary import DayFiles, GenerationSummary
from .training_history import Records, generate_history
from .writer import write_csv


def hr_path(landing_dir: Path, as_of: date) -> Path:
    return landing_dir / "hr" / f"employees_{as_of.isoformat()}.csv"


def lms_path(landing_dir: Path, as_of: date) -> Path:
    return landing_dir / "lms" / f"completions_{as_of.isoformat()}.csv"


def generate_landing_zone(
    landing_dir: Path,
    *,
    people: int = 2000,
    days: int = 3,
    end_date: date = date(2026, 11, 27),
    seed: int = 20261127,
    lms_records_per_person: float = 6.0,
) -> GenerationSummary:
    """Write `days` consecutive daily exports ending at `end_date` into `landing_dir`.

    Same arguments give byte-identical files. `people` generated people plus the
    planted ones (see planted.py) make up the organisation.
    """
    if people < 0 or days < 1 or lms_records_per_person < 0:
        raise ValueError("people and lms_records_per_person must be >= 0 and days >= 1")
    started = time.perf_counter()
    landing_dir = Path(landing_dir)
    end_day = to_day(end_date)
    # Separate streams per part: changing the LMS volume leaves the HR roster unchanged.
    population_rng, history_rng, exceptions_rng = (
        np.random.Generator(np.random.PCG64(s)) for s in np.random.SeedSequence(seed).spawn(3)
    )

    population = generate_population(population_rng, people, end_day)
    people_table = pa.concat_tables([population.to_table(), planted_people_table(end_day)])
    # Identity rows: generated people, planted people, then learners HR does not know.
    records, outsiders = generate_history(
        history_rng, population, end_day, lms_records_per_person, people_table.num_rows
    )
    identities = pa.concat_tables(
        [
            people_table.select(["employee_id", "work_email"]).rename_columns(
                ["employee_id", "email"]
            ),
            outsiders,
        ]
    )
    hr = HrExport(people_table)
    lms = LmsExport(Records.concat(planted_records(end_day, len(population)), records), identities)

    written = []
    for as_of in (end_date - timedelta(days=k) for k in range(days - 1, -1, -1)):
        day_hr, day_lms = hr_path(landing_dir, as_of), lms_path(landing_dir, as_of)
        written.append(
            DayFiles(
                as_of=as_of,
                hr_path=day_hr,
                hr_rows=write_csv(day_hr, hr.as_of(to_day(as_of))),
                lms_path=day_lms,
                lms_rows=write_csv(day_lms, lms.as_of(to_day(as_of))),
            )
        )
    exceptions = pa.concat_tables(
        [generate_exceptions(exceptions_rng, population, end_day), planted_exceptions(end_day)]
    )
    exceptions_path = landing_dir / "exceptions.csv"
    exceptions_rows = write_csv(exceptions_path, exceptions_source(exceptions))

    return GenerationSummary(
        landing_dir=landing_dir,
        days=tuple(written),
        exceptions_path=exceptions_path,
        exceptions_rows=exceptions_rows,
        people=people_table.num_rows,
        planted_people=len(PLANTED_IDS),
        seconds=time.perf_counter() - started,
    )
