"""The day's tables an auditor tests, read from the warehouse, personal data removed.

Full names never leave the warehouse (staging already drops them; any such column
is dropped here too). Work emails are added only when COMPLIANCE_EVIDENCE_INCLUDE_EMAILS
is true, joined from the day's HR export on employee_id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from orchestration.csv_files import write_csv
from orchestration.evidence import layout
from orchestration.evidence.files import write_parquet
from orchestration.ingestion.contract import HR_EMPLOYEES
from orchestration.ingestion.landing_tables import REJECTS_TABLE, landing_table
from orchestration.reminders import reminders_log
from orchestration.warehouse_reader import MartsConnection

# Columns that identify a person by more than the HRIS id.
PERSONAL_COLUMNS = frozenset({"full_name", "work_email", "user_email"})


@dataclass(frozen=True)
class TableExport:
    files: tuple[str, ...]  # relative paths; the suffix picks the format (.csv.gz: gzipped)
    sql: str
    # Whether the rows are people of the HR export (emails can be joined on them).
    per_person: bool = False


TABLE_EXPORTS: tuple[TableExport, ...] = (
    TableExport(
        (f"{layout.IN_SCOPE}{layout.POPULATION_CSV}", f"{layout.IN_SCOPE}.parquet"),
        "select * from main.fct_training_compliance where as_of_date = ? order by employee_id",
        per_person=True,
    ),
    TableExport(
        (
            f"{layout.SCOPE_DECISIONS}{layout.POPULATION_CSV}",
            f"{layout.SCOPE_DECISIONS}.parquet",
        ),
        "select * from main.fct_population_scope_decisions where as_of_date = ? "
        "order by employee_id",
        per_person=True,
    ),
    TableExport(
        (layout.SCOPE_UNRESOLVED,),
        "select * from main.fct_scope_unresolved where as_of_date = ? order by employee_id",
        per_person=True,
    ),
    TableExport(
        (layout.EXCEPTIONS_IN_FORCE,),
        "select * from main.fct_exceptions_in_force where as_of_date = ? "
        "order by employee_id, exception_line",
    ),
    TableExport(
        (layout.UNMATCHED_LMS_RECORDS,),
        "select * from main.fct_unmatched_lms_records where as_of_date = ? "
        "order by record_id, source_line",
    ),
    # Who must act (rules §9): failing people first, the longest overdue first; then
    # the due-soon and in-grace people by the date they must complete by.
    TableExport(
        (layout.CHASE_LIST,),
        "select * from main.fct_chase_list where as_of_date = ? "
        "order by is_failing desc, days_overdue desc nulls last, complete_by, employee_id",
        per_person=True,
    ),
    TableExport(
        (layout.MANAGER_FOLLOW_UP,),
        "select * from main.fct_manager_follow_up where as_of_date = ? "
        "order by failing_count desc, escalated_count desc, manager_id nulls last",
    ),
    # The lapse forecast (rules §10).
    TableExport(
        (layout.COVERAGE_FORECAST,),
        "select * from main.fct_coverage_forecast where as_of_date = ? order by forecast_date",
    ),
    TableExport(
        (layout.LAPSES_BY_DEPARTMENT,),
        "select * from main.fct_lapses_ahead_by_department where as_of_date = ? "
        "order by lapsing_within_30_days desc, lapsing_within_90_days desc, department",
    ),
    TableExport(
        (layout.LAPSES_BY_MANAGER,),
        "select * from main.fct_lapses_ahead_by_manager where as_of_date = ? "
        "order by lapsing_within_30_days desc, lapsing_within_90_days desc, manager_id nulls last",
    ),
    TableExport(
        (layout.REJECTS,),
        # The offending value stays in the warehouse: it may be personal data.
        f"""
        select as_of_date, source, regexp_replace(source_file, '^.*[/\\\\]', '') as file_name,
               line, column_name, rule, reason
        from {REJECTS_TABLE}
        where as_of_date = ?
        order by source, line nulls first, column_name, rule, reason
        """,
    ),
    # Who was reminded of the day's chase list, and how that went: ids only.
    TableExport((reminders_log.REMINDERS_LOG_FILE,), reminders_log.EXPORT_SQL),
)


def without_personal_columns(table: pa.Table) -> pa.Table:
    return table.drop_columns([name for name in table.column_names if name in PERSONAL_COLUMNS])


def with_work_emails(connection: MartsConnection, table: pa.Table, as_of_date: date) -> pa.Table:
    emails = dict(
        connection.execute(
            f"select employee_id, work_email from {landing_table(HR_EMPLOYEES)} "
            "where as_of_date = ?",
            [as_of_date],
        ).fetchall()
    )
    column = pa.array([emails.get(employee_id) for employee_id in table["employee_id"].to_pylist()])
    return table.append_column("work_email", column)


def read_export(
    connection: MartsConnection,
    export: TableExport,
    as_of_date: date,
    include_emails: bool,
) -> pa.Table:
    table = without_personal_columns(connection.execute(export.sql, [as_of_date]).to_arrow_table())
    if include_emails and export.per_person:
        table = with_work_emails(connection, table, as_of_date)
    return table


def export_of(relative: str) -> TableExport:
    return next(export for export in TABLE_EXPORTS if relative in export.files)


def read_rows(connection: MartsConnection, relative: str, as_of_date: date) -> list[dict[str, Any]]:
    """The rows of one export file, as the pages show them: the file's query and order,
    never an email (the pages identify people by employee id only)."""
    table = read_export(connection, export_of(relative), as_of_date, include_emails=False)
    return table.to_pylist()


def write_table_exports(
    connection: MartsConnection, folder: Path, as_of_date: date, include_emails: bool
) -> dict[str, int]:
    """Writes every table export; returns rows per written file (relative path)."""
    rows: dict[str, int] = {}
    for export in TABLE_EXPORTS:
        table = read_export(connection, export, as_of_date, include_emails)
        for relative in export.files:
            writer = write_parquet if relative.endswith(".parquet") else write_csv
            writer(table, folder / relative)
            rows[relative] = table.num_rows
    return rows
