"""Runs `daily_compliance_job` for one as-of date, as the schedule would: the run
`compliance run` and `compliance demo` start, in its own process.

    python -m orchestration.daily_run 2026-11-27 --run-id <uuid>

The run is recorded in $DAGSTER_HOME under the job's name, so the UI's job page,
runs list and timeline show it like a scheduled run.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

import click

DAILY_JOB = "daily_compliance_job"


@click.command(help=f"Run {DAILY_JOB} for one as-of date (exit 1 when the run fails).")
@click.argument("partition_key", metavar="YYYY-MM-DD")
@click.option("--run-id", required=True, help="The id to give the run.")
def run_daily_job(partition_key: str, run_id: str) -> None:
    # Imported here: loading the definitions takes seconds, --help should not.
    from dagster import DagsterInstance

    from orchestration.definitions import defs

    job = defs.resolve_job_def(DAILY_JOB)
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance, partition_key=partition_key, run_id=run_id, raise_on_error=False
        )
    _exit_now(0 if result.success else 1)


def _exit_now(code: int) -> None:
    """Ends this process without the interpreter's teardown.

    The run is over and recorded (the instance is closed), yet unloading the ~2,700
    modules Dagster, dbt and GX bring takes 2-3 s that the user would wait for. Only
    buffered output is left to write.
    """
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> None:
    run_daily_job.main(args=list(argv) if argv is not None else None, prog_name=__name__)


if __name__ == "__main__":
    main()
