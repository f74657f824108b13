"""Property: for random populations and LMS histories, the pipeline's statuses equal an
independent implementation of docs/rules.md (tests/properties/rules_oracle.py).

Each example holds several independent populations, each under its own id and email
prefix, in one landing zone: one pipeline run checks them all, since a person's status
depends only on their own rows.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.in_process import materialize_day
from tests.landing_builder import write_day, write_exceptions
from tests.properties.rules_oracle import Exception_, Person, Record, expected_statuses

Scenario = tuple[list[Person], list[Record], list[Exception_]]
AS_OF = date(2026, 11, 27)
FAMILIES = [
    "Backend Engineer",
    " frontend ENGINEER ",
    "Fullstack Engineer",
    "Site Reliability Engineer",
    "Security Product Manager",
    "Data Analyst",
    "Engineering Manager",
    "Product Designer",
]
COURSES = ["SEC-CODE-101", "SEC-CODE-OWASP", "SEC-AWARE-100", "PRIV-101"]


def _day(offset: int) -> date:
    return AS_OF + timedelta(days=offset)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    size = draw(st.integers(min_value=20, max_value=60))
    people = []
    for index in range(size):
        status = draw(st.sampled_from(["active", "active", "active", "leave", "terminated"]))
        # Offsets cluster around the rule boundaries (grace, validity, termination).
        hire = _day(draw(st.one_of(st.integers(-3000, 5), st.integers(-35, -25))))
        termination = draw(st.one_of(st.none(), st.integers(-60, 60).map(_day)))
        if status == "terminated" and termination is None:
            termination = _day(-1)
        people.append(
            Person(
                employee_id=f"E{index:03d}",
                work_email=f"person{index}@example.com",
                job_family=draw(st.sampled_from(FAMILIES)),
                employment_type=draw(st.sampled_from(["employee", "contractor", "intern"])),
                employment_status=status,
                hire_date=hire,
                termination_date=termination,
            )
        )
    records = []
    for index in range(draw(st.integers(min_value=0, max_value=3 * size))):
        owner = draw(st.integers(min_value=0, max_value=size + 3))  # beyond size: unknown
        email = f"person{owner}@example.com"
        if draw(st.booleans()):
            email = f"  {email.upper()} "
        completed_on = _day(draw(st.one_of(st.integers(-800, 3), st.integers(-368, -362))))
        timestamp = draw(st.booleans())
        status = draw(st.sampled_from(["completed", "completed", "in_progress", "not_started"]))
        records.append(
            Record(
                record_id=f"L{index:04d}",
                user_email=email,
                employee_id=f"E{owner:03d}" if draw(st.booleans()) else None,
                course_id=draw(st.sampled_from(COURSES)),
                status=status,
                completed_at=(
                    f"{completed_on.isoformat()}T23:30:00Z"
                    if timestamp
                    else completed_on.isoformat()
                )
                if status == "completed"
                else None,
            )
        )
    exceptions = []
    for owner in draw(st.lists(st.integers(0, size - 1), max_size=5, unique=True)):
        approved = _day(draw(st.integers(-400, 3)))
        validity = draw(st.one_of(st.none(), st.integers(0, 400)))
        expires = None if validity is None else approved + timedelta(days=validity)
        exceptions.append(Exception_(f"E{owner:03d}", approved, expires))
    return people, records, exceptions


def _write(
    landing: Path, people: list[Person], records: list[Record], exceptions: list[Exception_]
) -> None:
    write_day(
        landing,
        AS_OF,
        [
            {
                "employee_id": p.employee_id,
                "work_email": p.work_email,
                "full_name": "X",
                "job_title": "t",
                "job_family": p.job_family,
                "department": "d",
                "manager_id": "",
                "employment_type": p.employment_type,
                "employment_status": p.employment_status,
                "hire_date": p.hire_date.isoformat(),
                "termination_date": p.termination_date.isoformat() if p.termination_date else "",
            }
            for p in people
        ],
        [
            {
                "record_id": r.record_id,
                "user_email": r.user_email,
                "employee_id": r.employee_id or "",
                "course_id": r.course_id,
                "course_title": "c",
                "status": r.status,
                "completed_at": r.completed_at or "",
                "score": "",
            }
            for r in records
        ],
    )
    write_exceptions(
        landing,
        [
            {
                "employee_id": e.employee_id,
                "reason": "r",
                "approved_by": "CISO",
                "approved_on": e.approved_on.isoformat(),
                "expires_on": e.expires_on.isoformat() if e.expires_on else "",
            }
            for e in exceptions
        ],
    )


POPULATIONS_PER_RUN = 4


def _prefixed(scenario: Scenario, prefix: str) -> Scenario:
    """The scenario with every id and email moved under `prefix`, so populations never meet."""
    people, records, exceptions = scenario
    return (
        [
            replace(p, employee_id=prefix + p.employee_id, work_email=prefix + p.work_email)
            for p in people
        ],
        [
            replace(
                r,
                record_id=prefix + r.record_id,
                # The email keeps its case and padding around the prefixed address.
                user_email=r.user_email.replace("PERSON", prefix.upper() + "PERSON").replace(
                    "person", prefix + "person"
                ),
                employee_id=prefix + r.employee_id if r.employee_id else None,
            )
            for r in records
        ],
        [replace(e, employee_id=prefix + e.employee_id) for e in exceptions],
    )


def _combined(populations: list[Scenario]) -> Scenario:
    people: list[Person] = []
    records: list[Record] = []
    exceptions: list[Exception_] = []
    for index, scenario in enumerate(populations):
        more_people, more_records, more_exceptions = _prefixed(scenario, f"s{index}-")
        people += more_people
        records += more_records
        exceptions += more_exceptions
    return people, records, exceptions


@pytest.mark.slow
@settings(
    max_examples=2,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    populations=st.lists(scenarios(), min_size=POPULATIONS_PER_RUN, max_size=POPULATIONS_PER_RUN)
)
def test_pipeline_statuses_equal_the_rules(
    populations: list[Scenario], monkeypatch: pytest.MonkeyPatch
) -> None:
    people, records, exceptions = _combined(populations)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _write(root / "landing", people, records, exceptions)
        result = materialize_day(monkeypatch, root, AS_OF)
        assert result.success
        with duckdb.connect(str(root / "warehouse" / "compliance.duckdb"), read_only=True) as db:
            rows = db.execute(
                "select employee_id, status, last_completed_on from main.fct_training_compliance"
            ).fetchall()
    actual = {employee_id: (status, last) for employee_id, status, last in rows}
    assert actual == expected_statuses(AS_OF, people, records, exceptions)
