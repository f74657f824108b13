"""Writes a sample export with the project's CSV writer, building its rows in parallel.

A batch's columns are Arrow compute results (the kernels release the GIL), so the next
batches are built on the other cores while one is written; batches are written in order,
so the file is byte-for-byte reproducible.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from orchestration.csv_files import write_batches

# Rows built at once: bounds the memory of a 20-million-row LMS export.
BATCH_ROWS = 1_000_000


@dataclass(frozen=True)
class CsvSource:
    """A CSV file to write: its columns and, per range of rows, their values.

    Values are plain (the writer quotes them); NULL is written as an empty field.
    """

    schema: pa.Schema
    rows: int
    columns: Callable[[int, int], Sequence[pa.Array]]  # (start, stop) -> columns of those rows

    def batch(self, start: int, stop: int) -> pa.RecordBatch:
        return pa.RecordBatch.from_arrays(list(self.columns(start, stop)), schema=self.schema)


def text_schema(names: Sequence[str], **types: pa.DataType) -> pa.Schema:
    """Columns of text, except those named in `types`."""
    return pa.schema([(name, types.get(name, pa.string())) for name in names])


def _batches(source: CsvSource, pool: ThreadPoolExecutor, ahead: int) -> Iterator[pa.RecordBatch]:
    pending: deque[Future[pa.RecordBatch]] = deque()
    for start in range(0, source.rows, BATCH_ROWS):
        pending.append(pool.submit(source.batch, start, min(start + BATCH_ROWS, source.rows)))
        # A bounded window: parallel building without holding every batch in memory.
        if len(pending) > ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def write_csv(path: Path, source: CsvSource) -> int:
    """Writes `source` to `path` (via a temporary name); returns its rows."""
    workers = os.cpu_count() or 1
    with ThreadPoolExecutor(workers) as pool:
        return write_batches(path, source.schema, _batches(source, pool, workers))
