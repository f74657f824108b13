"""The bad-input catalogue: each messy export through the real pipeline, with its outcome.

File-level problems stop the load with an error naming file, line and column; row-level
problems become rejects with line, column and reason, and any rejected HR row fails the
control. Cases that break rows share one run to keep the suite fast.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.ingestion.contract import HR_EMPLOYEES, LMS_COMPLETIONS
from tests.in_process import check_evaluations, materialize_day, step_failure_messages
from tests.landing_builder import completion, person, write_day, write_exceptions

AS_OF = date(2026, 11, 27)
# The rows below are written without the optional job_code column.
HR_HEADER = ",".join(name for name in HR_EMPLOYEES.column_names if name != "job_code")
LMS_HEADER = ",".join(LMS_COMPLETIONS.column_names)
GOOD_PERSON = (
    "E1,e1@example.com,Ann Lee,Backend Engineer,Backend Engineer,Eng,,employee,active,2020-01-01,"
)
GOOD_RECORD = "L1,e1@example.com,E1,SEC-CODE-101,t,completed,2026-03-01,90"


def _hr_path(root: Path) -> Path:
    return HR_EMPLOYEES.path_for(root / "landing", AS_OF)


def _write_bytes(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def _good_lms(root: Path) -> None:
    _write_bytes(
        LMS_COMPLETIONS.path_for(root / "landing", AS_OF), f"{LMS_HEADER}\n{GOOD_RECORD}\n".encode()
    )


def _warehouse(root: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(root / "warehouse" / "compliance.duckdb"), read_only=True)


def _rejects(root: Path, source: str) -> list[tuple]:
    with _warehouse(root) as connection:
        return connection.execute(
            "select line, column_name, rule, reason from landing.load_rejects "
            "where source = ? order by line, column_name",
            [source],
        ).fetchall()


def _control_passed(root: Path) -> bool:
    with _warehouse(root) as connection:
        return connection.execute("select control_passed from main.compliance_coverage").fetchone()[
            0
        ]


# --- files that cannot be loaded: a clear error naming the file (and line, column) ---

FILE_ERRORS = {
    "zero_byte_file": (b"", "file is empty (0 bytes)"),
    "missing_required_column": (
        f"{HR_HEADER.replace(',job_family', '')}\n".encode(),
        "line 1: missing required column(s) job_family",
    ),
    "renamed_column": (
        f"{HR_HEADER.replace('employee_id', 'emp_id')}\n".encode(),
        "line 1: missing required column(s) employee_id",
    ),
    "semicolon_delimited": (
        f"{HR_HEADER.replace(',', ';')}\n{GOOD_PERSON.replace(',', ';')}\n".encode(),
        "semicolon-delimited",
    ),
    "cr_only_line_endings": (
        f"{HR_HEADER}\r{GOOD_PERSON}\r".encode(),
        "line 1: the header ends with a lone CR (CR-only line endings)",
    ),
    "latin1_header": (
        f"{HR_HEADER},pr\xe9nom\n".encode("latin-1"),
        "line 1: header is not UTF-8",
    ),
}


@pytest.mark.parametrize("case", sorted(FILE_ERRORS))
def test_unloadable_file_fails_with_a_clear_error(case: str, tmp_path: Path, monkeypatch) -> None:
    content, expected = FILE_ERRORS[case]
    path = _write_bytes(_hr_path(tmp_path), content)
    _good_lms(tmp_path)
    result = materialize_day(monkeypatch, tmp_path, AS_OF)
    assert not result.success
    message = step_failure_messages(result)
    assert str(path) in message
    assert expected in message


def test_missing_file_names_the_expected_path(tmp_path: Path, monkeypatch) -> None:
    _write_bytes(_hr_path(tmp_path), f"{HR_HEADER}\n{GOOD_PERSON}\n".encode())
    result = materialize_day(monkeypatch, tmp_path, AS_OF)
    assert not result.success
    expected = LMS_COMPLETIONS.path_for(tmp_path / "landing", AS_OF)
    assert f"{expected}: expected export not found" in step_failure_messages(result)


# --- files that load: what happens to their rows ---


def test_header_only_roster_fails_the_gate(tmp_path: Path, monkeypatch) -> None:
    _write_bytes(_hr_path(tmp_path), f"{HR_HEADER}\n".encode())
    _good_lms(tmp_path)
    result = materialize_day(monkeypatch, tmp_path, AS_OF)
    assert result.success
    evaluations = check_evaluations(result)
    assert not evaluations[("fct_training_compliance", "gx_coverage_gate")].passed
    with _warehouse(tmp_path) as connection:
        assert connection.execute(
            "select in_scope_count, coverage_pct, control_passed from main.compliance_coverage"
        ).fetchone() == (0, None, False)


def test_bom_extra_column_and_quoted_newlines_load(tmp_path: Path, monkeypatch) -> None:
    rows = [
        GOOD_PERSON,
        'E2,e2@example.com,"Lee, Bo","Senior Backend Engineer,\nPlan",Backend Engineer,Eng,,'
        "employee,active,2020-01-01,",
        "E3,e3@example.com,Cy,x,Frontend Engineer,Eng,,employee,active,2020-01-01,",
    ]
    extra = [f"{row},42" for row in rows]
    content = "\ufeff" + f"{HR_HEADER},Shoe Size\n" + "\n".join(extra) + "\n"
    _write_bytes(_hr_path(tmp_path), content.encode("utf-8"))
    _good_lms(tmp_path)
    result = materialize_day(monkeypatch, tmp_path, AS_OF)
    assert result.success
    evaluations = check_evaluations(result)
    header = evaluations[("landing/hr_employees", "gx_contract_header")]
    assert not header.passed, "the extra column is schema drift"
    assert evaluations[("landing/hr_employees", "gx_contract_rows")].passed
    with _warehouse(tmp_path) as connection:
        assert connection.execute(
            "select employee_id, source_line, job_title from landing.hr_employees order by 1"
        ).fetchall() == [
            ("E1", 2, "Backend Engineer"),
            ("E2", 3, "Senior Backend Engineer,\nPlan"),
            ("E3", 5, "x"),
        ]
        (drift,) = connection.execute(
            "select extra_columns from landing.load_audit where source = 'hr'"
        ).fetchone()
    assert drift == ["Shoe Size"]


def test_latin1_rows_are_rejected_and_fail_the_control(tmp_path: Path, monkeypatch) -> None:
    latin1_row = (
        "E2,e2@example.com,Zo\xe9 M\xfcller,x,Backend Engineer,Eng,,employee,active,2020-01-01,"
    )
    content = f"{HR_HEADER}\n{GOOD_PERSON}\n".encode() + f"{latin1_row}\n".encode("latin-1")
    _write_bytes(_hr_path(tmp_path), content)
    _good_lms(tmp_path)
    assert materialize_day(monkeypatch, tmp_path, AS_OF).success
    ((line, _column, rule, reason),) = _rejects(tmp_path, "hr")
    assert (line, rule) == (3, "structure")
    assert "not utf-8" in reason.lower()
    assert _control_passed(tmp_path) is False


@pytest.fixture(scope="module")
def messy_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run over exports holding every row-level case of the catalogue."""
    root = tmp_path_factory.mktemp("messy_day")
    people = [
        person("E1"),
        person("E2", hire_date="2026-13-01"),  # unparseable date
        person("E3", hire_date="2026-02-30"),  # impossible date
        person("E4", employment_status="done"),  # unknown enumeration
        person("E5", employment_status="Active "),  # normalised: case and spaces
        person("E6"),
        person("E6"),  # identical duplicate
        person("E7"),
        person("E7", department="Sales"),  # conflicting duplicate
        person("E8", work_email=" "),  # no email
        person("E9", work_email="shared@example.com"),
        person("E10", work_email="Shared@Example.com"),  # two people, one email
        person("E11"),
        person("E12"),
    ]
    completions = [
        completion("L1", "E1", "2026-11-28T08:00:00Z"),  # after the as-of date: ignored
        {**completion("L2", "E1", "2026-03-01"), "score": "101"},
        {**completion("L3", "E1", "2026-03-01"), "score": "-1"},
        {**completion("L4", "E5", "2026-03-01"), "status": "Completed "},  # normalised
        {**completion("L5", "E5", "2026-03-01"), "status": "done"},
        completion("L6", "E11", "2026-03-01"),
        completion("L6", "E11", "2026-03-02"),
        # Carries E12's id but E11's email: the id wins.
        {**completion("L7", "E12", "2026-04-01"), "user_email": "e11@example.com"},
    ]
    write_day(root / "landing", AS_OF, people, completions)
    write_exceptions(
        root / "landing",
        [
            {"employee_id": "E1", "reason": "x", "approved_by": "", "approved_on": "2026-01-01"},
            {
                "employee_id": "E1",
                "reason": "y",
                "approved_by": "CISO",
                "approved_on": "2026-05-01",
                "expires_on": "2026-04-01",
            },
        ],
    )
    import _pytest.monkeypatch

    with _pytest.monkeypatch.MonkeyPatch.context() as monkeypatch:
        result = materialize_day(monkeypatch, root, AS_OF)
    assert result.success
    return root


