"""Opening the DuckDB warehouse: one writer at a time, readers read-only.

DuckDB lets one process hold the write lock on a file, and a read-only open fails
while another process writes. Every step of every run therefore takes a lock file
beside the warehouse first: exclusive to write (ingestion, dbt), shared to read
(checks, evidence). The operating system releases it when a process dies, so a run
killed with SIGKILL never leaves a stale lock (a Dagster pool slot would stay taken).
Opening still retries on DuckDB's own lock, for readers outside the pipeline.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource

from orchestration.settings import DUCKDB_MEMORY_LIMIT_VAR, setting

_LOCK_MESSAGES = ("Could not set lock", "Conflicting lock", "database is locked")
LOCK_TIMEOUT_VAR = "COMPLIANCE_WAREHOUSE_LOCK_TIMEOUT"
_DEFAULT_LOCK_TIMEOUT_SECONDS = 3600.0


def lock_file(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextmanager
def warehouse_lock(path: Path, *, exclusive: bool) -> Iterator[None]:
    """Waits (COMPLIANCE_WAREHOUSE_LOCK_TIMEOUT seconds at most) for the warehouse's lock."""
    timeout = float(os.environ.get(LOCK_TIMEOUT_VAR) or _DEFAULT_LOCK_TIMEOUT_SECONDS)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    deadline = time.monotonic() + timeout
    with lock_file(path).open("a+") as handle:
        while True:
            try:
                fcntl.flock(handle, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TimeoutError(
                        f"warehouse {path} stayed locked by another run for {timeout:.0f}s"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def spill_directory(path: Path) -> Path:
    """Where DuckDB spills past its memory limit; dbt's profile names the same folder."""
    return path.with_name(path.name + ".tmp")


def _connect(path: Path, *, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    config = {
        "memory_limit": setting(DUCKDB_MEMORY_LIMIT_VAR),
        "temp_directory": str(spill_directory(path)),
    }
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.IOException as error:
            if not any(text in str(error) for text in _LOCK_MESSAGES):
                raise
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"warehouse {path} stayed locked by another process for {wait_seconds:.0f}s"
                ) from error
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


@contextmanager
def open_writer(path: Path, wait_seconds: float = 600) -> Iterator[duckdb.DuckDBPyConnection]:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = _connect(path, read_only=False, wait_seconds=wait_seconds)
    try:
        yield connection
    finally:
        connection.close()


@contextmanager
def open_reader(path: Path, wait_seconds: float = 120) -> Iterator[duckdb.DuckDBPyConnection]:
    if not path.exists():
        raise FileNotFoundError(f"warehouse {path} does not exist yet: materialize a day first")
    connection = _connect(path, read_only=True, wait_seconds=wait_seconds)
    try:
        yield connection
    finally:
        connection.close()


class WarehouseResource(ConfigurableResource):
    """The DuckDB file every asset of the pipeline reads and writes."""

    path: str

    @property
    def file(self) -> Path:
        return Path(self.path).expanduser().resolve()

    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with warehouse_lock(self.file, exclusive=True), open_writer(self.file) as connection:
            yield connection

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with warehouse_lock(self.file, exclusive=False), open_reader(self.file) as connection:
            yield connection

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Holds the write lock while another process (dbt) writes the file."""
        with warehouse_lock(self.file, exclusive=True):
            yield
