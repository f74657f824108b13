"""Writes small hand-made landing zones for tests, row by row, per the data contract."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from orchestration.ingestion.contract import EXCEPTIONS, HR_EMPLOYEES, LMS_COMPLETIONS

HR_DEFAULTS = {
    "work_email": None,
    "full_name": "Test Person",
    "job_title": "Backend Engineer",
    "job_family": "Backend Engineer",
    "department": "Engineering",
    "manager_id": "M1",
    "employment_type": "employee",
    "employment_status": "active",
    "hire_date": "2020-01-01",
    "termination_date": "",
}


def _write_rows(path: Path, columns: tuple[str, ...], rows: list[dict[str, object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in columns})
    return path


def person(employee_id: str, **overrides: object) -> dict[str, object]:
    row: dict[str, object] = {"employee_id": employee_id, **HR_DEFAULTS, **overrides}
    row["work_email"] = row["work_email"] or f"{employee_id.lower()}@example.com"
    return row


def completion(
    record_id: str, employee_id: str, completed_on: str, course_id: str = "SEC-CODE-101"
) -> dict[str, object]:
    return {
        "record_id": record_id,
        "user_email": f"{employee_id.lower()}@example.com",
        "employee_id": employee_id,
        "course_id": course_id,
        "course_title": "Secure Coding Fundamentals",
        "status": "completed",
        "completed_at": completed_on,
        "score": "90",
    }


def write_day(
    landing: Path,
    as_of_date: date,
    people: list[dict[str, object]],
    completions: list[dict[str, object]] | None = None,
) -> None:
    _write_rows(HR_EMPLOYEES.path_for(landing, as_of_date), HR_EMPLOYEES.column_names, people)
    _write_rows(
        LMS_COMPLETIONS.path_for(landing, as_of_date),
        LMS_COMPLETIONS.column_names,
        completions or [],
    )


def write_exceptions(landing: Path, exceptions: list[dict[str, object]]) -> None:
    _write_rows(EXCEPTIONS.path_for(landing, date.today()), EXCEPTIONS.column_names, exceptions)
