"""A small real warehouse for reminder tests: a day's chase list, HR contacts and policy.

The chase list table has exactly the mart's columns (fct_chase_list); rows are given
per person, so a test states who is failing, for how long and who their managers are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from orchestration.policy.loading import load_policy
from orchestration.policy.tables import publish_policy
from orchestration.reminders.digests import CHASE_LIST_TABLE, CONTACTS_TABLE
from orchestration.settings import policy_file

CHASE_LIST_DDL = f"""
create table {CHASE_LIST_TABLE} (
    as_of_date date, employee_id varchar, department varchar, manager_id varchar,
    skip_level_manager_id varchar, status varchar, is_failing boolean,
    chase_reason varchar, complete_by date, days_overdue integer, escalation_level integer
)
"""
CONTACTS_DDL = f"""
create table {CONTACTS_TABLE} (
    as_of_date date, employee_id varchar, full_name varchar, work_email varchar
)
"""


@dataclass(frozen=True)
class Chased:
    """One chase-list row; `days_overdue` None means not failing (due soon or in grace)."""

    employee_id: str
    manager_id: str | None
    skip_level_manager_id: str | None = None
    days_overdue: int | None = None
    escalation_level: int = 0
    department: str = "Engineering"
    chase_reason: str | None = None

    @property
    def is_failing(self) -> bool:
        return self.days_overdue is not None


def build_day_warehouse(
    path: Path,
    as_of_date: date,
    chased: list[Chased],
    contacts: dict[str, tuple[str | None, str | None]],
) -> Path:
    """contacts: employee_id -> (full_name, work_email) on the day's roster."""
    with duckdb.connect(str(path)) as connection:
        publish_policy(connection, load_policy(policy_file()), as_of_date)
        connection.execute(CHASE_LIST_DDL)
        connection.execute(f"create schema if not exists {CONTACTS_TABLE.split('.')[0]}")
        connection.execute(CONTACTS_DDL)
        for row in chased:
            failing = row.is_failing
            reason = row.chase_reason or ("lapsed: completion expired" if failing else "due soon")
            complete_by = as_of_date - timedelta(days=row.days_overdue or 0)
            if not failing:
                complete_by = as_of_date + timedelta(days=10)
            connection.execute(
                f"insert into {CHASE_LIST_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    as_of_date,
                    row.employee_id,
                    row.department,
                    row.manager_id,
                    row.skip_level_manager_id,
                    "overdue-status" if failing else "current-status",
                    failing,
                    reason,
                    complete_by,
                    row.days_overdue,
                    row.escalation_level,
                ],
            )
        for employee_id, (full_name, work_email) in contacts.items():
            connection.execute(
                f"insert into {CONTACTS_TABLE} values (?, ?, ?, ?)",
                [as_of_date, employee_id, full_name, work_email],
            )
    return path
