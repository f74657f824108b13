"""Landing history that stores each distinct record version once (docs/data-contract.md).

Per export two tables hold every day ever loaded:

- `<table>_versions`: one row per distinct value of a record over time. A record
  (its first unique key; for exceptions, its values) has a `slot_id`, given in file
  order when first seen, and each of its versions a validity interval
  [valid_from, valid_to) of as-of dates (valid_to NULL: still current). A record
  unchanged since the day before is not stored again. The exceptions file has no
  key, so there a record is its values, found again by `row_hash` (the MD5 of the
  values as canonical text) and `occurrence`; elsewhere row_hash stays NULL.
- `<table>_lines`: per as-of date, runs of consecutive file lines holding consecutive
  slots: line `first_line + k` holds slot `first_slot_id + k` for k < line_count. A
  file whose records keep their order is one run whatever changed in them; each
  record inserted or removed adds about one run.

The view `landing.<table>` (landing_tables.py) joins the two back into the rows of
each day as loaded: as_of_date, source_line and the values. A load changes only the
versions of records whose value on its day changed, and only its own day's runs, so
reruns and out-of-order backfills leave every other day's rows exactly as they were.

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


def _slot_match(contract: ExportContract, left: str, right: str) -> str:
    """SQL true when rows `left` and `right` are the same record (the same slot).

    A record is its first unique key (employee_id, record_id); an export without one
    (exceptions) is its values, the n-th line holding them being occurrence n.
    """
    if contract.unique_keys:
        key = contract.unique_keys[0].column
        return f"{left}.{key} = {right}.{key}"
    return f"{left}.row_hash = {right}.row_hash and {left}.occurrence = {right}.occurrence"


def _same_values(contract: ExportContract, left: str, right: str) -> str:
    """SQL true when rows `left` and `right` hold the same values (NULL equal to NULL)."""
    return " and ".join(
        f"{left}.{name} is not distinct from {right}.{name}" for name in stored_columns(contract)
    )


def _stored_row_hash(contract: ExportContract) -> str:
    """What a new version stores as row_hash: the key of a record without a unique key;
    NULL otherwise (the values themselves are compared, and NULL costs no space)."""
    return "cast(null as uuid)" if contract.unique_keys else "row_hash"


def _covers(alias: str, day_sql: str) -> str:
    return (
        f"{alias}.valid_from <= {day_sql} and "
        f"({alias}.valid_to is null or {alias}.valid_to > {day_sql})"
    )


def store_day(connection: duckdb.DuckDBPyConnection, contract: ExportContract, day: date) -> None:
    """Makes `day`'s stored rows those of the temp table `day_rows` (source_line, the
    stored columns, row_hash); runs inside the caller's transaction.

    A record keeps its slot (an id given in file order when first seen). Its versions
    hold disjoint validity intervals [valid_from, valid_to) whose ends are loaded days
    (valid_to NULL: still current); the version covering a day is the record's value on
    every loaded day the interval spans. Loading D touches only records whose value on
    D differs from the version covering D: that version gives up D (keeping the days
    before, and the loaded days after as a copy when there are both), and the new value
    covers D up to the next loaded day, joining an equal version that ends at D or
    starts there. Every other loaded day keeps exactly its rows, whatever the order in
    which days are loaded or reloaded.
    """
    versions, lines = versions_table(contract), lines_table(contract)
    columns = ", ".join(stored_columns(contract))
    parameters = {"day": day.isoformat()}
    day_sql = "cast($day as date)"
    connection.execute(f"delete from {lines} where as_of_date = {day_sql}", parameters)
    # The next loaded day after D: a new value covers D up to it.
    connection.execute(
        f"""
        create or replace temp table next_day as
        select min(as_of_date) as day from {AUDIT_TABLE}
        where source = $source and as_of_date > {day_sql}
        """,
        {**parameters, "source": contract.source},
    )
    occurrence = (
        "cast(null as bigint)"
        if contract.unique_keys
        else "row_number() over (partition by row_hash order by source_line)"
    )
    if connection.execute(f"select not exists (select 1 from {versions})").fetchone()[0]:
        _store_first_day(connection, contract, occurrence, parameters)
        connection.execute("drop table next_day")
        return
    connection.execute(
        f"""
        create or replace temp table day_slots as
        with day_records as (
            select *, {occurrence} as occurrence from day_rows
        )
        select day_records.*, covering.slot_id, covering.valid_from as covering_from,
               covering.valid_to as covering_to,
               covering.slot_id is not null
                   and {_same_values(contract, "covering", "day_records")} as unchanged
        from day_records
        left join {versions} as covering
            on {_slot_match(contract, "covering", "day_records")}
           and {_covers("covering", day_sql)}
        """,
        parameters,
    )
    # Records no version covers on D: their slot from any other day, else a new one.
    connection.execute(
        f"""
        update day_slots set slot_id = known.slot_id
        from (
            select distinct versions.slot_id, day_slots.source_line
            from day_slots
            join {versions} as versions on {_slot_match(contract, "versions", "day_slots")}
            where day_slots.slot_id is null
        ) as known
        where day_slots.source_line = known.source_line
        """
    )
    connection.execute(
        f"""
        update day_slots set slot_id = fresh.slot_id
        from (
            select source_line,
                   (select coalesce(max(slot_id), 0) from {versions})
                       + row_number() over (order by source_line) as slot_id
            from day_slots
            where slot_id is null
        ) as fresh
        where day_slots.source_line = fresh.source_line
        """
    )
    changed = "select * from day_slots where not unchanged"
    # The version a changed record had on D gives D up. Days after D it still covers
    # go to a copy starting at the next loaded day, unless D was its first day, in
    # which case it simply starts there.
    connection.execute(
        f"""
        insert into {versions}
        select versions.* replace ((select day from next_day) as valid_from)
        from {versions} as versions
        semi join ({changed}) as replaced
            on replaced.slot_id = versions.slot_id and replaced.covering_from = versions.valid_from
        where versions.valid_from < {day_sql}
          and (select day from next_day) is not null
          and (versions.valid_to is null or versions.valid_to > (select day from next_day))
        """,
        parameters,
    )
    connection.execute(
        f"""
        update {versions} as versions
        set valid_to = {day_sql}
        from ({changed}) as replaced
        where replaced.slot_id = versions.slot_id and replaced.covering_from = versions.valid_from
          and versions.valid_from < {day_sql}
        """,
        parameters,
    )
    connection.execute(
        f"""
        update {versions} as versions
        set valid_from = (select day from next_day)
        from ({changed}) as replaced
        where replaced.slot_id = versions.slot_id and versions.valid_from = {day_sql}
          and replaced.covering_from = {day_sql}
          and (select day from next_day) is not null
          and (versions.valid_to is null or versions.valid_to > (select day from next_day))
        """,
        parameters,
    )
    connection.execute(
        f"""
        delete from {versions} as versions
        using ({changed}) as replaced
        where replaced.slot_id = versions.slot_id and versions.valid_from = {day_sql}
          and replaced.covering_from = {day_sql}
        """,
        parameters,
    )
    # The new value: joins an equal version ending at D and/or one starting at the next
    # loaded day, else is stored as [D, next loaded day).
    connection.execute(
        f"""
        create or replace temp table joined as
        select changed.source_line, changed.slot_id,
               before.valid_from as before_from, after.valid_from as after_from,
               after.valid_to as after_to
        from ({changed}) as changed
        left join {versions} as before
            on before.slot_id = changed.slot_id and {_same_values(contract, "before", "changed")}
           and before.valid_to = {day_sql}
        left join {versions} as after
            on after.slot_id = changed.slot_id and {_same_values(contract, "after", "changed")}
           and after.valid_from = (select day from next_day)
        """,
        parameters,
    )
    connection.execute(
        f"""
        update {versions} as versions
        set valid_to = case when joined.after_from is null then (select day from next_day)
                            else joined.after_to end
        from joined
        where joined.before_from is not null
          and versions.slot_id = joined.slot_id and versions.valid_from = joined.before_from
        """
    )
    connection.execute(
        f"""
        delete from {versions} as versions
        using joined
        where joined.before_from is not null and joined.after_from is not null
          and versions.slot_id = joined.slot_id and versions.valid_from = joined.after_from
        """
    )
    connection.execute(
        f"""
        update {versions} as versions
        set valid_from = {day_sql}
        from joined
        where joined.before_from is null and joined.after_from is not null
          and versions.slot_id = joined.slot_id and versions.valid_from = joined.after_from
        """,
        parameters,
    )
    connection.execute(
        f"""
        insert into {versions} (slot_id, valid_from, valid_to, row_hash, occurrence, {columns})
        select slot_id, {day_sql}, (select day from next_day), {_stored_row_hash(contract)},
               occurrence, {columns}
        from ({changed}) as changed
        semi join joined
            on joined.source_line = changed.source_line
           and joined.before_from is null and joined.after_from is null
        """,
        parameters,
    )
    # A run starts on a line whose previous line does not hold the previous slot, and
    # ends likewise; runs are disjoint line intervals, so the k-th start and the k-th
    # end (in line order) delimit the k-th run.
    connection.execute(
        f"""
        insert into {lines} (as_of_date, first_line, line_count, first_slot_id)
        with day_map as (select source_line, slot_id from day_slots),
        starts as (
            select line.source_line, line.slot_id,
                   row_number() over (order by line.source_line) as run
            from day_map as line
            anti join day_map as previous
                on previous.source_line = line.source_line - 1
               and previous.slot_id = line.slot_id - 1
        ),
        ends as (
            select line.source_line, row_number() over (order by line.source_line) as run
            from day_map as line
            anti join day_map as following
                on following.source_line = line.source_line + 1
               and following.slot_id = line.slot_id + 1
        )
        select {day_sql}, starts.source_line,
               ends.source_line - starts.source_line + 1, starts.slot_id
        from starts
        join ends using (run)
        """,
        parameters,
    )
    for table in ("day_slots", "joined", "next_day"):
        connection.execute(f"drop table {table}")


def _store_first_day(
    connection: duckdb.DuckDBPyConnection,
    contract: ExportContract,
    occurrence: str,
    parameters: dict[str, str],
) -> None:
    """store_day for an export with no stored version yet: every record is new and its
    slot is its rank in file order, exactly what the general path gives, without
    matching every row against an empty history and rewriting it twice (at 1M people,
    20M rows: most of the first load)."""
    versions, lines = versions_table(contract), lines_table(contract)
    columns = ", ".join(stored_columns(contract))
    connection.execute(
        f"""
        insert into {versions} (slot_id, valid_from, valid_to, row_hash, occurrence, {columns})
        select row_number() over (order by source_line), cast($day as date),
               (select day from next_day), {_stored_row_hash(contract)}, {occurrence},
               {columns}
        from day_rows
        -- Stored in slot order, as later loads read and update it.
        order by source_line
        """,
        parameters,
    )
    # Slots follow the lines, so a run of consecutive lines is a run of consecutive
    # slots: the lines of one run share source_line minus their rank.
    connection.execute(
        f"""
        insert into {lines} (as_of_date, first_line, line_count, first_slot_id)
        with ranked as (
            select source_line, row_number() over (order by source_line) as slot_id
            from day_rows
        )
        select cast($day as date), min(source_line), count(*), min(slot_id)
        from ranked
        group by source_line - slot_id
        """,
        parameters,
    )


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


def copy_history_sql(
    contract: ExportContract, source_catalog: str, *, with_earlier_days: bool
) -> tuple[str, str]:
    """Statements copying the history of day `?` (and of the days before it when
    `with_earlier_days`) from the attached `source_catalog` into this database."""
    days = "<=" if with_earlier_days else "="
    versions, lines = versions_table(contract), lines_table(contract)
    valid = "valid_from <= $1"
    if not with_earlier_days:
        valid += " and (valid_to is null or valid_to > $1)"
    return (
        f"insert into {lines} select * from {source_catalog}.{lines} where as_of_date {days} $1",
        f"insert into {versions} select * from {source_catalog}.{versions} where {valid}",
    )


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


def reconstituted(
    connection: duckdb.DuckDBPyConnection, contract: ExportContract, day: date
) -> tuple[int, str]:
    """(rows, day hash) of the export's rows of `day` as the day view gives them back."""
    parameters = {"day": day.isoformat()}
    rows_sql = _day_rows_sql(contract)
    rows = connection.execute(f"select count(*) from ({rows_sql})", parameters).fetchone()[0]
    return rows, connection.execute(day_hash_sql(rows_sql), parameters).fetchone()[0]


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
        actual_rows, actual = reconstituted(connection, contract, day)
        if not present:
            # No file, no rows: the hash of nothing stands for "nothing loaded".
            expected = actual if actual_rows == 0 else None
        checks.append(DayCheck(contract.source, day, expected, actual, loaded, actual_rows))
    return checks


def loaded_days(connection: duckdb.DuckDBPyConnection) -> list[date]:
    """Every as-of date the load audit holds, oldest first."""
    return [
        day
        for (day,) in connection.execute(
            f"select distinct as_of_date from {AUDIT_TABLE} order by 1"
        ).fetchall()
    ]
