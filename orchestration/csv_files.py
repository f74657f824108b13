"""The project's one CSV writer (evidence files and the sample landing zone), on pyarrow's.

The format, pinned by tests/evidence/test_csv_files.py:
- UTF-8, no BOM, "\\n" after every line, the header unquoted;
- text always quoted, quotes doubled, so a comma, quote, CR or LF never breaks a row
  and an empty string ("") stays apart from NULL (an empty field);
- numbers, booleans (true/false) and dates (YYYY-MM-DD) unquoted, as Arrow spells them
  (a float in its shortest round-trip form: 2, 81.7658, 1e-07), so numbers never look
  like text to a spreadsheet;
- timestamps and lists in Python's spelling (2026-01-02T03:04:05, a;b), as text: Arrow
  would write 2026-01-02 03:04:05.000000, and cannot write lists;
- a text cell starting with =, +, -, @, tab or CR gets a leading single quote (OWASP's
  guidance against formula injection), so a spreadsheet shows it as text and never runs
  it; numbers are not text, so a negative number stays a number. Parquet files keep the
  true value. Landing-zone exports (the sample generator's, a connector's pull) are
  not neutralised (write_batches, write_input_csv): they are the pipeline's input,
  whose values must arrive as the HR and LMS systems send them.

The same table always gives the same bytes, and a file appears under its name only
once complete, so a regenerated day compares byte for byte and no reader sees half a file.
A path ending in `.gz` gets the same CSV gzip-compressed (zlib's header, which carries no
time stamp or file name, so the bytes stay reproducible): `gunzip` gives the plain file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

WRITE_OPTIONS = pa_csv.WriteOptions(quoting_style="needed", quoting_header="none")

# The first characters that make a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The same characters as one RE2 pattern for Arrow's compute kernels.
_FORMULA_START = r"^([=+\-@\t\r])"


def _arrow_spells(kind: pa.DataType) -> bool:
    """Whether pyarrow writes this type in the project's spelling."""
    return (
        pa.types.is_null(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_decimal(kind)
        or pa.types.is_date32(kind)
        or pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
    )


def _python_spelling(value: Any) -> str:
    """A value as text the way the evidence has always spelled it; NULL is empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(_python_spelling(item) for item in value)
    return str(value)


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def neutralised(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A text column with a single quote before every cell a spreadsheet would run."""
    if not _is_text(column.type):
        return column
    return pc.replace_substring_regex(column, pattern=_FORMULA_START, replacement=r"'\1")


def _spelled(
    column: pa.ChunkedArray, *, alone: bool, neutralise: bool
) -> pa.ChunkedArray | pa.Array:
    kind = column.type
    if pa.types.is_string_view(kind):
        column = pc.cast(column, pa.string())
    elif not _arrow_spells(kind):
        # Only small files hold these types (run times, lists): per value is fine.
        column = pa.array(
            [None if value is None else _python_spelling(value) for value in column.to_pylist()],
            pa.string(),
        )
    if neutralise:
        # Before a lone number column becomes text below: numbers are never neutralised.
        column = neutralised(column)
    if alone and column.null_count:
        # NULL alone on its row would be a blank line, which CSV readers skip: write "".
        column = pc.fill_null(pc.cast(column, pa.string()), "")
    return column


def spelled(table: pa.Table, *, neutralise_formulas: bool = True) -> pa.Table:
    """The table with every column in a type pyarrow writes in the project's spelling,
    text cells neutralised against formulas unless told otherwise."""
    alone = table.num_columns == 1
    columns = [
        _spelled(column, alone=alone, neutralise=neutralise_formulas) for column in table.columns
    ]
    return pa.Table.from_arrays(columns, names=table.column_names)


def _check_schema(schema: pa.Schema) -> None:
    other = [f"{field.name} ({field.type})" for field in schema if not _arrow_spells(field.type)]
    if other:
        raise TypeError(f"pass these columns through spelled() first: {', '.join(other)}")


def _sink(path: Path, *, compressed: bool) -> pa.NativeFile:
    sink = pa.OSFile(str(path), "wb")
    return pa.CompressedOutputStream(sink, "gzip") if compressed else sink


def write_batches(path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> int:
    """Writes the batches as given under `path` via a temporary name; returns the rows written.

    Values are not neutralised here: this is how the sample landing zone writes the
    pipeline's input. Evidence goes through write_csv or write_csv_to.
    """
    _check_schema(schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    rows = 0
    try:
        with (
            _sink(partial, compressed=path.suffix == ".gz") as sink,
            pa_csv.CSVWriter(sink, schema, write_options=WRITE_OPTIONS) as writer,
        ):
            for batch in batches:
                writer.write_batch(batch)
                rows += batch.num_rows
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return rows


def write_csv(table: pa.Table, path: Path) -> Path:
    table = spelled(table)
    write_batches(path, table.schema, table.to_batches())
    return path


def write_input_csv(table: pa.Table, path: Path) -> Path:
    """A landing-zone export, values as the source system sent them (never neutralised)."""
    table = spelled(table, neutralise_formulas=False)
    write_batches(path, table.schema, table.to_batches())
    return path


def write_csv_to(table: pa.Table, handle: TextIO) -> None:
    """The same bytes as write_csv, onto an open text stream (e.g. stdout)."""
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(spelled(table), sink, WRITE_OPTIONS)
    handle.write(sink.getvalue().to_pybytes().decode("utf-8"))
