"""Starts the same work in several processes at one instant, for tests of races between them.

    python -m tests.robustness.together BARRIER PARTIES dagster ARG...
        runs the `dagster` command line (the entry point its console script calls) once
        PARTIES processes have reached the barrier folder BARRIER.
    python -m tests.robustness.together BARRIER PARTIES new-homes HOME...
        for each HOME in turn, all PARTIES processes at once: prepare it as `compliance`
        does, then open its instance as a `dagster` command does.

Each process imports what it needs before the barrier, so the start-up time of Python
and Dagster (seconds, and different in each process) does not spread the starts apart.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

BARRIER_TIMEOUT_SECONDS = 300
# Past the last arrival, so every process is spinning on the clock when the instant comes.
START_MARGIN_NS = 30_000_000


def wait_for_everyone(barrier: Path, name: str, parties: int) -> None:
    """Returns in every process at the same instant, once `parties` processes called it."""
    barrier.mkdir(parents=True, exist_ok=True)
    (barrier / f"{name}.{os.getpid()}").touch()
    deadline = time.monotonic() + BARRIER_TIMEOUT_SECONDS
    while len(arrivals := list(barrier.glob(f"{name}.*"))) < parties:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(arrivals)} of {parties} processes reached {name}")
        time.sleep(0.002)
    # Every process computes the same instant from the same files' times.
    instant = max(path.stat().st_mtime_ns for path in arrivals) + START_MARGIN_NS
    while time.time_ns() < instant:
        pass


def run_dagster(barrier: Path, parties: int, arguments: list[str]) -> int:
    from dagster._cli import main

    wait_for_everyone(barrier, "dagster", parties)
    sys.argv = ["dagster", *arguments]
    try:
        main()
    except SystemExit as end:
        return end.code if isinstance(end.code, int) else 1
    return 0


def open_new_homes(barrier: Path, parties: int, homes: list[Path]) -> int:
    """Every round, even after one failed, so the processes stay in step; 1 if any failed."""
    from dagster import DagsterInstance

    from orchestration.dagster_home import prepare_dagster_home

    failed = 0
    for number, home in enumerate(homes):
        wait_for_everyone(barrier, f"round-{number}", parties)
        try:
            prepare_dagster_home(home)
            os.environ["DAGSTER_HOME"] = str(home)
            # What `dagster asset materialize` does first: it creates any missing storage.
            with DagsterInstance.get() as instance:
                instance.get_runs(limit=1)
        except Exception:
            failed += 1
            print(f"round {number} ({home}) failed:", file=sys.stderr)
            traceback.print_exc()
    print(f"{failed} of {len(homes)} rounds failed", file=sys.stderr)
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    barrier, parties, command, *rest = argv
    if command == "dagster":
        return run_dagster(Path(barrier), int(parties), rest)
    if command == "new-homes":
        return open_new_homes(Path(barrier), int(parties), [Path(home) for home in rest])
    raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
