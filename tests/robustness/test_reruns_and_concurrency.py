"""Killed runs, reruns and concurrent runs on one warehouse, with the real command; and
the first processes of a brand-new Dagster home, started at the same instant."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from orchestration.cli import materialize_command
from tests.conftest import PROJECT_ROOT, PipelineFolders
from tests.in_process import materialize_day
from tests.landing_builder import completion, person, write_day

# Each round fails about one time in two when the home's storage is not made beforehand.
NEW_HOME_ROUNDS = 10

DAY = date(2026, 11, 27)
PREVIOUS_DAY = date(2026, 11, 26)
FACT_SQL = (
    "select employee_id, status, last_completed_on, due_on from main.fct_training_compliance "
    "where as_of_date = ? order by employee_id"
)


def _write_days(landing: Path) -> None:
    people = [person(f"E{i}", hire_date=f"20{10 + i % 15}-01-0{1 + i % 9}") for i in range(40)]
    completions = [completion(f"L{i}", f"E{i}", f"2026-0{1 + i % 9}-15") for i in range(0, 40, 3)]
    for day in (PREVIOUS_DAY, DAY):
        write_day(landing, day, people, completions)


def _start(folders: PipelineFolders, day: date, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        materialize_command(day),
        cwd=PROJECT_ROOT,
        env=folders.environment(),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@pytest.mark.slow
def test_run_killed_during_dbt_then_rerun_completes(
    pipeline_folders: PipelineFolders, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders = pipeline_folders
    _write_days(folders.landing)
    # The clean day the killed run overwrites; in process, as the kill is what is tested.
    assert materialize_day(monkeypatch, folders.root, DAY, with_evidence=True).success
    clean = folders.query(FACT_SQL, [DAY])

    log = folders.root / "killed.log"
    process = _start(folders, DAY, log)
    deadline = time.monotonic() + 300
    while "START sql table model intermediate" not in log.read_text(errors="replace"):
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        assert time.monotonic() < deadline, "dbt never started"
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()

    folders.materialize_ok(DAY)
    assert folders.query(FACT_SQL, [DAY]) == clean
    assert folders.query(
        "select count(*) = count(distinct employee_id) from main.fct_training_compliance "
        "where as_of_date = ?",
        [DAY],
    ) == [(True,)]


def _start_together(
    barrier: Path, arguments: list[str], environment: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    """A process that starts `arguments` (see tests/robustness/together.py) with the others."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.robustness.together", str(barrier), "2", *arguments],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@pytest.mark.slow
def test_runs_launched_together_are_serialised(pipeline_folders: PipelineFolders) -> None:
    """Two runs started at the same instant on a new home: both succeed, one after the other."""
    folders = pipeline_folders
    _write_days(folders.landing)
    environment = folders.environment()
    barrier = folders.root / "barrier"
    logs = {day: folders.root / f"{day}.log" for day in (PREVIOUS_DAY, DAY)}
    processes = {
        # The data contract's command, with its arguments, from the same entry point.
        day: _start_together(barrier, ["dagster", *materialize_command(day)[1:]], environment, log)
        for day, log in logs.items()
    }
    for day, process in processes.items():
        assert process.wait(timeout=900) == 0, logs[day].read_text(errors="replace")[-5000:]
    for log in logs.values():
        text = log.read_text(errors="replace")
        assert "Could not set lock" not in text and "Conflicting lock" not in text
    history = folders.query(
        "select as_of_date, count(*) from main.compliance_coverage group by all order by 1"
    )
    assert history == [(PREVIOUS_DAY, 1), (DAY, 1)]


def test_first_processes_on_a_new_dagster_home_start_together(tmp_path: Path) -> None:
    """Round after round on new homes, two processes at one instant prepare the home as
    `compliance` does and open its instance as a run does: neither may crash creating
    the storage (`table runs already exists`)."""
    homes = [str(tmp_path / f"home-{number}") for number in range(NEW_HOME_ROUNDS)]
    logs = [tmp_path / f"process-{number}.log" for number in range(2)]
    processes = [
        _start_together(tmp_path / "barrier", ["new-homes", *homes], dict(os.environ), log)
        for log in logs
    ]
    codes = [process.wait(timeout=600) for process in processes]
    assert codes == [0, 0], "\n".join(log.read_text(errors="replace")[-4000:] for log in logs)
