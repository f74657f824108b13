"""docs/rules.md written again, plainly in Python, to check the pipeline against.

It shares no code with the pipeline on purpose: the two must agree on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

IN_SCOPE_FAMILIES = {
    "backend engineer",
    "frontend engineer",
    "fullstack engineer",
    "site reliability engineer",
    "security product manager",
}
QUALIFYING_COURSES = {"SEC-CODE-101", "SEC-CODE-OWASP"}
VALIDITY_DAYS = 365
GRACE_DAYS = 30


@dataclass(frozen=True)
class Person:
    employee_id: str
    work_email: str
    job_family: str
    employment_type: str
    employment_status: str
    hire_date: date
    termination_date: date | None


@dataclass(frozen=True)
class Record:
    record_id: str
    user_email: str
    employee_id: str | None
    course_id: str
    status: str
    completed_at: str | None


@dataclass(frozen=True)
class Exception_:
    employee_id: str
    approved_on: date
    expires_on: date | None


def expected_statuses(
    as_of: date, people: list[Person], records: list[Record], exceptions: list[Exception_]
) -> dict[str, tuple[str, date | None]]:
    """employee_id -> (status, last_completed_on) for every in-scope person on `as_of`."""
    by_id = {p.employee_id: p for p in people}
    by_email = {p.work_email.strip().lower(): p for p in people}

    latest: dict[str, date] = {}
    for record in records:
        owner = by_id.get(record.employee_id) if record.employee_id else None
        if owner is None:
            owner = by_email.get(record.user_email.strip().lower())
        if (
            owner is None
            or record.status != "completed"
            or record.course_id not in QUALIFYING_COURSES
        ):
            continue
        completed_on = date.fromisoformat(record.completed_at[:10])
        if completed_on <= as_of:
            latest[owner.employee_id] = max(
                completed_on, latest.get(owner.employee_id, completed_on)
            )

    exempt = {
        e.employee_id
        for e in exceptions
        if e.approved_on <= as_of and (e.expires_on is None or as_of <= e.expires_on)
    }

    result: dict[str, tuple[str, date | None]] = {}
    for p in people:
        active = (
            p.hire_date <= as_of
            and p.employment_status != "terminated"
            and (p.termination_date is None or p.termination_date > as_of)
        )
        if not active or p.job_family.strip().lower() not in IN_SCOPE_FAMILIES:
            continue
        last = latest.get(p.employee_id)
        if last is not None and as_of <= last + timedelta(days=VALIDITY_DAYS):
            status = "compliant"
        elif p.employee_id in exempt:
            status = "exempt"
        elif p.employment_status == "leave":
            status = "on_leave"
        elif as_of <= p.hire_date + timedelta(days=GRACE_DAYS):
            status = "in_grace_period"
        elif last is not None:
            status = "overdue"
        else:
            status = "never_completed"
        result[p.employee_id] = (status, last)
    return result
