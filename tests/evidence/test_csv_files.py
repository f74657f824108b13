"""The one CSV writer (evidence and sample landing zone) writes exactly this format."""

from __future__ import annotations

import csv
import gzip
import io
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from orchestration.csv_files import write_batches, write_csv, write_csv_to, write_input_csv
from orchestration.evidence.files import write_parquet

MIXED = pa.table(
    {
        "text": ["x", "", None, "a,b", 'q"q', "l\nl", "c\rr"],
        "number": [1.5, 81.77, None, 2.0, 1e20, 0.1, 100.0],
        "flag": [True, False, None, True, True, False, True],
        "day": [date(2026, 1, 2)] * 6 + [None],
        "count": [1, 2, None, 4, 5, 6, -7],
        "codes": [["a", "b"], [], None, ["c"], ["d"], ["e"], ["f,g"]],
        "at": [datetime(2026, 1, 2, 3, 4, 5)] * 6 + [None],
    }
)
# Text quoted (quotes doubled), NULL empty, "" quoted; numbers (floats in their shortest
# round-trip form), booleans and dates bare; lists and timestamps in Python's spelling.
MIXED_CSV = (
    "text,number,flag,day,count,codes,at\n"
    '"x",1.5,true,2026-01-02,1,"a;b","2026-01-02T03:04:05"\n'
    '"",81.77,false,2026-01-02,2,"","2026-01-02T03:04:05"\n'
    ',,,2026-01-02,,,"2026-01-02T03:04:05"\n'
    '"a,b",2,true,2026-01-02,4,"c","2026-01-02T03:04:05"\n'
    '"q""q",1e+20,true,2026-01-02,5,"d","2026-01-02T03:04:05"\n'
    '"l\nl",0.1,false,2026-01-02,6,"e","2026-01-02T03:04:05"\n'
    '"c\rr",100,true,,-7,"f,g",\n'
)


def _written(table: pa.Table) -> str:
    out = io.StringIO()
    write_csv_to(table, out)
    return out.getvalue()


def test_every_type_is_written_in_the_pinned_spelling() -> None:
    assert _written(MIXED) == MIXED_CSV


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["text"], 'text\n"x"\n""\n""\n"a,b"\n"q""q"\n"l\nl"\n"c\rr"\n'),
        (["count"], 'count\n"1"\n"2"\n""\n"4"\n"5"\n"6"\n"-7"\n'),
        (["day", "count"], "day,count\n2026-01-02,1\n2026-01-02,2\n2026-01-02,\n"),
    ],
    ids=["one text column", "one number column", "two columns"],
)
def test_narrow_tables(columns: list[str], expected: str) -> None:
    assert _written(MIXED.select(columns).slice(0, expected.count("\n") - 1)) == expected


def test_a_lone_empty_value_is_not_a_blank_line() -> None:
    """A blank line is skipped by readers: alone on its row, NULL is written as ""."""
    assert _written(pa.table({"text": ["", None]})) == 'text\n""\n""\n'


def test_empty_string_and_null_differ_when_not_alone() -> None:
    assert _written(pa.table({"a": ["", None], "b": [1, 2]})) == 'a,b\n"",1\n,2\n'


def test_no_rows_is_the_header_alone() -> None:
    assert _written(MIXED.slice(0, 0)) == "text,number,flag,day,count,codes,at\n"


def test_the_csv_module_reads_the_values_back() -> None:
    rows = list(csv.reader(io.StringIO(MIXED_CSV, newline="")))
    assert [row[0] for row in rows[1:]] == ["x", "", "", "a,b", 'q"q', "l\nl", "c\rr"]


def test_duckdb_reads_it_as_the_loader_does(tmp_path: Path) -> None:
    path = write_csv(MIXED.select(["text", "count"]), tmp_path / "mixed.csv")
    rows = duckdb.sql(
        f"""
        select text, count from read_csv('{path}', header = true, auto_detect = false,
            columns = {{'text': 'VARCHAR', 'count': 'VARCHAR'}},
            delim = ',', quote = '"', escape = '"', strict_mode = true)
        """
    ).fetchall()
    assert [text for text, _ in rows] == ["x", None, None, "a,b", 'q"q', "l\nl", "c\rr"]
    assert [count for _, count in rows] == ["1", "2", None, "4", "5", "6", "-7"]


def test_a_file_is_the_same_bytes_every_time_and_never_half_written(tmp_path: Path) -> None:
    first = write_csv(MIXED, tmp_path / "a" / "first.csv").read_bytes()
    assert first == MIXED_CSV.encode("utf-8")
    assert write_csv(MIXED, tmp_path / "a" / "first.csv").read_bytes() == first
    assert sorted(path.name for path in (tmp_path / "a").iterdir()) == ["first.csv"]


