"""SQL computing a landing table's derived columns (normalised keys, TR39 skeletons).

The values are those of orchestration/policy/normalisation.py, computed the
cheap way where that is exact: for ASCII text NFKC changes nothing and there
is no format character (category Cf holds none below U+0080), so normalising
is collapsing whitespace runs, trimming and lower-casing, all in DuckDB. Only
values with a non-ASCII character reach Python, through vectorised Arrow UDFs
that compute each distinct value once per batch. An LMS export of 20 million
mostly-ASCII emails therefore never makes 20 million Python calls.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from duckdb.sqltypes import VARCHAR

from orchestration.ingestion.contract import Derivation, ExportContract
from orchestration.ingestion.validation_sql import quote_literal
from orchestration.policy.confusables import prototypes
from orchestration.policy.normalisation import normalise, skeleton

NORMALISE_FUNCTION = "compliance_normalise"
SKELETON_FUNCTION = "compliance_skeleton"

# Exactly the ASCII characters str.isspace() accepts (tab, newline, \x0b, \x0c,
# \r, \x1c-\x1f, space), so SQL and Python split on the same characters.
_ASCII_WHITESPACE = "".join(f"\\x{code:02x}" for code in range(128) if chr(code).isspace())
_ASCII_CONTROL_WHITESPACE = _ASCII_WHITESPACE.replace("\\x20", "")
# A whitespace run that is not already one space: one holding a control
# character, or two spaces or more. Single spaces, the usual case, never match,
# which spares the replacement a write per word.
_RUN_TO_COLLAPSE = (
    f"[{_ASCII_WHITESPACE}]*[{_ASCII_CONTROL_WHITESPACE}][{_ASCII_WHITESPACE}]*| {{2,}}"
)


def _is_ascii_sql(value_sql: str) -> str:
    # One byte per character exactly when every character is ASCII.
    return f"strlen({value_sql}) = length({value_sql})"


# Printable ASCII with single inner spaces only: all normalise() changes is case.
# One regex test finds the other values, most exports having none of them.
_ONLY_CASE_TO_CHANGE = "[^\\x20-\\x7e]|  |^ | $"


def normalise_sql(value_sql: str) -> str:
    """SQL giving normalise(value) for a varchar expression."""
    ascii_key = f"lower(trim(regexp_replace({value_sql}, '{_RUN_TO_COLLAPSE}', ' ', 'g')))"
    return (
        f"case when {value_sql} is null then null "
        f"when not regexp_matches({value_sql}, '{_ONLY_CASE_TO_CHANGE}') then lower({value_sql}) "
        f"when {_is_ascii_sql(value_sql)} then {ascii_key} "
        f"else {NORMALISE_FUNCTION}({value_sql}) end"
    )


def _ascii_skeleton_sql(value_sql: str) -> str:
    """skeleton() of an ASCII value: one translate() for the one-character prototypes,
    one replace() per longer one ("m" -> "rn")."""
    ascii_prototypes = {chr(code): target for code, target in prototypes().items() if code < 128}
    single = {source: target for source, target in ascii_prototypes.items() if len(target) == 1}
    sql = value_sql
    if single:
        sql = (
            f"translate({sql}, {quote_literal(''.join(single))}, "
            f"{quote_literal(''.join(single.values()))})"
        )
    # Prototypes never contain a confusable character themselves, so the order
    # of these steps cannot matter.
    for source, target in sorted(ascii_prototypes.items()):
        if len(target) != 1:
            sql = f"replace({sql}, {quote_literal(source)}, {quote_literal(target)})"
    return sql


def skeleton_sql(key_sql: str) -> str:
    """SQL giving skeleton(key) for a normalised varchar expression."""
    return (
        f"case when {key_sql} is null then null "
        f"when {_is_ascii_sql(key_sql)} then {_ascii_skeleton_sql(key_sql)} "
        f"else {SKELETON_FUNCTION}({key_sql}) end"
    )


def _per_distinct_value(function: Callable[[str], str | None]) -> Callable[[pa.Array], pa.Array]:
    """An Arrow UDF applying `function` once per distinct value of the batch."""

    def apply(values: pa.Array | pa.ChunkedArray) -> pa.Array:
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        encoded = pc.dictionary_encode(values.cast(pa.string()))
        mapped = pa.array(
            [function(value) for value in encoded.dictionary.to_pylist()], pa.string()
        )
        return mapped.take(encoded.indices)

    return apply


def register_functions(connection: duckdb.DuckDBPyConnection) -> None:
    """Makes the UDFs of normalise_sql and skeleton_sql callable on `connection`."""
    for name, function in ((NORMALISE_FUNCTION, normalise), (SKELETON_FUNCTION, skeleton)):
        try:
            connection.create_function(
                name,
                _per_distinct_value(function),
                [VARCHAR],
                VARCHAR,
                type="arrow",
                side_effects=False,
            )
        except duckdb.NotImplementedException as error:
            # Registered by an earlier load on this connection.
            if "already created" not in str(error):
                raise


def key_columns_sql(contract: ExportContract) -> list[str]:
    """`<key expression> as <name>` for each KEY column: the first of two select stages."""
    return [
        f"{normalise_sql(column.source)} as {column.name}"
        for column in contract.derived
        if column.derivation is Derivation.KEY
    ]


def derived_columns_sql(contract: ExportContract) -> list[str]:
    """Every derived column in contract order, over the first stage's output.

    Keys come from the first stage, so a skeleton reads its key instead of
    normalising the value a second time.
    """
    return [
        column.name
        if column.derivation is Derivation.KEY
        else f"{skeleton_sql(column.source)} as {column.name}"
        for column in contract.derived
    ]
