"""Normalised key and skeleton columns written at load time, and the optional job_code."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.ingestion.contract import HR_EMPLOYEES, LMS_COMPLETIONS
from orchestration.ingestion.landing_tables import ensure_landing_schema
from orchestration.ingestion.loader import load_export
from orchestration.policy import normalise, skeleton

AS_OF = date(2026, 11, 27)
HEADER = (
    "employee_id,work_email,full_name,job_title,job_family,department,manager_id,"
    "employment_type,employment_status,hire_date,termination_date"
)
KEYS = (
    "job_family_key, job_title_key, job_code_key, department_key, work_email_key, "
    "job_family_skeleton, job_title_skeleton"
)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def connection(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "compliance.duckdb")) as connection:
        yield connection


def _keys(connection: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    rows = connection.execute(
        f"select employee_id, {KEYS} from landing.hr_employees order by employee_id"
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def test_keys_of_ascii_rows(tmp_path: Path, connection) -> None:
    _write(
        HR_EMPLOYEES.path_for(tmp_path, AS_OF),
        f"{HEADER},Job_Code\n"
        'E1, A.Lee@X.com ,Ann,"Senior  Backend\tEngineer",BACKEND ENGINEER, Eng  Ops ,,'
        "employee,active,2020-01-01,,Development_Senior_Backend\n"
        "E2,b@x.com,Bo,x,Frontend Engineer,Eng,,employee,active,2020-01-01,,\n",
    )
    report = load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    assert report.missing_optional_columns == ()
    assert _keys(connection) == {
        "E1": (
            "backend engineer",
            "senior backend engineer",
            "development_senior_backend",
            "eng ops",
            "a.lee@x.com",
            "backend engineer",
            "senior backend engineer",
        ),
        "E2": ("frontend engineer", "x", None, "eng", "b@x.com", "frontend engineer", "x"),
    }
    # The file's own columns are kept as written (only trimmed, as before).
    assert connection.execute(
        "select job_family, job_code from landing.hr_employees where employee_id = 'E1'"
    ).fetchone() == ("BACKEND ENGINEER", "Development_Senior_Backend")


def test_keys_of_non_ascii_rows(tmp_path: Path, connection) -> None:
    families = {
        "E1": "Back\u200bend Engineer",  # zero-width space
        "E2": "B\u0430ckend Engineer",  # Cyrillic a
        "E3": "\uff26rontend\u00a0Engineer",  # fullwidth F, no-break space
        "E4": "Backend\u00adEngineer\ufeff",  # soft hyphen, BOM
    }
    rows = "".join(
        f"{employee_id},{employee_id.lower()}@X.com,N,Ingénieur Backend,{family},Eng,,"
        "employee,active,2020-01-01,\n"
        for employee_id, family in families.items()
    )
    _write(HR_EMPLOYEES.path_for(tmp_path, AS_OF), f"{HEADER}\n{rows}")
    load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    keys = _keys(connection)
    for employee_id, family in families.items():
        family_key, title_key, _code, _department, email, family_skeleton, title_skeleton = keys[
            employee_id
        ]
        assert family_key == normalise(family)
        assert family_skeleton == skeleton(normalise(family))
        assert (title_key, title_skeleton) == (
            "ingénieur backend",
            skeleton(normalise("Ingénieur Backend")),
        )
        assert email == f"{employee_id.lower()}@x.com"
    assert keys["E1"][0] == "backend engineer"
    assert keys["E2"][0] == "b\u0430ckend engineer"
    assert keys["E2"][5] == skeleton("backend engineer"), "the look-alike meets its original"
    assert keys["E3"][0] == "frontend engineer"
    assert keys["E4"][0] == "backendengineer"


def test_file_without_job_code_loads_with_null_keys(tmp_path: Path, connection) -> None:
    _write(
        HR_EMPLOYEES.path_for(tmp_path, AS_OF),
        f"{HEADER}\nE1,a@x.com,A,x,Backend Engineer,Eng,,employee,active,2020-01-01,\n",
    )
    report = load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
    assert report.loaded_row_count == 1
    assert report.missing_optional_columns == ("job_code",)
    assert report.extra_columns == ()
    assert connection.execute(
        "select job_code, job_code_key, job_family_key from landing.hr_employees"
    ).fetchall() == [(None, None, "backend engineer")]


def test_lms_user_email_key(tmp_path: Path, connection) -> None:
    _write(
        LMS_COMPLETIONS.path_for(tmp_path, AS_OF),
        "record_id,user_email,employee_id,course_id,course_title,status,completed_at,score\n"
        "L1, Ann.Lee@Example.COM ,E1,SEC-CODE-101,t,completed,2026-08-15,87\n"
        "L2,zo\u00eb@example.com\u200b,E2,SEC-CODE-101,t,completed,2026-08-15,87\n",
    )
    load_export(connection, LMS_COMPLETIONS, tmp_path, AS_OF)
    assert connection.execute(
        "select record_id, user_email_key from landing.lms_completions order by record_id"
    ).fetchall() == [("L1", "ann.lee@example.com"), ("L2", "zo\u00eb@example.com")]


def test_a_warehouse_from_before_the_derived_columns_gains_them(tmp_path: Path, connection) -> None:
    connection.execute("create schema landing")
    connection.execute(
        "create table landing.hr_employees (as_of_date date not null, "
        "source_line bigint not null, "
        + ", ".join(f"{name} varchar" for name in HEADER.split(","))
        + ")"
    )
    ensure_landing_schema(connection)
    columns = [row[0] for row in connection.execute("describe landing.hr_employees").fetchall()]
    assert columns[-8:] == ["job_code", *KEYS.split(", ")]
