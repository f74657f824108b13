"""Publishes one day's validated landing and policy slices from DuckDB to PostgreSQL.

Ingestion checks the exports against the data contract and loads them into DuckDB
(loader.py), and the policy asset writes the day's policy tables there. dbt on the
`postgres` target reads PostgreSQL's `landing` and `policy` schemas, so this module
copies the as-of date's rows of every landing and policy table there, with the same
DDL (landing_tables.py, orchestration/policy/tables.py) and PostgreSQL's COPY,
replacing only that day's rows: dbt on either engine then reads exactly the same
validated inputs, through the same day views.

Of an export's history it copies the day's line runs and, as versions valid for that
day only ([D, D+1)), the versions those runs hold on D: PostgreSQL keeps the days it
was sent, each whole, and the view gives each exactly the rows DuckDB gives.

    compliance publish-postgres 2026-11-27 [--warehouse FILE]

The server comes from COMPLIANCE_PG_HOST, _PORT, _USER, _PASSWORD and _DATABASE (else
libpq's PG* variables). In the daily run the asset landing/postgres_published calls it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
from dagster import AssetKey

from orchestration.ingestion.contract import CONTRACTS
from orchestration.ingestion.landing_tables import (
    AUDIT_TABLE,
    LANDING_SCHEMA,
    REJECTS_TABLE,
    day_versions_sql,
    landing_ddl,
    landing_table,
    lines_table,
    versions_table,
)
from orchestration.policy.tables import policy_ddl, policy_tables
from orchestration.settings import warehouse_path
from orchestration.warehouse import open_reader
from orchestration.warehouse_reader import connect_postgres

if TYPE_CHECKING:
    import psycopg2.extensions

# The Dagster asset that runs publish_day in the daily run (postgres_assets.py); dbt's
# models that read landing or policy sources depend on it.
POSTGRES_PUBLISHED_KEY = AssetKey([LANDING_SCHEMA, "postgres_published"])
# Transaction-level advisory lock: concurrent days' publishes take turns on the DDL
# (`create ... if not exists` races between sessions on PostgreSQL).
PUBLISH_LOCK_KEY = 2_012_011_502


def _postgres_array_literal(column: str) -> str:
    """DuckDB SQL rendering a varchar list as PostgreSQL's array text, e.g. {"a","b"}."""
    element = """'"' || replace(replace(v, '\\', '\\\\'), '"', '\\"') || '"'"""
    return (
        f"case when {column} is null then null "
        f"else '{{' || array_to_string(list_transform({column}, v -> {element}), ',') || '}}' "
        f"end as {column}"
    )


def _select_list(source: duckdb.DuckDBPyConnection, table: str) -> tuple[list[str], list[str]]:
    """Column names of `table` and the DuckDB expressions writing them as PostgreSQL reads."""
    schema, name = table.split(".")
    columns = source.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    expressions = [
        _postgres_array_literal(column) if data_type.endswith("[]") else column
        for column, data_type in columns
    ]
    return [column for column, _ in columns], expressions


def _copy(
    source: duckdb.DuckDBPyConnection,
    cursor: psycopg2.extensions.cursor,
    scratch: Path,
    table: str,
    select_sql: str,
) -> int:
    """Copies the rows of `select_sql` (DuckDB, `table`'s columns in order) into `table`."""
    columns, expressions = _select_list(source, table)
    # CSV keeps NULL (unquoted empty) apart from '' (quoted), as COPY reads it.
    slice_file = scratch / f"{table}.csv"
    source.execute(
        f"copy (select {', '.join(expressions)} from ({select_sql})) "
        f"to '{slice_file}' (format csv, header)"
    )
    with slice_file.open("rb") as rows:
        cursor.copy_expert(
            f"copy {table} ({', '.join(columns)}) from stdin with (format csv, header true)",
            rows,
        )
    copied = cursor.rowcount
    slice_file.unlink()
    # Fresh statistics, or the planner guesses join sizes for dbt's first queries.
    cursor.execute(f"analyze {table}")
    return copied


def publish_day(
    as_of_date: date,
    warehouse: Path | None = None,
    connection: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Replaces `as_of_date`'s rows of every landing and policy table in PostgreSQL; rows
    copied per table (for an export: its day view's rows).

    All tables change in one transaction, so dbt never reads a half-published day.
    """
    day = as_of_date.isoformat()
    day_after = (as_of_date + timedelta(days=1)).isoformat()
    with (
        open_reader(warehouse or warehouse_path()) as source,
        tempfile.TemporaryDirectory(prefix="publish_postgres_") as scratch,
        closing(connect_postgres(connection)) as target,
    ):
        copied: dict[str, int] = {}
        with target, target.cursor() as cursor:
            cursor.execute("select pg_advisory_xact_lock(%s)", [PUBLISH_LOCK_KEY])
            for statement in (*landing_ddl(), *policy_ddl()):
                cursor.execute(statement)
            for contract in CONTRACTS:
                versions, lines = versions_table(contract), lines_table(contract)
                # The range join of the day view reads versions by slot.
                cursor.execute(
                    f"create index if not exists {contract.landing_table}_versions_slot "
                    f"on {versions} (slot_id, valid_from)"
                )
                cursor.execute(f"delete from {lines} where as_of_date = %s", [day])
                cursor.execute(f"delete from {versions} where valid_from = %s", [day])
                _copy(
                    source,
                    cursor,
                    Path(scratch),
                    lines,
                    f"select * from {lines} where as_of_date = cast('{day}' as date)",
                )
                copied[landing_table(contract)] = _copy(
                    source,
                    cursor,
                    Path(scratch),
                    versions,
                    f"select * replace (cast('{day}' as date) as valid_from, "
                    f"cast('{day_after}' as date) as valid_to) "
                    f"from ({day_versions_sql(contract, day)})",
                )
            for table in (REJECTS_TABLE, AUDIT_TABLE, *policy_tables()):
                cursor.execute(f"delete from {table} where as_of_date = %s", [day])
                copied[table] = _copy(
                    source,
                    cursor,
                    Path(scratch),
                    table,
                    f"select * from {table} where as_of_date = cast('{day}' as date)",
                )
        return copied
