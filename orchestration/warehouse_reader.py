"""The marts' engine behind one interface: DuckDB's connection, or PostgreSQL made to look like it.

Every reader of the marts (checks, verdict, evidence, reminders, the CLI) takes a
`MartsConnection`: `execute(sql, parameters)` returning a result with `fetchone()`,
`fetchall()`, `df()`, `to_arrow_table()` and `description`, plus `cursor()`. A DuckDB
connection is one as it is, so the embedded default runs exactly as before. On
PostgreSQL, `PostgresConnection` runs the same SQL (portable SQL, written with DuckDB's
`?` and `$name` placeholders) through psycopg2 and returns Arrow tables typed as DuckDB
types the same columns, so the evidence files are the same bytes on either engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from functools import cache
from types import ModuleType
from typing import Any, Protocol

import pandas as pd
import pyarrow as pa

from orchestration.settings import postgres_address, postgres_connection


class QueryResult(Protocol):
    description: Any

    def fetchone(self) -> tuple | None: ...

    def fetchall(self) -> list[tuple]: ...

    def df(self) -> pd.DataFrame: ...

    def to_arrow_table(self) -> pa.Table: ...


class MartsConnection(Protocol):
    def execute(self, sql: str, parameters: Any = None) -> QueryResult: ...

    def cursor(self) -> Any: ...


class PostgresUnavailableError(RuntimeError):
    """The server refused the connection or cannot be reached; the message names it."""


# PostgreSQL type OIDs (pg_type) and the Arrow type DuckDB gives the same column.
_ARROW_TYPES: dict[int, pa.DataType] = {
    16: pa.bool_(),
    20: pa.int64(),
    21: pa.int16(),
    23: pa.int32(),
    25: pa.string(),
    700: pa.float32(),
    701: pa.float64(),
    1042: pa.string(),
    1043: pa.string(),
    1082: pa.date32(),
    1114: pa.timestamp("us"),
    1184: pa.timestamp("us", tz="UTC"),
    # DuckDB rounds and divides in doubles; the marts hold no exact decimals.
    1700: pa.float64(),
    1009: pa.list_(pa.string()),
    1015: pa.list_(pa.string()),
}

# A quoted literal or identifier (copied as is), a placeholder, or a percent sign.
_SQL_TOKENS = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|\?|\$([A-Za-z_]\w*)|%""")