def test_batches_are_written_as_one_file(tmp_path: Path) -> None:
    table = MIXED.select(["text", "day", "count"])
    path = tmp_path / "batched.csv"
    assert write_batches(path, table.schema, table.to_batches(max_chunksize=2)) == 7
    assert path.read_bytes() == _written(table).encode("utf-8")


def test_batches_must_already_be_in_the_pinned_spelling(tmp_path: Path) -> None:
    table = MIXED.select(["at"])
    with pytest.raises(TypeError, match="at"):
        write_batches(tmp_path / "timestamps.csv", table.schema, table.to_batches())
    assert list(tmp_path.iterdir()) == []


HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "@SUM(1+1)",
    "+cmd|' /C calc'!A0",
    "-5",
    "\t=1+1",
    "\r=1+1",
    "safe",
    "a=b",
]


def test_text_cells_a_spreadsheet_would_run_get_a_leading_quote() -> None:
    table = pa.table({"text": HOSTILE, "count": [-1, -2, 3, -5, 0, 1, 2, 3]})
    rows = list(csv.reader(io.StringIO(_written(table), newline="")))
    assert [row[0] for row in rows[1:]] == [
        "'" + value if value[0] in "=+-@\t\r" else value for value in HOSTILE
    ]
    # Numbers are not text: a negative number stays a bare number.
    assert [row[1] for row in rows[1:]] == ["-1", "-2", "3", "-5", "0", "1", "2", "3"]
    assert '"-5",-5\n' not in _written(table) and '"\'-5",-5\n' in _written(table)


def test_a_lone_negative_number_column_stays_unquoted_numbers() -> None:
    """Alone with a NULL the numbers are cast to text; they are still never prefixed."""
    assert _written(pa.table({"count": [-7, None]})) == 'count\n"-7"\n""\n'


def test_timestamps_and_lists_spelled_as_text_are_neutralised_too() -> None:
    table = pa.table({"codes": [["=a", "b"], ["-c"]], "n": [1, 2]})
    assert _written(table) == 'codes,n\n"\'=a;b",1\n"\'-c",2\n'


def test_neutralising_twice_changes_nothing() -> None:
    once = _written(pa.table({"text": HOSTILE}))
    again = pa.table({"text": [row[0] for row in csv.reader(io.StringIO(once, newline=""))][1:]})
    assert _written(again) == once


def test_write_csv_neutralises_the_file_and_parquet_keeps_the_true_value(tmp_path: Path) -> None:
    table = pa.table({"employee_id": HOSTILE})
    csv_path = write_csv(table, tmp_path / "people.csv")
    write_parquet(table, tmp_path / "people.parquet")
    with csv_path.open(newline="") as handle:
        cells = [row[0] for row in csv.reader(handle)][1:]
    assert all(cell[0] not in "=+-@\t\r" for cell in cells)
    assert duckdb.sql(f"select employee_id from '{tmp_path / 'people.parquet'}'").fetchall() == [
        (value,) for value in HOSTILE
    ]


def test_the_sample_landing_zone_writer_keeps_input_values_as_given(tmp_path: Path) -> None:
    """write_batches writes the pipeline's input: neutralising would change the data."""
    table = pa.table({"employee_id": HOSTILE})
    path = tmp_path / "employees.csv"
    write_batches(path, table.schema, table.to_batches())
    with path.open(newline="") as handle:
        assert [row[0] for row in csv.reader(handle)][1:] == HOSTILE


def test_a_landing_zone_export_keeps_input_values_as_given(tmp_path: Path) -> None:
    """write_input_csv (a connector's pull) spells like write_csv but never neutralises."""
    table = pa.table({"employee_id": HOSTILE, "count": list(range(len(HOSTILE)))})
    path = write_input_csv(table, tmp_path / "employees.csv")
    with path.open(newline="") as handle:
        assert [row[0] for row in csv.reader(handle)][1:] == HOSTILE
    neutralised_text = write_csv(table, tmp_path / "evidence.csv").read_text()
    assert path.read_text() == neutralised_text.replace("\"'", '"')


def test_a_gz_path_gets_the_same_csv_gzipped_and_reproducible(tmp_path: Path) -> None:
    """The population files: gunzip gives the plain file's bytes; the gzip header holds no
    time or name, so writing the table again (later, elsewhere) gives the same bytes."""
    plain = write_csv(MIXED, tmp_path / "rows.csv")
    first = write_csv(MIXED, tmp_path / "rows.csv.gz")
    again = write_csv(MIXED, tmp_path / "again" / "other.csv.gz")
    assert gzip.decompress(first.read_bytes()) == plain.read_bytes() == MIXED_CSV.encode()
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes()[4:8] == b"\0\0\0\0", "no modification time in the header"
    with duckdb.connect() as connection:
        rows = connection.execute(f"select count(*) from '{first}'").fetchone()[0]
    assert rows == MIXED.num_rows
