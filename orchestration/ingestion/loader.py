"""Loads one day's export into the landing schema, rejecting rows that break the contract."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from orchestration.ingestion.contract import ExportContract
from orchestration.ingestion.derived_columns import (
    derived_columns_sql,
    key_columns_sql,
    register_functions,
)
from orchestration.ingestion.errors import ExportError, MissingExportError
from orchestration.ingestion.file_facts import FileFacts, inspect_file
from orchestration.ingestion.header import HeaderCheck, check_header
from orchestration.ingestion.landing_history import (
    day_rows_hash,
    reconstituted,
    row_hash_sql,
    store_day,
)
from orchestration.ingestion.landing_tables import (
    AUDIT_TABLE,
    REJECTS_TABLE,
    ensure_landing_schema,
    stored_columns,
)
from orchestration.ingestion.record_lines import (
    MAX_RECORD_BYTES,
    one_record_per_line,
    record_start_lines,
)
from orchestration.ingestion.validation_sql import (
    STRUCTURE_RULE,
    cleaned_columns_sql,
    column_rejects_sql,
    duplicate_rejects_sql,
    quote_literal,
    typed_rows_sql,
)

REJECT_SAMPLE_SIZE = 20


@dataclass(frozen=True)
class Reject:
    line: int | None
    column: str | None
    reason: str


@dataclass(frozen=True)
class LoadReport:
    source: str
    as_of_date: date
    path: Path
    file_present: bool
    sha256: str | None = None
    size_bytes: int | None = None
    record_count: int = 0
    loaded_row_count: int = 0
    rejected_row_count: int = 0
    file_columns: tuple[str, ...] = ()
    extra_columns: tuple[str, ...] = ()
    missing_optional_columns: tuple[str, ...] = ()
    loaded_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    reject_sample: tuple[Reject, ...] = ()
    # SHA-256 over the loaded rows (landing_history.day_hash_sql); None when absent.
    rows_sha256: str | None = None


def _read_incoming(
    connection: duckdb.DuckDBPyConnection,
    contract: ExportContract,
    facts: FileFacts,
    header: HeaderCheck,
    token: str,
) -> None:
    """Creates the view `incoming` and the table `structural_rejects`, reading the file once."""
    columns = ", ".join(f"{quote_literal(name)}: 'VARCHAR'" for name in header.file_columns)
    try:
        # Insertion order is kept, so rowid + 1 is a kept record's position in the file.
        connection.execute(
            f"""
            create or replace temp table incoming_raw as
            select {cleaned_columns_sql(contract, header.file_names_by_column)}
            from read_csv(
                {quote_literal(str(facts.path))},
                header = true, auto_detect = false, columns = {{{columns}}},
                delim = ',', quote = '"', escape = '"', strict_mode = true,
                max_line_size = {MAX_RECORD_BYTES},
                store_rejects = true, rejects_table = 'csv_errors_{token}',
                rejects_scan = 'csv_scans_{token}'
            )
            """
        )
    except duckdb.Error as error:
        # The reader gave up on the file as a whole (e.g. mixed line endings).
        first_line = str(error).strip().splitlines()[0]
        raise ExportError(facts.path, f"could not be read as CSV: {first_line}") from error
    # DuckDB numbers a rejected record by its position among records, header first.
    connection.execute(
        f"""
        create or replace temp table structural_errors as
        select line - 1 as record_number,
               first(column_name order by column_idx) as column_name,
               string_agg(distinct lower(error_type) || ': ' || error_message, '; ') as reason
        from csv_errors_{token}
        group by line
        """
    )
    connection.execute(f"drop table if exists csv_errors_{token}")
    connection.execute(f"drop table if exists csv_scans_{token}")

    kept = connection.execute("select count(*) from incoming_raw").fetchone()[0]
    broken = connection.execute("select count(*) from structural_errors").fetchone()[0]
    record_count = kept + broken
    one_per_line = one_record_per_line(facts.physical_lines, record_count)

    if one_per_line:
        line_of = "record_number + 1"
        line_join = ""
    else:
        connection.execute(
            "create or replace temp table record_lines (record_number bigint, source_line bigint)"
        )
        connection.executemany(
            "insert into record_lines values (?, ?)", list(record_start_lines(facts.path))
        )
        line_of = "record_lines.source_line"
        line_join = "left join record_lines using (record_number)"

    if not broken and one_per_line:
        # The usual file: numbering is positional, no copy needed.
        numbered = (
            "select rowid + 1 as record_number, rowid + 2 as source_line, * from incoming_raw"
        )
    else:
        # The k-th readable record is the k-th record number not taken by a broken one.
        connection.execute(
            f"""
            create or replace temp table incoming_numbered as
            with record_numbers as (
                select record_number, row_number() over (order by record_number) as ordinal
                from (select range + 1 as record_number from range({record_count}))
                anti join structural_errors using (record_number)
            ),
            kept as (select rowid + 1 as ordinal, * from incoming_raw)
            select record_numbers.record_number, {line_of} as source_line,
                   kept.* exclude (ordinal)
            from kept
            join record_numbers using (ordinal)
            {line_join}
            """
        )
        numbered = "select * from incoming_numbered"
    connection.execute(f"create or replace temp view incoming as {numbered}")
    connection.execute(
        f"""
        create or replace temp table structural_rejects as
        select record_number, {line_of} as source_line, column_name,
               {quote_literal(STRUCTURE_RULE)} as rule, reason, null as value
        from structural_errors
        {line_join}
        """
    )
    connection.execute("drop table structural_errors")


def _find_rejects(
    connection: duckdb.DuckDBPyConnection, contract: ExportContract, facts: FileFacts
) -> None:
    connection.execute(f"create or replace temp view typed as {typed_rows_sql(contract)}")
    queries = [
        "select * from structural_rejects",
        column_rejects_sql(contract, control_characters=facts.has_control_characters),
        *duplicate_rejects_sql(contract),
    ]
    union = "\nunion all\n".join(f"({query})" for query in queries if query.strip())
    connection.execute(
        "create or replace temp table rejects as "
        "select record_number, source_line, #3 as column_name, #4 as rule, #5 as reason, "
        f"cast(#6 as varchar) as value from ({union})"
    )


def _stage_day_rows(connection: duckdb.DuckDBPyConnection, contract: ExportContract) -> str:
    """Creates the temp table `day_rows` (the rows that passed, as stored) and returns
    their day hash."""
    columns = ", ".join(contract.column_names)
    stored = ", ".join((*contract.column_names, *derived_columns_sql(contract)))
    connection.execute(
        f"""
        create or replace temp table day_rows as
        with keyed as (
            select source_line, {", ".join((columns, *key_columns_sql(contract)))}
            from typed
            anti join rejects using (record_number)
        ),
        stored as (
            select source_line, {stored}
            from keyed
        )
        select *, {row_hash_sql(contract)} as row_hash from stored
        """
    )
    return day_rows_hash(connection)


def _replace_day(
    connection: duckdb.DuckDBPyConnection, contract: ExportContract, report: LoadReport
) -> None:
    """Swaps this day's landing rows, rejects and audit row in one transaction."""
    day = {"day": report.as_of_date.isoformat(), "source": contract.source}
    connection.execute("begin transaction")
    try:
        # A rerun, or a day loaded before a later one: the history of other days is
        # rearranged around it, so the day is checked before the load commits.
        (rearranged,) = connection.execute(
            f"select count(*) > 0 from {AUDIT_TABLE} where as_of_date >= $day and source = $source",
            day,
        ).fetchone()
        connection.execute(
            f"delete from {REJECTS_TABLE} where as_of_date = $day and source = $source", day
        )
        connection.execute(
            f"delete from {AUDIT_TABLE} where as_of_date = $day and source = $source", day
        )
        if not report.file_present:
            connection.execute(
                f"create or replace temp table day_rows as select 0::bigint as source_line, "
                f"{', '.join(f'null::varchar as {name}' for name in stored_columns(contract))}, "
                "null::uuid as row_hash limit 0"
            )
        store_day(connection, contract, report.as_of_date)
        if rearranged and report.file_present:
            rows, rows_sha256 = reconstituted(connection, contract, report.as_of_date)
            if (rows, rows_sha256) != (report.loaded_row_count, report.rows_sha256):
                raise ExportError(
                    report.path,
                    f"the landing history would not give back the rows loaded for "
                    f"{report.as_of_date.isoformat()} ({rows} rows, sha256 {rows_sha256}; "
                    f"loaded {report.loaded_row_count}, sha256 {report.rows_sha256}); "
                    "nothing was changed",
                )
        if report.file_present:
            connection.execute(
                f"""
                insert into {REJECTS_TABLE}
                select cast($day as date), $source, $file, source_line, column_name, rule,
                       reason, value
                from rejects
                order by source_line, column_name
                """,
                {**day, "file": str(report.path)},
            )
        connection.execute(
            f"insert into {AUDIT_TABLE} (as_of_date, source, source_file, file_present, sha256, "
            "size_bytes, record_count, loaded_row_count, rejected_row_count, file_columns, "
            "extra_columns, missing_optional_columns, loaded_at, rows_sha256) "
            "values (cast($day as date), $source, $file, $present, "
            "$sha256, $size, $records, $loaded, $rejected, $file_columns, $extra, $missing, "
            "$loaded_at, $rows_sha256)",
            {
                **day,
                "file": str(report.path),
                "present": report.file_present,
                "sha256": report.sha256,
                "size": report.size_bytes,
                "records": report.record_count,
                "loaded": report.loaded_row_count,
                "rejected": report.rejected_row_count,
                "file_columns": list(report.file_columns),
                "extra": list(report.extra_columns),
                "missing": list(report.missing_optional_columns),
                "loaded_at": report.loaded_at.replace(tzinfo=None),
                "rows_sha256": report.rows_sha256,
            },
        )
        connection.execute("commit")
    except Exception:
        connection.execute("rollback")
        raise