def to_psycopg2(sql: str) -> str:
    """DuckDB's `?` and `$name` placeholders as psycopg2's `%s` and `%(name)s`."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "?":
            return "%s"
        if match.group(1):
            return f"%({match.group(1)})s"
        # psycopg2 formats the whole statement, literals included: a percent sign doubles.
        return token.replace("%", "%%")

    return _SQL_TOKENS.sub(replace, sql)


class ArrowResult:
    """One query's rows as an Arrow table, read the ways DuckDB's results are."""

    def __init__(self, table: pa.Table) -> None:
        self._table = table
        self._rows: list[tuple] | None = None
        self._next = 0
        self.description = [(name,) for name in table.column_names]

    def _all_rows(self) -> list[tuple]:
        if self._rows is None:
            columns = [column.to_pylist() for column in self._table.columns]
            self._rows = list(zip(*columns, strict=True)) if columns else []
        return self._rows

    def fetchone(self) -> tuple | None:
        rows = self._all_rows()
        if self._next >= len(rows):
            return None
        self._next += 1
        return rows[self._next - 1]

    def fetchall(self) -> list[tuple]:
        rows = self._all_rows()[self._next :]
        self._next = len(self._all_rows())
        return rows

    def df(self) -> pd.DataFrame:
        # DuckDB's .df() gives dates as datetime64, not Python date objects.
        return self._table.to_pandas(date_as_object=False)

    def to_arrow_table(self) -> pa.Table:
        return self._table

    arrow = to_arrow_table


def _arrow_table(description: Sequence[Any], rows: list[tuple]) -> pa.Table:
    names = [column.name for column in description]
    arrays = [
        pa.array([row[index] for row in rows], type=_ARROW_TYPES.get(column.type_code))
        for index, column in enumerate(description)
    ]
    return pa.Table.from_arrays(arrays, names=names)


@cache
def _psycopg2() -> ModuleType:
    """The driver, imported on first use: the DuckDB default installs without it."""
    try:
        import psycopg2
        import psycopg2.extensions
    except ImportError:
        raise PostgresUnavailableError(
            "the postgres target needs the PostgreSQL driver: "
            "pip install -c constraints.txt -e '.[postgres]'"
        ) from None
    return psycopg2


@cache
def _numeric_as_float() -> Any:
    extensions = _psycopg2().extensions
    return extensions.new_type(
        extensions.DECIMAL.values,
        "NUMERIC_AS_FLOAT",
        lambda value, _cursor: float(value) if value is not None else None,
    )


class _Cursor:
    """DB-API style access (execute, then fetch) over one PostgresConnection."""

    def __init__(self, connection: PostgresConnection) -> None:
        self._connection = connection
        self._result: ArrowResult | None = None

    def execute(self, sql: str, parameters: Any = None) -> _Cursor:
        self._result = self._connection.execute(sql, parameters)
        return self

    def fetchone(self) -> tuple | None:
        return self._result.fetchone() if self._result else None

    def fetchall(self) -> list[tuple]:
        return self._result.fetchall() if self._result else []


class PostgresConnection:
    """A psycopg2 connection in autocommit: each statement commits on its own, as on
    DuckDB (the reminders log records an attempt before the message leaves)."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        raw.autocommit = True
        # numeric as float, as DuckDB's doubles (the Arrow conversion wants floats).
        _psycopg2().extensions.register_type(_numeric_as_float(), raw)

    def execute(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] | None = None):
        with self._raw.cursor() as cursor:
            cursor.execute(to_psycopg2(sql), parameters if parameters is not None else [])
            if cursor.description is None:
                return ArrowResult(pa.table({}))
            return ArrowResult(_arrow_table(cursor.description, cursor.fetchall()))

    def cursor(self) -> _Cursor:
        return _Cursor(self)


def connect_postgres(connection: Mapping[str, str] | None = None) -> Any:
    """A psycopg2 connection, or one line naming the server and user (never the password)."""
    parameters = dict(connection or postgres_connection())
    psycopg2 = _psycopg2()
    try:
        return psycopg2.connect(**parameters)
    except psycopg2.OperationalError as error:
        raise PostgresUnavailableError(
            f"PostgreSQL at {postgres_address(parameters)} refused user "
            f"{parameters.get('user', '')}: {_reason(error, parameters)}"
        ) from None


def _reason(error: Exception, parameters: Mapping[str, str]) -> str:
    """libpq's last line (e.g. `password authentication failed for user "x"`), shortened."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    reason = lines[-1] if lines else type(error).__name__
    reason = re.sub(r"^.*?failed:\s*", "", reason)
    reason = re.sub(r"^FATAL:\s*", "", reason)
    reason = re.sub(r' for user "[^"]*"$', "", reason)
    password = parameters.get("password")
    return reason.replace(password, "***") if password else reason


# pg_advisory_lock's key for dbt builds: their staging views and intermediate tables are
# the build's own date's, shared by every day, so two days' builds take turns on them.
DBT_BUILD_LOCK_KEY = 2_012_011_501


@contextmanager
def postgres_advisory_lock(key: int, connection: Mapping[str, str] | None = None) -> Iterator[None]:
    """Holds a session-level advisory lock while the block runs (waits for it first)."""
    with open_postgres(connection) as session:
        session.execute("select pg_advisory_lock(?)", [key])
        try:
            yield
        finally:
            session.execute("select pg_advisory_unlock(?)", [key])


@contextmanager
def open_postgres(connection: Mapping[str, str] | None = None) -> Iterator[PostgresConnection]:
    with closing(connect_postgres(connection)) as raw:
        yield PostgresConnection(raw)
