"""Maps CSV record numbers to the physical line where each record starts.

When every record sits on one line (the usual case) the line is the record
number plus the header. Quoted fields holding newlines, or blank lines, break
that; only then is the file re-read with the csv module to find real lines.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from orchestration.ingestion.errors import ExportError

# The longest record the loader reads (DuckDB's read_csv max_line_size); a longer
# one is a `structure` reject. The csv module's own limit (128 KiB per field) is
# raised to it, so a field the loader accepts never stops the line count.
MAX_RECORD_BYTES = 2_000_000


def one_record_per_line(physical_lines: int, record_count: int) -> bool:
    return physical_lines == record_count + 1


def record_start_lines(path: Path) -> Iterator[tuple[int, int]]:
    """(record_number, start line) for each non-blank record after the header."""
    # Process-wide, and only ever raised: other readers just accept larger fields.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_BYTES))
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        try:
            next(reader, None)
            previous_end = reader.line_num
            record_number = 0
            for row in reader:
                start = previous_end + 1
                previous_end = reader.line_num
                if not row:
                    continue
                record_number += 1
                yield record_number, start
        except csv.Error as error:
            raise ExportError(
                path, f"could not be read as CSV: {error}", line=reader.line_num
            ) from error
