"""CSV writing: standard quoting, one line per row, built and written in batches.

Lines are assembled with Arrow compute kernels, which release the GIL, so
batches are rendered on all cores; each batch's string buffer is then written
as is, in order, so the output is byte-for-byte reproducible. (DuckDB's COPY
took about 40 s for 20 million LMS rows on 2 cores; this takes about 5 s.)
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Keeps each batch's text far below Arrow's 2 GiB limit for one string array.
BATCH_ROWS = 1_000_000


def quoted(values: pa.Array) -> pa.Array:
    """Quote the values holding a comma, quote or line break (RFC 4180); leave the rest alone."""
    needs_quotes = pc.match_substring_regex(values, '[",\r\n]')
    if not pc.any(needs_quotes).as_py():
        return values
    escaped = pc.binary_join_element_wise('"', pc.replace_substring(values, '"', '""'), '"', "")
    return pc.if_else(needs_quotes, escaped, values)


@dataclass(frozen=True)
class CsvSource:
    """A CSV file to write: its header and, per range of rows, its columns as string arrays.

    Columns must already be quoted where needed; nulls are written as empty fields.
    """

    header: tuple[str, ...]
    rows: int
    columns: Callable[[int, int], Sequence[pa.Array]]  # (start, stop) -> columns of those rows


def _lines(columns: Sequence[pa.Array]) -> pa.Array:
    joined = pc.binary_join_element_wise(
        *columns, ",", null_handling="replace", null_replacement=""
    )
    return pc.binary_join_element_wise(joined, "\n", "")


def _write_lines(out: BinaryIO, lines: pa.Array) -> None:
    # The lines sit back to back in the array's data buffer: write that slice directly.
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=lines.offset + len(lines) + 1)
    out.write(memoryview(lines.buffers()[2])[offsets[lines.offset] : offsets[-1]])


def write_csv(path: Path, source: CsvSource) -> int:
    """Write `source` to `path` (via a temporary name, so readers never see half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    workers = os.cpu_count() or 1
    with open(partial, "wb") as out, ThreadPoolExecutor(workers) as pool:
        out.write((",".join(source.header) + "\n").encode())
        pending: deque[Future[pa.Array]] = deque()
        for start in range(0, source.rows, BATCH_ROWS):
            stop = min(start + BATCH_ROWS, source.rows)
            pending.append(pool.submit(lambda a, b: _lines(source.columns(a, b)), start, stop))
            # A bounded window: parallel rendering without holding every batch in memory.
            if len(pending) > workers:
                _write_lines(out, pending.popleft().result())
        while pending:
            _write_lines(out, pending.popleft().result())
    os.replace(partial, path)
    return source.rows