def test_row_level_hr_cases_become_rejects(messy_day: Path) -> None:
    rejects = _rejects(messy_day, "hr")
    by_line = {(line, column): (rule, reason) for line, column, rule, reason in rejects}
    assert by_line[(3, "hire_date")][0] == "date"  # E2
    assert by_line[(4, "hire_date")] == (
        "date",
        "not a valid date (expected YYYY-MM-DD)",
    )
    assert by_line[(5, "employment_status")][0] == "enumeration"  # E4 'done'
    assert by_line[(8, "employee_id")] == ("duplicate_key", "identical duplicate of line 7")
    assert by_line[(9, "employee_id")][1] == "conflicting duplicate employee_id on lines 9, 10"
    assert by_line[(10, "employee_id")][1] == "conflicting duplicate employee_id on lines 9, 10"
    assert by_line[(11, "work_email")] == ("required", "missing required value")
    assert by_line[(12, "work_email")][0] == "duplicate_key"
    assert by_line[(13, "work_email")][0] == "duplicate_key"
    assert (6, "employment_status") not in by_line, "'Active ' is normalised, not rejected"


def test_row_level_lms_and_exception_cases(messy_day: Path) -> None:
    lms = {
        (line, column): (rule, reason) for line, column, rule, reason in _rejects(messy_day, "lms")
    }
    assert lms[(3, "score")][0] == "number"
    assert lms[(4, "score")][0] == "number"
    assert lms[(6, "status")][0] == "enumeration"
    assert lms[(7, "record_id")][0] == "duplicate_key"
    assert lms[(8, "record_id")][0] == "duplicate_key"
    assert (5, "status") not in lms, "'Completed ' is normalised"
    exceptions = _rejects(messy_day, "exceptions")
    assert [(line, column) for line, column, _, _ in exceptions] == [
        (2, "approved_by"),
        (3, "expires_on"),
    ]


def test_nobody_unevaluable_is_counted_and_the_control_fails(messy_day: Path) -> None:
    with _warehouse(messy_day) as connection:
        statuses = dict(
            connection.execute(
                "select employee_id, status from main.fct_training_compliance"
            ).fetchall()
        )
        conflicts = connection.execute(
            "select record_id, matched_employee_id, has_conflicting_email "
            "from intermediate.int_lms_records_matched where record_id = 'L7'"
        ).fetchall()
    # Rejected people are absent, never counted as covered.
    assert set(statuses) == {"E1", "E5", "E6", "E11", "E12"}
    assert statuses["E1"] == "never_completed", "a completion dated after D is ignored"
    assert statuses["E5"] == "compliant"
    assert statuses["E12"] == "compliant"
    assert statuses["E11"] == "never_completed", "both copies of duplicated L6 are rejected"
    assert conflicts == [("L7", "E12", True)]
    assert _control_passed(messy_day) is False
