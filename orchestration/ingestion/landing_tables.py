"""DDL of the landing schema: the history of each export, its day view, rejects and audit.

Each export is stored as distinct record versions plus per-day line runs
(landing_history.py explains the layout); the view `landing.<table>` gives the rows
of every loaded day as loaded, and is what dbt and every reader use. A load
replaces only its own day. The DDL uses only SQL DuckDB and PostgreSQL both spell
the same way, so the PostgreSQL publisher (publish_postgres.py) creates identical
tables and the same view from it.
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
    """The view of the export's rows per as-of date (as_of_date, source_line, values)."""
    return f"{LANDING_SCHEMA}.{contract.landing_table}"


def versions_table(contract: ExportContract) -> str:
    """Every distinct record version of the export, stored once."""
    return f"{LANDING_SCHEMA}.{contract.landing_table}_versions"


def lines_table(contract: ExportContract) -> str:
    """Per as-of date, the runs of file lines holding consecutive versions."""
    return f"{LANDING_SCHEMA}.{contract.landing_table}_lines"


def stored_columns(contract: ExportContract) -> tuple[str, ...]:
    """The values a version holds: the file's contract columns, then the derived ones."""
    return (*contract.column_names, *contract.derived_names)


def export_columns(contract: ExportContract) -> list[tuple[str, str]]:
    """(name, SQL type) of the file's columns, then the derived ones (all text)."""
    return [
        *((column.name, _SQL_TYPES[column.kind]) for column in contract.columns),
        *((name, "varchar") for name in contract.derived_names),
    ]


def _holds_slot_on_day(lines: str, versions: str, day_sql: str) -> str:
    """The join condition: `versions` is the version `lines` (a run of day `day_sql`) holds."""
    return f"""{versions}.slot_id between {lines}.first_slot_id
                          and {lines}.first_slot_id + {lines}.line_count - 1
 and {versions}.valid_from <= {day_sql}
 and ({versions}.valid_to is null or {versions}.valid_to > {day_sql})"""


def day_versions_sql(contract: ExportContract, day: str) -> str:
    """The versions the runs of `day` (YYYY-MM-DD) hold, each once, with every column."""
    day_sql = f"cast('{day}' as date)"
    return f"""
select versions.* from {versions_table(contract)} as versions
semi join (select * from {lines_table(contract)} where as_of_date = {day_sql}) as lines
  on {_holds_slot_on_day("lines", "versions", day_sql)}"""


def _export_table_ddl(contract: ExportContract) -> tuple[str, ...]:
    columns = ",\n    ".join(f"{name} {sql_type}" for name, sql_type in export_columns(contract))
    versions, lines = versions_table(contract), lines_table(contract)
    create_versions = f"""
create table if not exists {versions} (
    slot_id bigint not null,
    valid_from date not null,
    valid_to date,
    row_hash uuid,
    occurrence bigint,
    {columns}
)"""
    create_lines = f"""
create table if not exists {lines} (
    as_of_date date not null,
    first_line bigint not null,
    line_count bigint not null,
    first_slot_id bigint not null
)"""
    # Line first_line + k of the day holds slot first_slot_id + k, in the version of
    # that slot whose validity covers the day.
    values = ", ".join(f"versions.{name}" for name in stored_columns(contract))
    day_view = f"""
create or replace view {landing_table(contract)} as
select lines.as_of_date,
       lines.first_line + (versions.slot_id - lines.first_slot_id) as source_line,
       {values}
from {lines} as lines
join {versions} as versions
  on {_holds_slot_on_day("lines", "versions", "lines.as_of_date")}"""
    return (
        create_versions,
        # A warehouse created before a column existed gains it (both engines spell this alike).
        *(
            f"alter table {versions} add column if not exists {name} {sql_type}"
            for name, sql_type in export_columns(contract)
        ),
        create_lines,
        day_view,
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
    raw_responses varchar[],
    rows_sha256 varchar
)"""

# Columns added after the table's first release, for warehouses created before them.
_AUDIT_ADDED_COLUMNS = (
    # The connector that pulled the export (NULL: dropped as a file) and the SHA-256 of
    # every raw response it kept, "<sha256>  raw/<source>/<D>/<file>".
    ("pulled_from", "varchar"),
    ("raw_responses", "varchar[]"),
    # SHA-256 over the day's loaded rows (landing_history.day_hash_sql); NULL when absent.
    ("rows_sha256", "varchar"),
)


def landing_tables() -> tuple[str, ...]:
    """What dbt reads from the landing schema, qualified: the export day views first."""
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


def _legacy_day_tables(connection: duckdb.DuckDBPyConnection) -> list[ExportContract]:
    """Exports still stored the old way: a full copy of every day in a base table."""
    names = {
        name
        for (name,) in connection.execute(
            "select table_name from information_schema.tables "
            "where table_schema = ? and table_type = 'BASE TABLE'",
            [LANDING_SCHEMA],
        ).fetchall()
    }
    return [contract for contract in CONTRACTS if contract.landing_table in names]


def ensure_landing_schema(connection: duckdb.DuckDBPyConnection) -> None:
    """Creates what is missing; a warehouse holding full daily copies is converted to the
    history layout (each day's rows kept exactly, as the day hash then records)."""
    legacy = _legacy_day_tables(connection)
    for contract in legacy:
        connection.execute(
            f"alter table {landing_table(contract)} rename to {contract.landing_table}_legacy"
        )
    for statement in landing_ddl():
        connection.execute(statement)
    if legacy:
        # Imported here: the history module builds on this one's table names.
        from orchestration.ingestion.landing_history import convert_legacy_table

        for contract in legacy:
            convert_legacy_table(connection, contract, f"{landing_table(contract)}_legacy")
