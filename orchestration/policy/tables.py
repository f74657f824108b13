"""The policy in the warehouse: schema `policy`, one slice of six tables per as-of date.

dbt reads these tables as the source `policy`, so a day's models apply the
policy that day's run loaded. The DDL uses only types DuckDB and PostgreSQL
spell alike, as the landing tables' does, so the PostgreSQL publisher creates
the same tables from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from orchestration.policy.globs import glob_to_like, has_wildcards, skeleton_like
from orchestration.policy.loading import Policy
from orchestration.policy.normalisation import normalise

POLICY_SCHEMA = "policy"

Row = tuple[Any, ...]


@dataclass(frozen=True)
class PolicyTable:
    name: str
    # (column, SQL type, description); as_of_date comes first in every table.
    columns: tuple[tuple[str, str, str], ...]
    rows: Callable[[Policy], list[Row]]
    description: str

    @property
    def qualified(self) -> str:
        return f"{POLICY_SCHEMA}.{self.name}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return ("as_of_date", *(name for name, _, _ in self.columns))

    def ddl(self) -> str:
        columns = ",\n    ".join(f"{name} {sql_type}" for name, sql_type, _ in self.columns)
        return (
            f"create table if not exists {self.qualified} (\n"
            f"    as_of_date date not null,\n    {columns}\n)"
        )


def _document_rows(policy: Policy) -> list[Row]:
    document = policy.document
    training, cycle = document.training, document.training.cycle
    month, day = (int(part) for part in cycle.starts.split("-")) if cycle.starts else (None, None)
    return [
        (
            policy.sha256,
            str(policy.file),
            policy.text,
            document.control,
            document.scope.otherwise,
            cycle.mode,
            cycle.validity_days if cycle.mode == "rolling" else None,
            month,
            day,
            training.grace_days,
            training.return_from_leave_grace_days,
            training.due_soon_days,
            document.reminders.escalate_after_days,
            document.reminders.forecast_days,
        )
    ]


def _rule_rows(policy: Policy) -> list[Row]:
    return [
        (order, rule.id, rule.decision, rule.reason)
        for order, rule in enumerate(policy.document.scope.rules, start=1)
    ]


def _pattern_rows(policy: Policy) -> list[Row]:
    return [
        (
            rule.id,
            field,
            pattern,
            glob_to_like(pattern),
            skeleton_like(pattern),
            has_wildcards(pattern),
            normalise(pattern),
        )
        for rule in policy.document.scope.rules
        for field, pattern in rule.match.patterns()
    ]


def _employment_type_rows(policy: Policy) -> list[Row]:
    return [(employment_type,) for employment_type in policy.document.scope.employment_types]


def _override_rows(policy: Policy) -> list[Row]:
    return [
        (
            override.employee_id,
            override.decision,
            override.reason,
            override.approved_by,
            override.approved_on,
            override.expires_on,
        )
        for override in policy.document.scope.overrides
    ]


def _course_rows(policy: Policy) -> list[Row]:
    return [
        (course.course_id, course.title, course.validity_days)
        for course in policy.document.training.qualifying_courses
    ]


POLICY_TABLES: tuple[PolicyTable, ...] = (
    PolicyTable(
        "policy_documents",
        (
            ("policy_sha256", "varchar", "SHA-256 of the policy file's bytes."),
            ("policy_file", "varchar", "Absolute path the policy was read from."),
            ("policy_text", "varchar", "The policy file's full text, as reviewed."),
            ("control", "varchar", "The control the policy implements, e.g. TRN.2.01."),
            (
                "scope_otherwise",
                "varchar",
                "Decision for people no rule matches: exclude or unclassified.",
            ),
            ("cycle_mode", "varchar", "rolling or annual."),
            (
                "cycle_validity_days",
                "integer",
                "Days a completion covers in a rolling cycle; null in annual mode.",
            ),
            (
                "cycle_starts_month",
                "integer",
                "Month an annual cycle starts; null in rolling mode.",
            ),
            (
                "cycle_starts_day",
                "integer",
                "Day of the month an annual cycle starts; null in rolling mode.",
            ),
            (
                "grace_days",
                "integer",
                "Days after hire before a new starter without training fails.",
            ),
            ("return_from_leave_grace_days", "integer", "Days of grace after leave; 0 = none."),
            ("due_soon_days", "integer", "A current person due within this many days is due soon."),
            (
                "escalate_after_days",
                "integer",
                "Days failing before the manager's manager is told.",
            ),
            ("forecast_days", "integer", "Days ahead the lapse forecast covers."),
        ),
        _document_rows,
        "The policy file the day's run loaded: one row per as-of date.",
    ),
    PolicyTable(
        "scope_rules",
        (
            (
                "rule_order",
                "integer",
                "Position in the file, 1 = first; the first matching rule decides.",
            ),
            (
                "rule_id",
                "varchar",
                "The rule's id, recorded as the scope_rule_id of the people it decides.",
            ),
            ("decision", "varchar", "include or exclude."),
            ("reason", "varchar", "Why the rule decides so; recorded as the scope reason."),
        ),
        _rule_rows,
        "Scope rules in the order they are tried.",
    ),
    PolicyTable(
        "scope_rule_patterns",
        (
            ("rule_id", "varchar", "The rule the pattern belongs to."),
            (
                "field",
                "varchar",
                "HR field matched: job_family, job_title, job_code or department.",
            ),
            ("pattern", "varchar", "The pattern as written in the policy."),
            (
                "like_pattern",
                "varchar",
                "The normalised pattern as SQL LIKE with escape '\\'; compare with the "
                "field's _key column.",
            ),
            (
                "skeleton_like_pattern",
                "varchar",
                "As like_pattern over TR39 skeletons; compare with the field's _skeleton column.",
            ),
            ("has_wildcards", "boolean", "Whether the pattern has * or ?."),
            (
                "pattern_text",
                "varchar",
                "The normalised pattern, for the whole-word look-alike guard.",
            ),
        ),
        _pattern_rows,
        "Patterns of each rule's match: a rule matches when every field it lists matches one of "
        "that field's patterns; a rule with no pattern rows (match: {}) matches everyone.",
    ),
    PolicyTable(
        "employment_types",
        (("employment_type", "varchar", "An employment type that can be in scope."),),
        _employment_type_rows,
        "Employment types that can be in scope, applied after the rules.",
    ),
    PolicyTable(
        "scope_overrides",
        (
            ("employee_id", "varchar", "The person the override decides."),
            (
                "decision",
                "varchar",
                "include or exclude; beats every rule and the employment-type switch.",
            ),
            ("reason", "varchar", "Why."),
            ("approved_by", "varchar", "Who approved it."),
            ("approved_on", "date", "In force from this day."),
            ("expires_on", "date", "In force through this day; null = no end."),
        ),
        _override_rows,
        "Per-person scope decisions, as written (whether each is in force on a day is the models' "
        "call).",
    ),
    PolicyTable(
        "qualifying_courses",
        (
            ("course_id", "varchar", "LMS course id whose completion counts."),
            ("course_title", "varchar", "The course's title."),
            (
                "validity_days",
                "integer",
                "The course's own validity in a rolling cycle; null = the cycle's.",
            ),
        ),
        _course_rows,
        "LMS courses whose completion counts as the training.",
    ),
)


def policy_tables() -> tuple[str, ...]:
    """Every table of the policy schema, qualified."""
    return tuple(table.qualified for table in POLICY_TABLES)


def policy_ddl() -> tuple[str, ...]:
    """Statements creating the policy schema and its tables when missing."""
    return (
        f"create schema if not exists {POLICY_SCHEMA}",
        *(table.ddl() for table in POLICY_TABLES),
    )


def publish_policy(
    connection: duckdb.DuckDBPyConnection, policy: Policy, as_of_date: date
) -> dict[str, int]:
    """Replaces `as_of_date`'s slice of every policy table in one transaction; rows per table."""
    for statement in policy_ddl():
        connection.execute(statement)
    written: dict[str, int] = {}
    connection.execute("begin transaction")
    try:
        for table in POLICY_TABLES:
            connection.execute(f"delete from {table.qualified} where as_of_date = ?", [as_of_date])
            rows = [(as_of_date, *row) for row in table.rows(policy)]
            if rows:
                placeholders = ", ".join("?" for _ in table.column_names)
                connection.executemany(
                    f"insert into {table.qualified} ({', '.join(table.column_names)}) "
                    f"values ({placeholders})",
                    rows,
                )
            written[table.name] = len(rows)
        connection.execute("commit")
    except Exception:
        connection.execute("rollback")
        raise
    return written
