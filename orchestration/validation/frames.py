"""The pandas frames each validation reads: small, per day, never the raw LMS rows."""

from __future__ import annotations

from datetime import date

import pandas as pd

from orchestration.ingestion.contract import ExportContract
from orchestration.ingestion.landing_tables import AUDIT_TABLE, REJECTS_TABLE
from orchestration.statuses import read_statuses
from orchestration.warehouse_reader import MartsConnection


def fact_frame(connection: MartsConnection, as_of_date: date) -> pd.DataFrame:
    """The day's fact rows, with the date their latest completion covers them until
    recomputed here, outside dbt, from the day's policy (cycle and course validity)."""
    return connection.execute(
        """
        with policy as (
            select * from policy.policy_documents where as_of_date = $as_of_date
        ),

        courses as (
            select * from policy.qualifying_courses where as_of_date = $as_of_date
        ),

        fact as (
            select * from main.fct_training_compliance where as_of_date = $as_of_date
        )

        select
            fact.*,
            case
                -- Portable SQL (DuckDB and PostgreSQL): month * 100 + day orders dates
                -- within a year as their MM-DD text does.
                when policy.cycle_mode = 'annual' then make_date(
                    cast(extract(year from fact.last_completed_on) as integer) + 2
                        - case when extract(month from fact.last_completed_on) * 100
                                + extract(day from fact.last_completed_on)
                            < policy.cycle_starts_month * 100 + policy.cycle_starts_day
                            then 1 else 0 end,
                    policy.cycle_starts_month,
                    policy.cycle_starts_day
                ) - 1
                else fact.last_completed_on
                    + coalesce(courses.validity_days, policy.cycle_validity_days)
            end as covered_by_latest_completion
        from fact
        cross join policy
        left join courses
            on fact.qualifying_course_id = courses.course_id
        """,
        {"as_of_date": as_of_date},
    ).df()


def coverage_frame(connection: MartsConnection, as_of_date: date) -> pd.DataFrame:
    """The day's coverage row, with its status counts re-added here from the status seed."""
    statuses = read_statuses(connection)
    every_status = " + ".join(status.count_column for status in statuses)
    failing_statuses = " + ".join(
        [status.count_column for status in statuses if status.is_failing] or ["0"]
    )
    return connection.execute(
        f"""
        select *,
            {every_status} as status_count_total,
            {failing_statuses} as failing_status_count_total
        from main.compliance_coverage
        where as_of_date = ?
        """,
        [as_of_date],
    ).df()


def unmatched_frame(connection: MartsConnection, as_of_date: date) -> pd.DataFrame:
    return connection.execute(
        """
        select record_id, lms_employee_id, course_id, status, unmatched_reason
        from main.fct_unmatched_lms_records
        where as_of_date = ?
        """,
        [as_of_date],
    ).df()


def unresolved_scope_frame(connection: MartsConnection, as_of_date: date) -> pd.DataFrame:
    """The people of the day whose scope the policy does not decide (ids, no names)."""
    return connection.execute(
        """
        select employee_id, scope_status, resembled_rule_id, resembled_field, resembled_pattern
        from main.fct_scope_unresolved
        where as_of_date = ?
        order by employee_id
        """,
        [as_of_date],
    ).df()


def rejects_frame(
    connection: MartsConnection, contract: ExportContract, as_of_date: date
) -> pd.DataFrame:
    """The export's rejected rows of the day (line, column, rule, reason; no values)."""
    return connection.execute(
        f"""
        select line, column_name, rule, reason
        from {REJECTS_TABLE}
        where as_of_date = ? and source = ?
        order by line
        """,
        [as_of_date, contract.source],
    ).df()


def header_frame(
    connection: MartsConnection, contract: ExportContract, as_of_date: date
) -> pd.DataFrame:
    """An empty frame whose columns are the export's header, normalised as ingestion reads it.

    An absent optional file has no header to drift, so it stands in with the contract's.
    """
    row = connection.execute(
        f"select file_present, file_columns from {AUDIT_TABLE} where as_of_date = ? and source = ?",
        [as_of_date, contract.source],
    ).fetchone()
    if row is None:
        raise LookupError(f"no load of the {contract.source} export for {as_of_date} was recorded")
    file_present, file_columns = row
    columns = [name.strip().lower() for name in file_columns] if file_present else []
    if columns:
        # A column the contract says many sources lack is no drift when absent.
        columns += [
            column.name
            for column in contract.columns
            if column.may_be_absent and column.name not in columns
        ]
    return pd.DataFrame(columns=columns or list(contract.column_names))
