"""DDL of the landing schema: one table per export plus the rejects and load audit.

Landing tables keep every as-of date; a load replaces only its own day's rows.
The DDL uses only types DuckDB and PostgreSQL both spell the same way, so the
PostgreSQL publisher (publish_postgres.py) creates identical tables from it.
"""

from __future__ import annotations

import duckdb

from orchestration.ingestion.contract import CONTRACTS, ExportContract, Kind

LANDING_SCHEMA = "landing"
REJECTS_TABLE = f"{LANDING_SCHEMA}.load_rejects"
AUDIT_TABLE = f"{LANDING_SCHEMA}.load_audit"

_SQL_TYPES = {
    Kind.TEXT: "varchar",
    Kind.DATE: "date",
    Kind.DATE_OR_TIMESTAMP: "varchar",
    Kind.ENUM: "varchar",
    Kind.SCORE: "double precision",
}


def landing_table(contract: ExportContract) -> str:
    return f"{LANDING_SCHEMA}.{contract.landing_table}"


def _export_columns(contract: ExportContract) -> list[tuple[str, str]]:
    """(name, SQL type) of the file's columns, then the derived ones (all text)."""
    return [
        *((column.name, _SQL_TYPES[column.kind]) for column in contract.columns),
        *((name, "varchar") for name in contract.derived_names),
    ]


def _export_table_ddl(contract: ExportContract) -> tuple[str, ...]:
    columns = ",\n    ".join(f"{name} {sql_type}" for name, sql_type in _export_columns(contract))
    create = f"""
create table if not exists {landing_table(contract)} (
    as_of_date date not null,
    source_line bigint not null,
    {columns}
)"""
    # A warehouse created before a column existed gains it (both engines spell this alike).
    return (
        create,
        *(
            f"alter table {landing_table(contract)} add column if not exists {name} {sql_type}"
            for name, sql_type in _export_columns(contract)
        ),
    )


_REJECTS_DDL = f"""
create table if not exists {REJECTS_TABLE} (
    as_of_date date not null,
    source varchar not null,
    source_file varchar not null,
    line bigint,
    column_name varchar,
    rule varchar not null,
    reason varchar not null,
    value varchar
)"""

_AUDIT_DDL = f"""
create table if not exists {AUDIT_TABLE} (
    as_of_date date not null,
    source varchar not null,
    source_file varchar not null,
    file_present boolean not null,
    sha256 varchar,
    size_bytes bigint,
    record_count bigint not null,
    loaded_row_count bigint not null,
    rejected_row_count bigint not null,
    file_columns varchar[],
    extra_columns varchar[],
    missing_optional_columns varchar[],
    loaded_at timestamp not null,
    pulled_from varchar,
    raw_responses varchar[]
)"""

# Columns added after the table's first release, for warehouses created before them.
_AUDIT_ADDED_COLUMNS = (
    # The connector that pulled the export (NULL: dropped as a file) and the SHA-256 of
    # every raw response it kept, "<sha256>  raw/<source>/<D>/<file>".
    ("pulled_from", "varchar"),
    ("raw_responses", "varchar[]"),
)


def landing_tables() -> tuple[str, ...]:
    """Every table of the landing schema, qualified, exports first."""
    return (*(landing_table(contract) for contract in CONTRACTS), REJECTS_TABLE, AUDIT_TABLE)


def landing_ddl() -> tuple[str, ...]:
    """Statements creating the landing schema and its tables when missing."""
    return (
        f"create schema if not exists {LANDING_SCHEMA}",
        *(statement for contract in CONTRACTS for statement in _export_table_ddl(contract)),
        _REJECTS_DDL,
        _AUDIT_DDL,
        *(
            f"alter table {AUDIT_TABLE} add column if not exists {name} {sql_type}"
            for name, sql_type in _AUDIT_ADDED_COLUMNS
        ),
    )


def ensure_landing_schema(connection: duckdb.DuckDBPyConnection) -> None:
    for statement in landing_ddl():
        connection.execute(statement)
