"""What `compliance run` and `compliance demo` show while a day runs, and where the rest goes.

The run executes in a child process (orchestration.daily_run) whose output, Dagster's
and dbt's logs, goes to a log file; the console gets one line per step, read from the
instance's event log, then the day's verdict and where to look next. `--verbose`
also streams the child's output. Colour codes are kept only on a terminal.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shlex
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, TextIO

from orchestration.settings import (
    DBT_TARGET_VAR,
    DOCS_DIR_VAR,
    EVIDENCE_DIR_VAR,
    LANDING_DIR_VAR,
    PARTITIONS_START_VAR,
    PG_DATABASE_VAR,
    PG_HOST_VAR,
    PG_PORT_VAR,
    PG_SCHEMA_VAR,
    PG_USER_VAR,
    POLICY_FILE_VAR,
    PROJECT_ROOT,
    WAREHOUSE_VAR,
    log_dir,
)

if TYPE_CHECKING:
    from orchestration.run_progress import RunProgress

# CSI sequences (colours, cursor moves) and OSC sequences (titles, links).
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
# The settings the definitions read at load time: the UI must load them the same way.
_UI_SETTINGS = (
    LANDING_DIR_VAR,
    WAREHOUSE_VAR,
    DOCS_DIR_VAR,
    EVIDENCE_DIR_VAR,
    POLICY_FILE_VAR,
    PARTITIONS_START_VAR,
    DBT_TARGET_VAR,
    # The server, never its password: the UI inherits that from the shell that set it.
    PG_HOST_VAR,
    PG_PORT_VAR,
    PG_USER_VAR,
    PG_DATABASE_VAR,
    PG_SCHEMA_VAR,
)
_POLL_SECONDS = 0.5


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


@dataclass(frozen=True)
class Console:
    """The user's screen: colour codes pass only when it is a terminal."""

    stream: TextIO

    @property
    def is_terminal(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    def write(self, text: str) -> None:
        self.stream.write(text if self.is_terminal else strip_ansi(text))
        self.stream.flush()

    def echo(self, line: str) -> None:
        self.write(line + "\n")


def run_log_path(as_of_date: date) -> Path:
    return log_dir() / f"run-{as_of_date.isoformat()}.log"


def ui_command(environment: Mapping[str, str]) -> str:
    """The shell command that opens the Dagster UI on this run's instance and settings."""
    assignments = [
        f"{name}={shlex.quote(environment[name])}"
        for name in ("DAGSTER_HOME", *_UI_SETTINGS)
        if environment.get(name)
    ]
    dagster = Path(sys.executable).parent / "dagster"
    workspace = PROJECT_ROOT / "workspace.yaml"
    return " ".join(
        [*assignments, shlex.quote(str(dagster)), "dev", "-w", shlex.quote(str(workspace))]
    )


def last_error(log: Path) -> str:
    """The log's last line naming an error (the exception a failed run ended with)."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    errors = [line.strip() for line in lines if "Error" in line or "error:" in line]
    return errors[-1] if errors else "see the log"


def child_command(as_of_date: date, run_id: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "orchestration.daily_run",
        as_of_date.isoformat(),
        "--run-id",
        run_id,
    ]


def _copy_output(source: IO[str], log: IO[str], console: Console | None) -> None:
    for line in source:
        log.write(strip_ansi(line))
        log.flush()
        if console is not None:
            console.write(line)


class RunLog:
    """The day's log file; Python warnings of this process are written to it too."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = path.open("w", encoding="utf-8")
        self._handler = logging.StreamHandler(self.file)
        self._warnings = logging.getLogger("py.warnings")

    def __enter__(self) -> RunLog:
        logging.captureWarnings(True)
        self._warnings.addHandler(self._handler)
        self._warnings.propagate = False
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._warnings.removeHandler(self._handler)
        logging.captureWarnings(False)
        self.file.close()


def run_daily_job(
    as_of_date: date, environment: Mapping[str, str], console: Console, verbose: bool
) -> tuple[bool, Path]:
    """Runs daily_compliance_job for the day in a child process; (succeeded?, log file)."""
    run_id = str(uuid.uuid4())
    command = child_command(as_of_date, run_id)
    with RunLog(run_log_path(as_of_date)) as log:
        log.file.write(f"$ {shlex.join(command)}\n")
        log.file.flush()
        # Dagster takes seconds to import; only a run needs it.
        from dagster import DagsterInstance

        from orchestration.run_progress import RunProgress

        launched_at = time.time()
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env={**environment, "DBT_USE_COLORS": "false"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        assert process.stdout is not None
        copier = threading.Thread(
            target=_copy_output,
            args=(process.stdout, log.file, console if verbose else None),
            daemon=True,
        )
        copier.start()
        with DagsterInstance.from_config(environment["DAGSTER_HOME"]) as instance:
            progress = RunProgress(instance, run_id, launched_at, console.echo)
            while process.poll() is None:
                _poll(progress)
                time.sleep(_POLL_SECONDS)
            copier.join()
            _poll(progress)
        succeeded = process.returncode == 0 and progress.succeeded
        return succeeded, log.path


def _poll(progress: RunProgress) -> None:
    from sqlalchemy.exc import OperationalError

    # The child may hold the run's event database for a moment: read it next time.
    with contextlib.suppress(sqlite3.OperationalError, OperationalError):
        progress.poll()
