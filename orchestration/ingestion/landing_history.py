"""Landing history that stores each distinct record version once (docs/data-contract.md).

Per export two tables hold every day ever loaded:

- `<table>_versions`: one row per distinct record content (contract and derived
  columns), keyed by `version_id` and found again by `row_hash`, an MD5 of the
  row's canonical text. A record unchanged since an earlier day is not stored again.
- `<table>_lines`: per as-of date, runs of consecutive file lines that hold
  consecutive version ids: line `first_line + k` holds version `first_version_id + k`
  for k < line_count. New versions take ids in file order, so an unchanged file is one
  run and a day with n changed records about 2n + 1.

The view `landing.<table>` (landing_tables.py) joins the two back into the rows of
each day as loaded: as_of_date, source_line and the values. A load replaces only its
own day's runs, so reruns and out-of-order backfills never touch another day.

At load time `load_audit.rows_sha256` records a hash over the day's rows (source line
and the MD5 of each row's values, in line order); `verify_day` reconstitutes the day
from the view and compares.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from orchestration.ingestion.contract import CONTRACTS, ExportContract
from orchestration.ingestion.landing_tables import (
    AUDIT_TABLE,
    export_columns,
    landing_table,
    lines_table,
    stored_columns,
    versions_table,
)

# Separator and NULL marker of a row's canonical text: C0 controls the contract
# rejects in every value (file_facts.FORBIDDEN_CONTROLS), so the text is unambiguous.
_SEPARATOR = "chr(31)"
_NULL = "chr(30)"
# Lines hashed together before the chunk hashes are hashed in order: bounds the
# memory of the ordered aggregate while keeping the result independent of threads.
_LINES_PER_CHUNK = 65_536


def row_hash_sql(contract: ExportContract) -> str:
    """The version key of a row: MD5 of its values as canonical text, as a UUID."""
    values = ", ".join(
        f"coalesce(cast({name} as varchar), {_NULL})" for name in stored_columns(contract)
    )
    return f"cast(md5(concat_ws({_SEPARATOR}, {values})) as uuid)"


def day_hash_sql(rows_sql: str) -> str:
    """SHA-256 over (source_line, row_hash) of `rows_sql`'s rows in line order."""
    return f"""
with day_rows as ({rows_sql}),
chunks as (
    select source_line // {_LINES_PER_CHUNK} as chunk,
           sha256(string_agg(cast(source_line as varchar) || ':' || cast(row_hash as varchar),
                             chr(10) order by source_line)) as chunk_hash
    from day_rows
    group by chunk
)
select sha256(coalesce(string_agg(chunk_hash, chr(10) order by chunk), '')) from chunks
"""


def _day_rows_sql(contract: ExportContract) -> str:
    """The rows of one day (`$day`) reconstituted by the view, with their hash recomputed."""
    return (
        f"select source_line, {row_hash_sql(contract)} as row_hash "
        f"from {landing_table(contract)} where as_of_date = cast($day as date)"
    )


def store_day(connection: duckdb.DuckDBPyConnection, contract: ExportContract, day: date) -> None:
    """Replaces `day`'s runs with those of the temp table `day_rows` (source_line, the
    stored columns, row_hash), adding the versions not stored yet.

    Runs inside the caller's transaction. Versions are never changed or removed: a
    version another day's runs point at stays exactly as it was.
    """
    parameters = {"day": day.isoformat()}
    columns = ", ".join(stored_columns(contract))
    versions, lines = versions_table(contract), lines_table(contract)
    connection.execute(f"delete from {lines} where as_of_date = cast($day as date)", parameters)
    new_rows = f"select * from day_rows anti join {versions} using (row_hash)"
    if not contract.unique_keys:
        # Without a unique key two lines may hold the same values: one version for both.
        new_rows += " qualify row_number() over (partition by row_hash order by source_line) = 1"
    connection.execute(
        f"""
        insert into {versions} (version_id, row_hash, first_loaded_for, {columns})
        select (select coalesce(max(version_id), 0) from {versions})
                   + row_number() over (order by source_line),
               row_hash, cast($day as date), {columns}
        from ({new_rows}) as new_versions
        """,
        parameters,
    )
    connection.execute(
        f"""
        create or replace temp table day_map as
        select day_rows.source_line, versions.version_id
        from day_rows
        join {versions} as versions using (row_hash)
        """
    )
    # A run starts on a line whose previous line does not hold the previous version,
    # and ends likewise; runs are disjoint line intervals, so the k-th start and the
    # k-th end (in line order) delimit the k-th run.
    connection.execute(
        f"""
        insert into {lines} (as_of_date, first_line, line_count, first_version_id)
        with starts as (
            select line.source_line, line.version_id,
                   row_number() over (order by line.source_line) as run
            from day_map as line
            anti join day_map as previous
                on previous.source_line = line.source_line - 1
               and previous.version_id = line.version_id - 1
        ),
        ends as (
            select line.source_line, row_number() over (order by line.source_line) as run
            from day_map as line
            anti join day_map as following
                on following.source_line = line.source_line + 1
               and following.version_id = line.version_id + 1
        )
        select cast($day as date), starts.source_line,
               ends.source_line - starts.source_line + 1, starts.version_id
        from starts
        join ends using (run)
        """,
        parameters,
    )
    connection.execute("drop table day_map")


