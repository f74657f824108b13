"""Sampling populations for auditors and a reproducible sample drawn from them.

Populations of an as-of date D, as the warehouse holds them:
- in_scope: every in-scope person on D (fct_training_compliance);
- new_hires / leavers: the people of fct_hr_movers for D whose hire_date /
  termination_date falls in the window drawn (by default the 90 days ending D; at most
  the mart's sampling_lookback_days). Who counts as a mover, their latest description,
  whether they were ever in scope and their status on D are decided in that mart.

The sample orders a population by sha256("<seed>:<employee_id>") and keeps the first
`size`: the same seed always gives the same people, whoever draws it, and a person's
place does not depend on who else is in the population.

In the evidence folder a sample file holds the draw number and the employee id only;
each person's row is in the population file it names. The in-scope population is the
day's population/in_scope file itself (the same people, in the same order), so it is
not stored a second time; new hires and leavers, which no other file holds, are written
under samples/, gzipped like every population.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from orchestration.csv_files import write_csv
from orchestration.evidence import layout
from orchestration.evidence.files import write_json
from orchestration.rule_settings import load_rule_settings
from orchestration.warehouse_reader import MartsConnection

DEFAULT_WINDOW_DAYS = 90
# A sample names its people; their rows are in the population file.
SAMPLE_COLUMNS = ["draw", "employee_id"]
# The in-scope people of D with their status: the day's population export, not a copy.
IN_SCOPE_POPULATION_FILE = f"{layout.IN_SCOPE}{layout.POPULATION_CSV}"
POPULATIONS = ("in_scope", "new_hires", "leavers")

_IN_SCOPE_SQL = """
select employee_id, job_title, job_family, department, manager_id, employment_type,
       employment_status, hire_date, termination_date, status, last_completed_on, due_on
from main.fct_training_compliance
where as_of_date = $as_of_date
order by employee_id
"""

# The movers of D whose `date_column` lies in the window; the mart decides the rest.
# (as_of_date is dropped from the result: `select * exclude` is DuckDB's alone.)
_MOVERS_SQL = """
select *
from main.fct_hr_movers
where as_of_date = $as_of_date and {date_column} between $window_start and $window_end
order by employee_id
"""


class WindowOutsideLookbackError(ValueError):
    """The window reaches before the days of movers the warehouse keeps for the date."""


@dataclass(frozen=True)
class SamplingWindow:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"window start {self.start} is after its end {self.end}")

    @classmethod
    def ending(cls, as_of_date: date, days: int = DEFAULT_WINDOW_DAYS) -> SamplingWindow:
        return cls(as_of_date - timedelta(days=days - 1), as_of_date)


def read_population(
    connection: MartsConnection, name: str, as_of_date: date, window: SamplingWindow
) -> pa.Table:
    if name == "in_scope":
        return connection.execute(_IN_SCOPE_SQL, {"as_of_date": as_of_date}).to_arrow_table()
    date_column = {"new_hires": "hire_date", "leavers": "termination_date"}.get(name)
    if date_column is None:
        raise ValueError(f"unknown population {name!r}; expected one of {', '.join(POPULATIONS)}")
    _check_lookback(window, as_of_date)
    return (
        connection.execute(
            _MOVERS_SQL.format(date_column=date_column),
            {"as_of_date": as_of_date, "window_start": window.start, "window_end": window.end},
        )
        .to_arrow_table()
        .drop_columns(["as_of_date"])
    )


def _check_lookback(window: SamplingWindow, as_of_date: date) -> None:
    lookback_days = load_rule_settings().sampling_lookback_days
    earliest = as_of_date - timedelta(days=lookback_days - 1)
    if window.start < earliest or window.end > as_of_date:
        raise WindowOutsideLookbackError(
            f"the window {window.start}..{window.end} must lie within {earliest}..{as_of_date}: "
            f"the warehouse keeps the new hires and leavers of the {lookback_days} days ending "
            "the as-of date (dbt var sampling_lookback_days)"
        )


def sample_key(seed: int, employee_id: str) -> str:
    return hashlib.sha256(f"{seed}:{employee_id}".encode()).hexdigest()


def draw_sample(population: pa.Table, seed: int, size: int) -> pa.Table:
    """The first `size` people by sample_key, in draw order, with their draw number."""
    if size < 0:
        raise ValueError("sample size must be >= 0")
    ids = population["employee_id"].to_pylist()
    order = sorted(range(len(ids)), key=lambda index: sample_key(seed, ids[index]))[:size]
    sample = population.take(pa.array(order, type=pa.int64()))
    return sample.add_column(0, "draw", pa.array(range(1, len(order) + 1), type=pa.int64()))


def reproduce_command(
    name: str, as_of_date: date, seed: int, size: int, window: SamplingWindow
) -> str:
    command = f"compliance sample --date {as_of_date} --population {name} --seed {seed} "
    command += f"--size {size}"
    if name != "in_scope":
        command += f" --window-start {window.start} --window-end {window.end}"
    return command


def write_samples(
    connection: MartsConnection,
    folder: Path,
    as_of_date: date,
    *,
    seed: int,
    size: int,
    window: SamplingWindow,
) -> dict[str, Any]:
    """Writes each sample (and the populations no other file holds) under samples/;
    returns sampling.json's content."""
    populations: dict[str, Any] = {}
    for name in POPULATIONS:
        population = read_population(connection, name, as_of_date, window)
        sample = draw_sample(population, seed, size).select(SAMPLE_COLUMNS)
        sample_file = f"{layout.SAMPLES_DIR}/{name}_sample.csv"
        if name == "in_scope":
            population_file = IN_SCOPE_POPULATION_FILE
        else:
            population_file = f"{layout.SAMPLES_DIR}/{name}_population{layout.POPULATION_CSV}"
            write_csv(population, folder / population_file)
        write_csv(sample, folder / sample_file)
        populations[name] = {
            "population_file": population_file,
            "population_count": population.num_rows,
            "sample_file": sample_file,
            "sample_count": sample.num_rows,
            "reproduce": reproduce_command(name, as_of_date, seed, size, window),
        }
    document = {
        "as_of_date": as_of_date,
        "seed": seed,
        "size": size,
        "window_start": window.start,
        "window_end": window.end,
        "method": "order each population by sha256('<seed>:<employee_id>') and keep the "
        "first <size> people; a sample file lists draw and employee_id, the person's row is in "
        "its population file; new hires and leavers are everyone of the HR exports up to the "
        "as-of date whose hire_date / termination_date is in the window (was_in_scope: in "
        "scope on at least one retained day)",
        "populations": populations,
    }
    write_json(document, folder / layout.SAMPLING)
    return document
