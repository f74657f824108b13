"""Sampling populations and the reproducible sample, in the folder and from the CLI."""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import date, timedelta

import pyarrow as pa
import pytest

from orchestration.cli import main
from orchestration.evidence import layout
from orchestration.evidence.sampling import SamplingWindow, draw_sample
from orchestration.statuses import load_statuses
from tests.evidence.conftest import END_DATE


def _population(count: int) -> pa.Table:
    return pa.table({"employee_id": [f"E{number:06d}" for number in range(count)]})


def test_same_seed_same_people_other_seed_other_people() -> None:
    population = _population(500)
    first = draw_sample(population, seed=7, size=25)
    assert first.equals(draw_sample(population, seed=7, size=25))
    assert first["draw"].to_pylist() == list(range(1, 26))
    other = draw_sample(population, seed=8, size=25)
    assert set(first["employee_id"].to_pylist()) != set(other["employee_id"].to_pylist())


def test_a_sample_does_not_depend_on_row_order_or_on_other_people() -> None:
    population = _population(300)
    sample = draw_sample(population, seed=1, size=10)["employee_id"].to_pylist()
    shuffled = population.take(pa.array(list(reversed(range(population.num_rows)))))
    assert draw_sample(shuffled, seed=1, size=10)["employee_id"].to_pylist() == sample
    # A smaller sample is a prefix of a larger one with the same seed.
    assert draw_sample(population, seed=1, size=4)["employee_id"].to_pylist() == sample[:4]
    assert draw_sample(population, seed=1, size=1000).num_rows == 300


def test_a_window_must_not_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="after its end"):
        SamplingWindow(date(2026, 11, 27), date(2026, 11, 1))
    window = SamplingWindow.ending(END_DATE)
    assert (window.end - window.start).days == 89


def _cli_sample(capsys, *args: str) -> list[dict[str, str]]:
    assert main(["sample", "--date", END_DATE.isoformat(), *args]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_cli_sample_matches_the_folder_and_is_reproducible(
    evidence_run, monkeypatch, capsys
) -> None:
    evidence_run.environment(monkeypatch)
    folder = evidence_run.day(END_DATE)
    sampling = json.loads((folder / layout.SAMPLING).read_text())
    in_scope = sampling["populations"]["in_scope"]
    assert in_scope["population_count"] > in_scope["sample_count"] == sampling["size"] == 25
    with (folder / in_scope["sample_file"]).open(newline="") as handle:
        in_folder = list(csv.DictReader(handle))

    seed, size = str(sampling["seed"]), str(sampling["size"])
    drawn = _cli_sample(capsys, "--seed", seed, "--size", size)
    # The folder names the drawn people; their rows are the population file's.
    assert [{"draw": row["draw"], "employee_id": row["employee_id"]} for row in drawn] == in_folder
    with gzip.open(folder / in_scope["population_file"], "rt", newline="") as handle:
        population = {row["employee_id"]: row for row in csv.DictReader(handle)}
    for row in drawn:
        person = population[row["employee_id"]]
        assert {name: person[name] for name in row if name != "draw"} == {
            name: value for name, value in row.items() if name != "draw"
        }
    assert _cli_sample(capsys, "--seed", seed, "--size", size) == drawn
    other = _cli_sample(capsys, "--seed", "1", "--size", "10")
    assert len(other) == 10 and other != drawn[:10]
    statuses = {row["status"] for row in drawn}
    assert statuses <= {status.name for status in load_statuses()}


def test_new_hires_and_leavers_fall_in_the_window(evidence_run, monkeypatch, capsys) -> None:
    evidence_run.environment(monkeypatch)
    start, end = END_DATE - timedelta(days=179), END_DATE
    window = ["--window-start", start.isoformat(), "--window-end", end.isoformat()]
    hires = _cli_sample(capsys, "--population", "new_hires", "--size", "1000", *window)
    leavers = _cli_sample(capsys, "--population", "leavers", "--size", "1000", *window)
    assert hires and leavers
    assert all(start <= date.fromisoformat(row["hire_date"]) <= end for row in hires)
    assert all(start <= date.fromisoformat(row["termination_date"]) <= end for row in leavers)
    in_scope_on_date = {row["employee_id"] for row in _cli_sample(capsys, "--size", "100000")}
    hires_in_scope = {row["employee_id"] for row in hires if row["status_on_as_of_date"]}
    assert hires_in_scope and hires_in_scope <= in_scope_on_date
    assert all(row["was_in_scope"] == "true" for row in hires if row["status_on_as_of_date"])


def test_cli_sample_writes_a_file(evidence_run, monkeypatch, tmp_path, capsys) -> None:
    evidence_run.environment(monkeypatch)
    output = tmp_path / "sample.csv"
    assert (
        main(["sample", "--date", END_DATE.isoformat(), "--size", "5", "--output", str(output)])
        == 0
    )
    assert len(output.read_text().splitlines()) == 6
    assert "5 of" in capsys.readouterr().err
