"""Planted people: present in every landing zone, whatever its size, for tests.

The cast and its expectations are in planted_cast.py; this module turns them
into expectations per generated date and into rows of the world tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from .conventions import NEVER
from .exceptions import exceptions_table
from .planted_cast import APPROVER, CAST
from .population import PEOPLE_SCHEMA
from .reference import COURSE_INDEX, EMAIL_DOMAIN
from .training_history import Records


@dataclass(frozen=True)
class PlantedPerson:
    employee_id: str
    description: str
    expected_status: dict[date, str | None]
    expected_last_completed_on: dict[date, date | None]


PLANTED_IDS: tuple[str, ...] = tuple(plant.employee_id for plant in CAST)


def planted_people(end_date: date, days: int) -> list[PlantedPerson]:
    """The planted people with expectations for each of the `days` dates ending at `end_date`."""
    dates = [end_date - timedelta(days=k) for k in range(days - 1, -1, -1)]
    people = []
    for plant in CAST:
        statuses = {d: plant.status((end_date - d).days) for d in dates}
        last = {d: plant.last((end_date - d).days) for d in dates}
        people.append(
            PlantedPerson(
                employee_id=plant.employee_id,
                description=plant.description,
                expected_status=statuses,
                expected_last_completed_on={
                    d: None
                    if statuses[d] is None or last[d] is None
                    else end_date - timedelta(days=last[d])
                    for d in dates
                },
            )
        )
    return people


def _days(end_day: int, before: int | None) -> int:
    return NEVER if before is None else end_day - before


def planted_people_table(end_day: int) -> pa.Table:
    hire = [end_day - p.hired for p in CAST]
    # Fixed-term and resignation dates become visible at notice; without one, from the hire date.
    notice = [
        NEVER
        if p.terminated is None
        else _days(end_day, p.notice if p.notice is not None else p.hired)
        for p in CAST
    ]
    return pa.table(
        {
            "employee_id": [p.employee_id for p in CAST],
            "work_email": [f"{p.email_name}{p.number}@{EMAIL_DOMAIN}" for p in CAST],
            "full_name": [p.name for p in CAST],
            "job_title": [p.job_title for p in CAST],
            "job_family": [p.job_family for p in CAST],
            "department": [p.department for p in CAST],
            "manager_id": [p.manager_id for p in CAST],
            "employment_type": [p.employment_type for p in CAST],
            "hire_day": hire,
            "visible_day": [h - 30 for h in hire],
            "termination_day": [_days(end_day, p.terminated) for p in CAST],
            "notice_day": notice,
            "leave_start_day": [NEVER if p.leave is None else end_day - p.leave[0] for p in CAST],
            "leave_end_day": [NEVER if p.leave is None else end_day - p.leave[1] for p in CAST],
        },
        schema=PEOPLE_SCHEMA,
    )


def planted_records(end_day: int, first_row: int) -> Records:
    """LMS records of the planted people (identity rows from `first_row`), numbered from 1."""
    row = {plant.employee_id: first_row + i for i, plant in enumerate(CAST)}
    owned = [(plant, t) for plant in CAST for t in plant.training]
    completed = [_days(end_day, t.completed) for _, t in owned]
    started = [
        _days(end_day, t.started) if t.started is not None else c
        for (_, t), c in zip(owned, completed, strict=True)
    ]
    assigned = [
        _days(end_day, t.assigned) if t.assigned is not None else s
        for (_, t), s in zip(owned, started, strict=True)
    ]

    return Records(
        record_number=np.arange(1, len(owned) + 1, dtype=np.int64),
        email_row=np.array([row[t.email_of or p.employee_id] for p, t in owned], dtype=np.int32),
        id_row=np.array([row[p.employee_id] for p, _ in owned], dtype=np.int32),
        id_code=np.array([t.id_code for _, t in owned], dtype=np.int8),
        email_variant=np.array([t.email_variant for _, t in owned], dtype=np.int8),
        course=np.array([COURSE_INDEX[t.course] for _, t in owned], dtype=np.int8),
        assigned_day=np.array(assigned, dtype=np.int32),
        started_day=np.array(started, dtype=np.int32),
        completed_day=np.array(completed, dtype=np.int32),
        completed_second=np.array([t.second for _, t in owned], dtype=np.int32),
        timestamp_style=np.array([t.style for _, t in owned], dtype=np.int8),
        utc_offset_minutes=np.array([t.utc_offset for _, t in owned], dtype=np.int16),
        score_tenths=np.array([t.score_tenths for _, t in owned], dtype=np.int16),
    )


def planted_exceptions(end_day: int) -> pa.Table:
    rows = [(plant.employee_id, e) for plant in CAST for e in plant.exceptions]
    return exceptions_table(
        [person for person, _ in rows],
        [e.reason for _, e in rows],
        [APPROVER] * len(rows),
        np.array([end_day - e.approved for _, e in rows], dtype=np.int32),
        np.array(
            [end_day - (0 if e.expires is None else e.expires) for _, e in rows], dtype=np.int32
        ),
        np.array([e.expires is None for _, e in rows]),
    )
