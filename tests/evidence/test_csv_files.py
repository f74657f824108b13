"""The evidence CSV writer spells every value as Python's csv module would."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pyarrow as pa
import pytest

from orchestration.evidence.files import _csv_value, write_csv_to

MIXED = pa.table(
    {
        "text": ["x", "", None, "a,b", 'q"q', "l\nl"],
        "number": [1.5, 81.77, None, 2.0, 1e20, 0.1],
        "flag": [True, False, None, True, True, False],
        "day": [date(2026, 1, 2)] * 5 + [None],
        "count": [1, 2, None, 4, 5, 6],
        "codes": [["a", "b"], [], None, ["c"], ["d"], ["e"]],
        "at": [datetime(2026, 1, 2, 3, 4, 5)] * 6,
    }
)


def _with_csv_module(table: pa.Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.column_names)
    for row in table.to_pylist():
        writer.writerow([_csv_value(value) for value in row.values()])
    return out.getvalue()


@pytest.mark.parametrize(
    "columns",
    [MIXED.column_names, ["text"], ["count"], ["text", "count"]],
    ids=["every type", "one text column", "one number column", "two columns"],
)
def test_rows_match_the_csv_module(columns: list[str]) -> None:
    table = MIXED.select(columns)
    written = io.StringIO()
    write_csv_to(table, written)
    assert written.getvalue() == _with_csv_module(table)


def test_a_lone_empty_value_is_not_a_blank_line() -> None:
    written = io.StringIO()
    write_csv_to(pa.table({"text": ["", None]}), written)
    assert written.getvalue() == 'text\n""\n""\n'