def _drop_temporaries(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute("drop view if exists typed")
    connection.execute("drop view if exists incoming")
    for table in (
        "incoming_raw",
        "incoming_numbered",
        "structural_rejects",
        "rejects",
        "record_lines",
        "day_rows",
    ):
        connection.execute(f"drop table if exists {table}")


def load_export(
    connection: duckdb.DuckDBPyConnection,
    contract: ExportContract,
    landing_dir: Path,
    as_of_date: date,
) -> LoadReport:
    """Loads `contract`'s export for `as_of_date`; raises ExportError if it cannot be read."""
    ensure_landing_schema(connection)
    register_functions(connection)
    path = contract.path_for(landing_dir, as_of_date)
    if not path.is_file():
        if not contract.optional_file:
            raise MissingExportError(path, contract.description)
        report = LoadReport(contract.source, as_of_date, path, file_present=False)
        try:
            _replace_day(connection, contract, report)
        finally:
            _drop_temporaries(connection)
        return report

    facts = inspect_file(path)
    if facts.size_bytes == 0:
        raise ExportError(path, "file is empty (0 bytes): expected at least a header row")
    header = check_header(path, contract)
    token = uuid.uuid4().hex[:12]
    try:
        _read_incoming(connection, contract, facts, header, token)
        # From here source_line carries the order; unordered writes use both cores.
        connection.execute("set preserve_insertion_order = false")
        _find_rejects(connection, contract, facts)
        record_count, rejected = connection.execute(
            "select (select count(*) from incoming) + (select count(*) from structural_rejects), "
            "(select count(distinct record_number) from rejects)"
        ).fetchone()
        sample = connection.execute(
            f"select source_line, column_name, reason from rejects "
            f"order by source_line, column_name limit {REJECT_SAMPLE_SIZE}"
        ).fetchall()
        report = LoadReport(
            source=contract.source,
            as_of_date=as_of_date,
            path=path,
            file_present=True,
            sha256=facts.sha256,
            size_bytes=facts.size_bytes,
            record_count=record_count,
            loaded_row_count=record_count - rejected,
            rejected_row_count=rejected,
            file_columns=header.file_columns,
            extra_columns=header.extra_columns,
            missing_optional_columns=header.missing_optional_columns,
            reject_sample=tuple(Reject(line, column, reason) for line, column, reason in sample),
            rows_sha256=_stage_day_rows(connection, contract),
        )
        _replace_day(connection, contract, report)
        return report
    finally:
        connection.execute("reset preserve_insertion_order")
        _drop_temporaries(connection)
