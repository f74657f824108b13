"""Deterministic file writers: the same rows always give the same bytes.

CSV values are written in one fixed spelling (ISO dates, lower-case booleans, empty
for NULL) and Parquet without timestamps, so a regenerated day can be compared
byte for byte with the original.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(_csv_value(item) for item in value)
    return str(value)


# A value holding any of these is quoted, its quotes doubled (csv.QUOTE_MINIMAL).
_NEEDS_QUOTES = r'[",\r\n]'


def _text(column: pa.ChunkedArray) -> pa.ChunkedArray | pa.Array:
    """The column in the fixed CSV spelling, NULL as empty; vectorised where Arrow's
    own spelling is that spelling, so a million-row population file takes seconds."""
    kind = column.type
    if pa.types.is_boolean(kind):
        text = pc.if_else(column, "true", "false")
    elif pa.types.is_string(kind) or pa.types.is_integer(kind) or pa.types.is_date32(kind):
        text = pc.cast(column, pa.string())
    else:
        # Floats, timestamps, lists: Python's spelling (2.0, isoformat, a;b).
        return pa.array([_csv_value(value) for value in column.to_pylist()], pa.string())
    return pc.fill_null(text, "")


def _csv_field(text: pa.ChunkedArray | pa.Array, *, alone: bool) -> pa.ChunkedArray | pa.Array:
    needs_quotes = pc.match_substring_regex(text, _NEEDS_QUOTES)
    if alone:
        # An empty value alone on its row would be a blank line, which readers skip.
        needs_quotes = pc.or_(needs_quotes, pc.equal(text, ""))
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.if_else(needs_quotes, quoted, text)


def write_csv_to(table: pa.Table, handle: TextIO) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(table.column_names)
    if table.num_rows == 0:
        return
    alone = table.num_columns == 1
    fields = [_csv_field(_text(column), alone=alone) for column in table.columns]
    for line in pc.binary_join_element_wise(*fields, ",").to_pylist():
        handle.write(line)
        handle.write("\n")


def write_csv(table: pa.Table, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        write_csv_to(table, handle)
    return path


def write_parquet(table: pa.Table, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # No pandas metadata (it records index details) and no writer timestamps.
    pq.write_table(
        table.replace_schema_metadata(None),
        path,
        compression="zstd",
        use_dictionary=False,
    )
    return path


def json_value(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    return value


def write_json(data: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(json_value(data), indent=2, sort_keys=True, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path
