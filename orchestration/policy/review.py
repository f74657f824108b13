"""`compliance policy check`: what a policy change would do to the latest day, written nowhere.

The candidate policy is validated, then the latest day of the warehouse is computed again
under it in a scratch DuckDB file (that day's landing rows, the HR history before it and
the candidate's policy tables, built by the same dbt models), and the scratch results are
compared with what the warehouse holds. The warehouse is only read, under its shared lock.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from orchestration.ingestion.contract import CONTRACTS, HR_EMPLOYEES
from orchestration.ingestion.landing_history import copy_history_sql
from orchestration.ingestion.landing_tables import LANDING_SCHEMA, ensure_landing_schema
from orchestration.policy.loading import Policy
from orchestration.policy.tables import publish_policy
from orchestration.settings import AS_OF_DATE_VAR, DBT_PROJECT_DIR, WAREHOUSE_VAR
from orchestration.transformation.project import dbt_executable
from orchestration.warehouse import warehouse_lock

# The day's landing tables the models read, and HR history for return-from-leave grace.
DAY_TABLES = ("load_rejects", "load_audit")
SHOWN_PER_CHANGE = 20


class ReviewError(RuntimeError):
    """The candidate policy could not be evaluated against the warehouse."""


@dataclass(frozen=True)
class ScopeChange:
    employee_id: str
    before: str
    after: str
    reason_after: str


@dataclass(frozen=True)
class StatusChange:
    employee_id: str
    before: str
    after: str


@dataclass(frozen=True)
class PolicyReview:
    as_of_date: date
    scope_changes: list[ScopeChange]
    status_changes: list[StatusChange]
    coverage_before: tuple[float | None, bool]
    coverage_after: tuple[float | None, bool]

    def render(self) -> str:
        def verdict(pair: tuple[float | None, bool]) -> str:
            pct = "n/a" if pair[0] is None else f"{pair[0]:.2f}%"
            return f"{pct}, {'PASSED' if pair[1] else 'FAILED'}"

        entering = [c for c in self.scope_changes if c.after == "in_scope"]
        leaving = [c for c in self.scope_changes if c.before == "in_scope"]
        other = [c for c in self.scope_changes if c not in entering and c not in leaving]
        lines = [
            f"Against {self.as_of_date} (the latest day in the warehouse):",
            f"  coverage and verdict  {verdict(self.coverage_before)} -> "
            f"{verdict(self.coverage_after)}",
            f"  entering scope        {len(entering)}",
            f"  leaving scope         {len(leaving)}",
            f"  other scope changes   {len(other)}",
            f"  status changes        {len(self.status_changes)}",
        ]
        for title, changes in (
            ("Entering scope", entering),
            ("Leaving scope", leaving),
            ("Other scope changes", other),
        ):
            if changes:
                lines.append(f"{title}:")
                lines += [
                    f"  {c.employee_id}: {c.before} -> {c.after} ({c.reason_after})"
                    for c in changes[:SHOWN_PER_CHANGE]
                ]
                lines += _more(len(changes))
        if self.status_changes:
            lines.append("Status changes of people in scope before and after:")
            lines += [
                f"  {c.employee_id}: {c.before} -> {c.after}"
                for c in self.status_changes[:SHOWN_PER_CHANGE]
            ]
            lines += _more(len(self.status_changes))
        if not self.scope_changes and not self.status_changes:
            lines.append("No scope decision or status would change.")
        return "\n".join(lines)


def _more(count: int) -> list[str]:
    return [f"  ... and {count - SHOWN_PER_CHANGE} more"] if count > SHOWN_PER_CHANGE else []


def latest_day(connection: duckdb.DuckDBPyConnection) -> date | None:
    try:
        row = connection.execute("select max(as_of_date) from main.compliance_coverage").fetchone()
    except duckdb.CatalogException:
        return None
    return row[0] if row else None


def _copy_inputs(scratch: duckdb.DuckDBPyConnection, warehouse: Path, day: date) -> None:
    ensure_landing_schema(scratch)
    scratch.execute(f"attach '{warehouse}' as current_warehouse (read_only)")
    try:
        for contract in CONTRACTS:
            # HR with the days before (return from leave), the other exports for the day.
            for statement in copy_history_sql(
                contract, "current_warehouse", with_earlier_days=contract is HR_EMPLOYEES
            ):
                scratch.execute(statement, [day])
        for table in DAY_TABLES:
            scratch.execute(
                f"insert into {LANDING_SCHEMA}.{table} by name "
                f"select * from current_warehouse.{LANDING_SCHEMA}.{table} where as_of_date = ?",
                [day],
            )
    finally:
        scratch.execute("detach current_warehouse")


def _build(scratch_file: Path, day: date, work: Path) -> None:
    result = subprocess.run(
        [
            dbt_executable(),
            "build",
            "--resource-type",
            "seed",
            "--resource-type",
            "model",
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
        ],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, WAREHOUSE_VAR: str(scratch_file), AS_OF_DATE_VAR: day.isoformat()},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        errors = [line for line in result.stdout.splitlines() if "Error" in line or "ERROR" in line]
        raise ReviewError(
            "the models failed under the candidate policy:\n" + "\n".join(errors[-10:])
        )


_SCOPE_CHANGES_SQL = """
select after.employee_id, coalesce(before.scope_status, 'absent'), after.scope_status,
       after.scope_reason
from main.fct_population_scope_decisions as after
left join current_warehouse.main.fct_population_scope_decisions as before
    on before.employee_id = after.employee_id and before.as_of_date = after.as_of_date
where before.scope_status is distinct from after.scope_status
order by after.employee_id
"""

_STATUS_CHANGES_SQL = """
select after.employee_id, before.status, after.status
from main.fct_training_compliance as after
inner join current_warehouse.main.fct_training_compliance as before
    on before.employee_id = after.employee_id and before.as_of_date = after.as_of_date
where before.status <> after.status
order by after.employee_id
"""

_VERDICT_SQL = (
    "select coverage_pct, control_passed from {schema}.compliance_coverage where as_of_date = ?"
)


def review_policy(policy: Policy, warehouse: Path) -> PolicyReview | None:
    """The changes `policy` would make to the warehouse's latest day; None without a day."""
    with warehouse_lock(warehouse, exclusive=False):
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            day = latest_day(connection)
        if day is None:
            return None
        with tempfile.TemporaryDirectory(prefix="policy-check-") as folder:
            work = Path(folder)
            scratch_file = work / "candidate.duckdb"
            with duckdb.connect(str(scratch_file)) as scratch:
                _copy_inputs(scratch, warehouse, day)
                publish_policy(scratch, policy, day)
            _build(scratch_file, day, work)
            with duckdb.connect(str(scratch_file)) as scratch:
                scratch.execute(f"attach '{warehouse}' as current_warehouse (read_only)")
                scope = [
                    ScopeChange(*row) for row in scratch.execute(_SCOPE_CHANGES_SQL).fetchall()
                ]
                statuses = [
                    StatusChange(*row) for row in scratch.execute(_STATUS_CHANGES_SQL).fetchall()
                ]
                before = scratch.execute(
                    _VERDICT_SQL.format(schema="current_warehouse.main"), [day]
                ).fetchone()
                after = scratch.execute(_VERDICT_SQL.format(schema="main"), [day]).fetchone()
    return PolicyReview(day, scope, statuses, tuple(before), tuple(after))
