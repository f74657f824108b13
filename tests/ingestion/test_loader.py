"""Loading exports into real DuckDB files: contract checks, rejects with lines, reruns."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.ingestion.contract import EXCEPTIONS, HR_EMPLOYEES, LMS_COMPLETIONS
from orchestration.ingestion.errors import ExportError, MissingExportError
from orchestration.ingestion.loader import load_export

AS_OF = date(2026, 11, 27)
HR_HEADER = (
    "employee_id,work_email,full_name,job_title,job_family,department,manager_id,"
    "employment_type,employment_status,hire_date,termination_date"
)


def _write(landing: Path, relative: str, text: str, encoding: str = "utf-8") -> Path:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def _hr(landing: Path, *rows: str, header: str = HR_HEADER) -> Path:
    return _write(landing, f"hr/employees_{AS_OF}.csv", "\n".join([header, *rows]) + "\n")


@pytest.fixture
def connection(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "compliance.duckdb")) as connection:
        yield connection


def _rejects(connection: duckdb.DuckDBPyConnection) -> list[tuple]:
    return connection.execute(
        "select line, column_name, reason from landing.load_rejects order by line, column_name"
    ).fetchall()


def test_valid_rows_load_with_their_lines_and_file_facts(tmp_path: Path, connection) -> None:
    _hr(
        tmp_path,
        'E1,a@x.com,"Doe, Jane","Senior Backend Engineer, Plan",Backend Engineer,Eng,,'
        "employee,active,2020-01-01,",
        "E2, B@X.com ,Bob,FE,Frontend Engineer,Eng,E1, Contractor ,LEAVE,2021-03-04,2027-01-31",
    )
    report = load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)

    assert (report.record_count, report.loaded_row_count, report.rejected_row_count) == (2, 2, 0)
    assert len(report.sha256 or "") == 64
    rows = connection.execute(
        "select source_line, employee_id, work_email, job_title, employment_type, "
        "employment_status, termination_date from landing.hr_employees order by source_line"
    ).fetchall()
    assert rows == [
        (2, "E1", "a@x.com", "Senior Backend Engineer, Plan", "employee", "active", None),
        (3, "E2", "B@X.com", "FE", "contractor", "leave", date(2027, 1, 31)),
    ]


def test_broken_rows_are_rejected_with_line_column_and_reason(tmp_path: Path, connection) -> None:
    _hr(
        tmp_path,
        'E1,a@x.com,A,"Two\nline title",Backend Engineer,Eng,,employee,active,2020-01-01,',
        "E2,b@x.com,B,x,Backend Engineer,Eng,,employee,active,2026-02-30,",
        "E3,c@x.com,C,x,Backend Engineer,Eng,,employee,done,2020-01-01,",
        "E4,,D,x,Backend Engineer,Eng,,employee,active,2020-01-01,",
        "E1,z@x.com,A,x,Backend Engineer,Eng,,employee,active,2020-01-01,",
    )
    report = load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)

    assert report.rejected_row_count == 5
    assert report.loaded_row_count == 0
    assert _rejects(connection) == [
        (2, "employee_id", "conflicting duplicate employee_id on lines 2, 7"),
        (4, "hire_date", "not a valid date (expected YYYY-MM-DD)"),
        (5, "employment_status", "unknown value (allowed: active, leave, terminated)"),
        (6, "work_email", "missing required value"),
        (7, "employee_id", "conflicting duplicate employee_id on lines 2, 7"),
    ]


def test_lms_rules_on_scores_timestamps_and_completed_records(tmp_path: Path, connection) -> None:
    _write(
        tmp_path,
        f"lms/completions_{AS_OF}.csv",
        "record_id,user_email,employee_id,course_id,course_title,status,completed_at,score\n"
        "L1,a@x.com,E1,SEC-CODE-101,t,completed,2026-08-15T23:30:00Z,87\n"
        "L2,a@x.com,E1,SEC-CODE-101,t,completed,2026-08-15T25:30:00Z,87\n"
        "L3,a@x.com,E1,SEC-CODE-101,t,completed,,\n"
        "L4,a@x.com,E1,SEC-CODE-101,t,in_progress,,101\n",
    )
    load_export(connection, LMS_COMPLETIONS, tmp_path, AS_OF)
    assert _rejects(connection) == [
        (3, "completed_at", "not a valid date or ISO-8601 timestamp"),
        (4, "completed_at", "missing completed_at on a completed record"),
        (5, "score", "score is not a number from 0 to 100"),
    ]


def test_header_problems_are_errors_naming_file_and_column(tmp_path: Path, connection) -> None:
    path = _hr(tmp_path, "E1,a@x.com", header="employee_id,work_email")
    with pytest.raises(ExportError, match=r"missing required column\(s\) job_title") as error:
        load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    assert str(path) in str(error.value)

    _hr(tmp_path, "E1;a@x.com", header=HR_HEADER.replace(",", ";"))
    with pytest.raises(ExportError, match="semicolon-delimited"):
        load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)

    _write(tmp_path, f"hr/employees_{AS_OF}.csv", "")
    with pytest.raises(ExportError, match="empty"):
        load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)


def test_missing_export_names_the_expected_path(tmp_path: Path, connection) -> None:
    expected = tmp_path / "lms" / f"completions_{AS_OF}.csv"
    with pytest.raises(MissingExportError, match=str(expected)):
        load_export(connection, LMS_COMPLETIONS, tmp_path, AS_OF)


def test_absent_exceptions_file_is_recorded_not_an_error(tmp_path: Path, connection) -> None:
    report = load_export(connection, EXCEPTIONS, tmp_path, AS_OF)
    assert report.file_present is False
    assert connection.execute(
        "select file_present from landing.load_audit where source = 'exceptions'"
    ).fetchall() == [(False,)]


def test_extra_columns_are_reported_and_kept_out(tmp_path: Path, connection) -> None:
    _hr(
        tmp_path,
        "E1,a@x.com,A,x,Backend Engineer,Eng,,employee,active,2020-01-01,,44",
        header="EMPLOYEE_ID," + HR_HEADER.split(",", 1)[1] + ",Shoe Size",
    )
    report = load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    assert report.extra_columns == ("Shoe Size",)
    columns = [row[0] for row in connection.execute("describe landing.hr_employees").fetchall()]
    assert "Shoe Size" not in columns


def test_reloading_a_day_replaces_only_that_day(tmp_path: Path, connection) -> None:
    row = "E1,a@x.com,A,x,Backend Engineer,Eng,,employee,active,2020-01-01,"
    _hr(tmp_path, row)
    load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    next_day = date(2026, 11, 28)
    _write(
        tmp_path,
        f"hr/employees_{next_day}.csv",
        f"{HR_HEADER}\n{row}\n{row.replace('E1,a@', 'E2,b@')}\n",
    )
    load_export(connection, HR_EMPLOYEES, tmp_path, next_day)
    load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)

    counts = connection.execute(
        "select as_of_date, count(*) from landing.hr_employees group by all order by 1"
    ).fetchall()
    assert counts == [(AS_OF, 1), (next_day, 2)]
    audit = connection.execute("select count(*) from landing.load_audit").fetchone()
    assert audit == (2,)


def test_mixed_line_endings_load_or_fail_naming_the_file(tmp_path: Path, connection) -> None:
    rows = [
        f"E{i},e{i}@x.com,A,x,Backend Engineer,Eng,,employee,active,2020-01-01,"
        for i in range(9000)
    ]
    content = (HR_HEADER + "\n" + "\n".join(rows) + "\n").encode()
    content += b"E9999,e9999@x.com,A,x,Backend Engineer,Eng,,employee,active,2020-01-01,\r\n"
    path = _write(tmp_path, f"hr/employees_{AS_OF}.csv", "")
    path.write_bytes(content)
    try:
        report = load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    except ExportError as error:
        assert str(path) in str(error)
        assert "could not be read as CSV" in str(error)
    else:
        # Readers that cope with the mixed line ending must load every row.
        assert report.record_count == 9001