def convert_legacy_table(
    connection: duckdb.DuckDBPyConnection, contract: ExportContract, legacy_table: str
) -> None:
    """Moves every day of a full-copy table (as_of_date, source_line, values) into the
    history, records each day's hash where the audit lacks it, and drops the table."""
    for name, sql_type in export_columns(contract):
        connection.execute(f"alter table {legacy_table} add column if not exists {name} {sql_type}")
    days = [
        day
        for (day,) in connection.execute(
            f"select distinct as_of_date from {legacy_table} order by 1"
        ).fetchall()
    ]
    connection.execute("begin transaction")
    try:
        for day in days:
            connection.execute(
                f"""
                create or replace temp table day_rows as
                select source_line, {", ".join(stored_columns(contract))},
                       {row_hash_sql(contract)} as row_hash
                from {legacy_table}
                where as_of_date = ?
                """,
                [day],
            )
            store_day(connection, contract, day)
            connection.execute(
                f"update {AUDIT_TABLE} set rows_sha256 = ? "
                "where as_of_date = ? and source = ? and rows_sha256 is null",
                [day_rows_hash(connection), day, contract.source],
            )
        connection.execute(f"drop table {legacy_table}")
        connection.execute("drop table if exists day_rows")
        connection.execute("commit")
    except Exception:
        connection.execute("rollback")
        raise


def day_rows_hash(connection: duckdb.DuckDBPyConnection) -> str:
    """The day hash of the temp table `day_rows` (what load_audit.rows_sha256 records)."""
    rows_sql = "select source_line, row_hash from day_rows"
    return connection.execute(day_hash_sql(rows_sql)).fetchone()[0]


@dataclass(frozen=True)
class DayCheck:
    source: str
    as_of_date: date
    expected_sha256: str | None
    actual_sha256: str | None
    expected_rows: int
    actual_rows: int

    @property
    def ok(self) -> bool:
        return self.expected_sha256 == self.actual_sha256 and self.expected_rows == self.actual_rows

    def render(self) -> str:
        verdict = "OK     " if self.ok else "FAILED "
        detail = f"{self.actual_rows} rows, sha256 {self.actual_sha256}"
        if not self.ok:
            detail += f" (recorded at load: {self.expected_rows} rows, {self.expected_sha256})"
        return f"{verdict} {self.as_of_date.isoformat()} {self.source}: {detail}"


def verify_day(connection: duckdb.DuckDBPyConnection, day: date) -> list[DayCheck]:
    """Reconstitutes every export loaded for `day` and checks it against load_audit.

    Empty when nothing was loaded for the day. An export whose file was absent
    must reconstitute to no rows.
    """
    recorded = {
        source: (present, rows_sha256, loaded)
        for source, present, rows_sha256, loaded in connection.execute(
            f"select source, file_present, rows_sha256, loaded_row_count from {AUDIT_TABLE} "
            "where as_of_date = ?",
            [day],
        ).fetchall()
    }
    checks = []
    for contract in CONTRACTS:
        if contract.source not in recorded:
            continue
        present, expected, loaded = recorded[contract.source]
        parameters = {"day": day.isoformat()}
        rows_sql = _day_rows_sql(contract)
        actual_rows = connection.execute(
            f"select count(*) from ({rows_sql})", parameters
        ).fetchone()[0]
        actual = connection.execute(day_hash_sql(rows_sql), parameters).fetchone()[0]
        if not present:
            # No file, no rows: the hash of nothing stands for "nothing loaded".
            expected = actual if actual_rows == 0 else None
        checks.append(DayCheck(contract.source, day, expected, actual, loaded, actual_rows))
    return checks
