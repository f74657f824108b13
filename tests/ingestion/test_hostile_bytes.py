"""Hostile bytes in real exports: control characters, CR-only files, values kept out of reasons.

NUL and the other C0 controls (tab, CR and LF aside) make a row a `structure` reject;
a file the reader cannot split is refused naming the file and line; and a reject's
reason never quotes the value, which only `landing.load_rejects.value` keeps. UTF-16,
CRLF and very large fields already behave: these tests keep them so.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.ingestion.contract import HR_EMPLOYEES, LMS_COMPLETIONS
from orchestration.ingestion.errors import ExportError
from orchestration.ingestion.file_facts import inspect_file
from orchestration.ingestion.loader import load_export

AS_OF = date(2026, 11, 27)
HR_HEADER = (
    "employee_id,work_email,full_name,job_title,job_family,department,manager_id,"
    "employment_type,employment_status,hire_date,termination_date"
)
LMS_HEADER = "record_id,user_email,employee_id,course_id,course_title,status,completed_at,score"


def _person(employee_id: str, email: str | None = None, **fields: str) -> str:
    values = {
        "employee_id": employee_id,
        "work_email": email or f"{employee_id.lower()}@x.com",
        "full_name": "A",
        "job_title": "x",
        "job_family": "Backend Engineer",
        "department": "Eng",
        "manager_id": "",
        "employment_type": "employee",
        "employment_status": "active",
        "hire_date": "2020-01-01",
        "termination_date": "",
        **fields,
    }
    return ",".join(values[name] for name in HR_HEADER.split(","))


def _hr_bytes(landing: Path, content: bytes) -> Path:
    path = HR_EMPLOYEES.path_for(landing, AS_OF)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def _hr(landing: Path, *rows: str, newline: str = "\n") -> Path:
    return _hr_bytes(landing, (newline.join([HR_HEADER, *rows]) + newline).encode())


@pytest.fixture
def connection(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "compliance.duckdb")) as connection:
        yield connection


def _rejects(connection: duckdb.DuckDBPyConnection) -> list[tuple]:
    return connection.execute(
        "select line, column_name, rule, reason, value from landing.load_rejects "
        "order by line, column_name, rule"
    ).fetchall()


def _loaded_ids(connection: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        row[0]
        for row in connection.execute(
            "select employee_id from landing.hr_employees order by source_line"
        ).fetchall()
    ]


def test_a_nul_byte_makes_a_structure_reject_not_a_second_employee(
    tmp_path: Path, connection
) -> None:
    _hr(tmp_path, _person("E1"), _person("E1\x00", email="e1b@x.com"))
    report = load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    assert (report.loaded_row_count, report.rejected_row_count) == (1, 1)
    assert _loaded_ids(connection) == ["E1"]
    ((line, column, rule, reason, value),) = _rejects(connection)
    assert (line, column, rule) == (3, "employee_id", "structure")
    assert (
        reason == "control character U+0000 in the value (only tab, CR and LF may appear, "
        "inside quotes)"
    )
    # The value stays in the warehouse's rejects table, never in the reason.
    assert value == "E1\x00"
    assert "E1" not in reason


@pytest.mark.parametrize("control", ["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f"])
def test_every_other_c0_control_is_a_structure_reject(
    tmp_path: Path, connection, control: str
) -> None:
    _hr(tmp_path, _person("E1", department=f'"Eng{control}"'), _person("E2"))
    load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    assert _loaded_ids(connection) == ["E2"]
    ((line, column, rule, reason, _value),) = _rejects(connection)
    assert (line, column, rule) == (2, "department", "structure")
    assert f"U+{ord(control):04X}" in reason


def test_tab_cr_and_lf_inside_quotes_are_data(tmp_path: Path, connection) -> None:
    _hr(tmp_path, _person("E1", job_title='"a\tb\r\nc\rd"'))
    report = load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    assert report.rejected_row_count == 0
    assert connection.execute("select job_title from landing.hr_employees").fetchone() == (
        "a\tb\r\nc\rd",
    )


def test_cr_only_line_endings_are_refused_naming_file_and_line(tmp_path: Path, connection) -> None:
    path = _hr(tmp_path, _person("E1"), _person("E2"), newline="\r")
    with pytest.raises(ExportError) as error:
        load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    assert str(error.value).startswith(f"{path}, line 1: ")
    assert "CR-only line endings" in str(error.value)
    assert error.value.line == 1


def test_a_lone_cr_ending_one_row_after_the_header_is_read_as_a_line_end(
    tmp_path: Path, connection
) -> None:
    content = f"{HR_HEADER}\n{_person('E1')}\r{_person('E2')}\n".encode()
    _hr_bytes(tmp_path, content)
    report = load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    assert (report.record_count, report.rejected_row_count) == (2, 0)
    assert connection.execute(
        "select employee_id, source_line from landing.hr_employees order by source_line"
    ).fetchall() == [("E1", 2), ("E2", 3)]


def test_a_header_that_is_not_csv_is_an_error_not_a_crash(tmp_path: Path, connection) -> None:
    path = _hr_bytes(tmp_path, b'employee_id,"work_email\n')
    with pytest.raises(ExportError) as error:
        load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    assert str(error.value).startswith(f"{path}, line 1: ")


def test_reasons_never_quote_the_value(tmp_path: Path, connection) -> None:
    _hr(
        tmp_path,
        _person("E1", email="secret.person@x.com"),
        _person("E2", email="Secret.Person@x.com"),
        _person("E3", employment_status="=HYPERLINK(x)"),
        _person("E4", hire_date="1999-99-99"),
        _person("E5", department="Sales"),
        _person("E5", email="e5b@x.com", department="Ops"),
    )
    load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    rejects = _rejects(connection)
    assert {(line, column, rule) for line, column, rule, _, _ in rejects} == {
        (2, "work_email", "duplicate_key"),
        (3, "work_email", "duplicate_key"),
        (4, "employment_status", "enumeration"),
        (5, "hire_date", "date"),
        (6, "employee_id", "duplicate_key"),
        (7, "employee_id", "duplicate_key"),
    }
    for _line, _column, _rule, reason, value in rejects:
        assert value, "the warehouse keeps the value"
        assert value.lower() not in reason.lower()
    reasons = {(line, column): reason for line, column, _, reason, _ in rejects}
    assert reasons[(2, "work_email")] == "conflicting duplicate work_email on lines 2, 3"
    assert reasons[(4, "employment_status")] == (
        "unknown value (allowed: active, leave, terminated)"
    )


def test_lms_reasons_never_quote_the_value(tmp_path: Path, connection) -> None:
    path = LMS_COMPLETIONS.path_for(tmp_path, AS_OF)
    path.parent.mkdir(parents=True)
    path.write_text(
        f"{LMS_HEADER}\n"
        "L1,a@x.com,E1,C,t,finished-ish,2026-01-01,90\n"
        "L2,a@x.com,E1,C,t,completed,2026-99-01,90\n"
        "L3,a@x.com,E1,C,t,completed,2026-01-01,-5\n"
    )
    load_export(connection, LMS_COMPLETIONS, tmp_path, AS_OF)
    rejects = _rejects(connection)
    assert [value for *_, value in rejects] == ["finished-ish", "2026-99-01", "-5"]
    for _line, _column, _rule, reason, value in rejects:
        assert value not in reason


# --- cases that already behave: kept so ---


def test_utf16_is_refused_as_not_utf8(tmp_path: Path, connection) -> None:
    path = _hr_bytes(tmp_path, (HR_HEADER + "\n" + _person("E1") + "\n").encode("utf-16"))
    with pytest.raises(ExportError, match="header is not UTF-8") as error:
        load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    assert str(error.value).startswith(f"{path}, line 1: ")


def test_crlf_files_load_with_their_lines(tmp_path: Path, connection) -> None:
    _hr(tmp_path, _person("E1"), _person("E2"), newline="\r\n")
    report = load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    assert (report.loaded_row_count, report.rejected_row_count) == (2, 0)
    assert connection.execute(
        "select employee_id, source_line, termination_date from landing.hr_employees "
        "order by source_line"
    ).fetchall() == [("E1", 2, None), ("E2", 3, None)]


def test_a_field_over_the_line_limit_is_a_structure_reject(tmp_path: Path, connection) -> None:
    huge = "x" * (3 * 1024 * 1024)
    _hr(tmp_path, _person("E1", job_title=huge), _person("E2"))
    report = load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    assert (report.record_count, report.rejected_row_count) == (2, 1)
    assert _loaded_ids(connection) == ["E2"]
    ((line, _column, rule, reason, _value),) = _rejects(connection)
    assert (line, rule) == (2, "structure")
    assert "line size" in reason and "xxx" not in reason


def test_a_large_field_under_the_line_limit_loads_whole(tmp_path: Path, connection) -> None:
    large = "y" * (1024 * 1024)
    _hr(tmp_path, _person("E1", job_title=large))
    load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    assert connection.execute("select job_title from landing.hr_employees").fetchone() == (large,)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'a,b\r\n"t\tab\r\nnew",\xc3\xa9\n', False),
        (b"a,b\n1,\x00\n", True),
        (b"a,b\n1,\x1f\n", True),
        (b"a,b\n1,\x7f\xe2\x80\xa8\n", False),  # DEL and U+2028 are not C0 controls
    ],
)
def test_file_facts_tell_whether_any_row_needs_the_control_checks(
    tmp_path: Path, content: bytes, expected: bool
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    assert inspect_file(path).has_control_characters is expected


def test_a_large_field_beside_a_multi_line_record_keeps_every_line(
    tmp_path: Path, connection
) -> None:
    """Lines are then counted with the csv module, whose 128 KiB field limit is raised."""
    _hr(
        tmp_path,
        _person("E1", job_title="x" * 200_000),
        _person("E2", job_title='"two\nlines"'),
        _person("E3"),
    )
    report = load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    assert report.rejected_row_count == 0
    assert connection.execute(
        "select employee_id, source_line from landing.hr_employees order by source_line"
    ).fetchall() == [("E1", 2), ("E2", 3), ("E3", 5)]
