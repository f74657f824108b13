"""Opening the DuckDB warehouse: one writer at a time, readers read-only.

DuckDB lets one process hold the write lock on a file. Runs are serialised by a
Dagster pool, but a webserver or auditor query may hold a read lock briefly, so
opening waits with backoff instead of failing on the first lock error.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource

_LOCK_MESSAGES = ("Could not set lock", "Conflicting lock", "database is locked")


def _connect(path: Path, *, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
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
        with open_writer(self.file) as connection:
            yield connection

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with open_reader(self.file) as connection:
            yield connection
