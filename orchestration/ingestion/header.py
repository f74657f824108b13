"""Checks an export's header row against its contract and reports schema drift."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingestion.contract import ExportContract
from orchestration.ingestion.errors import ExportError

_HEADER_READ_BYTES = 64 * 1024


@dataclass(frozen=True)
class HeaderCheck:
    # Contract column name -> the spelling used in the file.
    file_names_by_column: dict[str, str]
    file_columns: tuple[str, ...]
    extra_columns: tuple[str, ...]
    missing_optional_columns: tuple[str, ...]


def _first_line(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(_HEADER_READ_BYTES)
    first = head.split(b"\n", 1)[0]
    if b"\r" in first.rstrip(b"\r"):
        # A CR not followed by LF ends the header line: the file uses CR-only line
        # endings (or holds a stray CR in the header), which the reader cannot split.
        raise ExportError(
            path,
            "the header ends with a lone CR (CR-only line endings): exports must end lines "
            "with LF or CRLF",
            line=1,
        )
    first = first.rstrip(b"\r")
    try:
        return first.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExportError(
            path, f"header is not UTF-8 (byte {error.start + 1}): exports must be UTF-8", line=1
        ) from error


def check_header(path: Path, contract: ExportContract) -> HeaderCheck:
    first_line = _first_line(path)
    if not first_line.strip():
        raise ExportError(path, "no header row (first line is empty)", line=1)
    try:
        file_columns = tuple(next(csv.reader([first_line], strict=True)))
    except csv.Error as error:
        raise ExportError(path, f"header row is not valid CSV: {error}", line=1) from error
    normalised = [name.strip().lower() for name in file_columns]

    duplicates = sorted({name for name in normalised if normalised.count(name) > 1})
    if duplicates:
        raise ExportError(path, f"header repeats column(s) {', '.join(duplicates)}", line=1)

    missing_required = [name for name in contract.required_columns if name not in normalised]
    if missing_required:
        hint = ""
        if len(file_columns) == 1 and ";" in first_line:
            hint = " (the file looks semicolon-delimited; exports must be comma-separated)"
        raise ExportError(
            path,
            f"missing required column(s) {', '.join(missing_required)}{hint}; "
            f"header has: {', '.join(file_columns)}",
            line=1,
        )

    by_column = {
        name: file_columns[normalised.index(name)]
        for name in contract.column_names
        if name in normalised
    }
    known = set(contract.column_names)
    return HeaderCheck(
        file_names_by_column=by_column,
        file_columns=file_columns,
        extra_columns=tuple(
            original
            for original, name in zip(file_columns, normalised, strict=True)
            if name not in known
        ),
        missing_optional_columns=tuple(
            name for name in contract.column_names if name not in by_column
        ),
    )
