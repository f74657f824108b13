"""Opening the DuckDB warehouse: one writer at a time, readers read-only.

Ingestion and the policy always write the DuckDB file (the landing zone checked
against the contract). The marts are where COMPLIANCE_DBT_TARGET says: `marts()`
opens them there, so on PostgreSQL no reader or dbt build takes the file's lock.

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

from orchestration.settings import (
    DUCKDB_MEMORY_LIMIT_VAR,
    marts_on_postgres,
    postgres_address,
    postgres_connection,
    setting,
)
from orchestration.warehouse_reader import (
    DBT_BUILD_LOCK_KEY,
    MartsConnection,
    open_postgres,
    postgres_advisory_lock,
)

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


def marts_engine() -> dict[str, str]:
    """Which engine holds the marts, for run metadata and messages (never a password)."""
    if marts_on_postgres():
        connection = postgres_connection()
        return {
            "engine": "postgresql",
            "server": f"{postgres_address(connection)}/{connection['dbname']}",
            "user": connection["user"],
        }
    return {"engine": "duckdb"}


@contextmanager
def open_marts_reader(path: Path) -> Iterator[MartsConnection]:
    """The marts for a quick read outside a run (`compliance coverage`): the DuckDB file
    read-only as open_reader opens it, or PostgreSQL."""
    if marts_on_postgres():
        with open_postgres() as connection:
            yield connection
    else:
        with open_reader(path) as connection:
            yield connection


@contextmanager
def no_lock() -> Iterator[None]:
    yield


class WarehouseResource(ConfigurableResource):
    """The DuckDB file every asset of the pipeline reads and writes, and the marts' engine."""

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

    @contextmanager
    def marts(self, *, write: bool = False) -> Iterator[MartsConnection]:
        """The marts' engine: the DuckDB file (under its lock), or PostgreSQL (no file lock:
        the server takes concurrent readers and writers)."""
        if marts_on_postgres():
            with open_postgres() as connection:
                yield connection
        else:
            with self.writer() if write else self.reader() as connection:
                yield connection

    def marts_location(self) -> str:
        """Where the marts are, for messages: the file, or the server (never a password)."""
        engine = marts_engine()
        return f"PostgreSQL at {engine['server']}" if "server" in engine else str(self.file)

    def marts_snapshot_lock(self):
        """The shared lock over a series of reads of the marts (none needed on PostgreSQL)."""
        return no_lock() if marts_on_postgres() else warehouse_lock(self.file, exclusive=False)

    def dbt_build_lock(self):
        """What a dbt build holds: the DuckDB file's write lock, or on PostgreSQL an
        advisory lock that lets builds of different days take turns on the staging views
        and intermediate tables they share (every other step of their runs goes on)."""
        if marts_on_postgres():
            return postgres_advisory_lock(DBT_BUILD_LOCK_KEY)
        return self.exclusive()
