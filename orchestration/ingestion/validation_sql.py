"""SQL that types an export's rows and finds every row that breaks its contract.

Input is the temp table `incoming` (record_number, source_line and the file's own
columns, all text). Values are trimmed and empty strings read as missing; enums
are compared lower-cased. These are the only normalisations: anything else that
does not parse is rejected with its reason, never guessed.
"""

from __future__ import annotations

from orchestration.ingestion.contract import Column, ExportContract, Kind

_DATE_PATTERN = r"\d{4}-\d{2}-\d{2}"
_TIMESTAMP_PATTERN = (
    r"\d{4}-\d{2}-\d{2}([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?"
    r"(Z|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)?)?"
)


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _valid_date_sql(value_sql: str) -> str:
    return (
        f"(regexp_full_match({value_sql}, '{_DATE_PATTERN}') "
        f"and try_strptime({value_sql}, '%Y-%m-%d') is not null)"
    )


def _typed_sql(column: Column, value_sql: str) -> str:
    match column.kind:
        case Kind.DATE:
            return f"cast(try_strptime({value_sql}, '%Y-%m-%d') as date)"
        case Kind.ENUM:
            return f"lower({value_sql})"
        case Kind.SCORE:
            return f"try_cast({value_sql} as double)"
        case Kind.TEXT | Kind.DATE_OR_TIMESTAMP:
            return value_sql


# The rule families of load_rejects.rule; the GX contract suites expect none of each.
KIND_RULES = {
    Kind.DATE: "date",
    Kind.DATE_OR_TIMESTAMP: "date",
    Kind.ENUM: "enumeration",
    Kind.SCORE: "number",
}


def _kind_violation(column: Column, value_sql: str) -> tuple[str, str] | None:
    """(SQL true when the present value is invalid, SQL for the reason) or None."""
    shown = f"'''' || {value_sql} || ''''"
    match column.kind:
        case Kind.DATE:
            return (
                f"not {_valid_date_sql(value_sql)}",
                f"'not a valid date ' || {shown} || ' (expected YYYY-MM-DD)'",
            )
        case Kind.DATE_OR_TIMESTAMP:
            return (
                f"not (regexp_full_match({value_sql}, '{_TIMESTAMP_PATTERN}') "
                f"and {_valid_date_sql(f'left({value_sql}, 10)')})",
                f"'not a valid date or ISO-8601 timestamp ' || {shown}",
            )
        case Kind.ENUM:
            allowed = ", ".join(quote_literal(value) for value in column.allowed)
            return (
                f"lower({value_sql}) not in ({allowed})",
                f"'unknown value ' || {shown} || "
                f"{quote_literal(' (allowed: ' + ', '.join(column.allowed) + ')')}",
            )
        case Kind.SCORE:
            number = f"try_cast({value_sql} as double)"
            return (
                f"{number} is null or {number} < 0 or {number} > 100",
                f"'score ' || {shown} || ' is not a number from 0 to 100'",
            )
        case Kind.TEXT:
            return None


def typed_rows_sql(contract: ExportContract, file_names_by_column: dict[str, str]) -> str:
    """Every incoming record with contract-typed columns (NULL for absent optional ones)."""
    selected = ["record_number", "source_line"]
    for column in contract.columns:
        file_name = file_names_by_column.get(column.name)
        if file_name is None:
            selected.append(f"null as {column.name}")
            continue
        value_sql = f"nullif(trim({quote_identifier(file_name)}), '')"
        selected.append(f"{_typed_sql(column, value_sql)} as {column.name}")
    return "select " + ",\n       ".join(selected) + "\nfrom incoming"


def column_rejects_sql(contract: ExportContract, file_names_by_column: dict[str, str]) -> str:
    """(record_number, source_line, column_name, rule, reason, value) per broken rule."""
    parts: list[str] = []
    for column in contract.columns:
        file_name = file_names_by_column.get(column.name)
        if file_name is None:
            continue
        value_sql = f"nullif(trim({quote_identifier(file_name)}), '')"
        name = quote_literal(column.name)
        if column.required:
            parts.append(
                f"select record_number, source_line, {name}, 'required', "
                f"'missing required value', null from incoming where {value_sql} is null"
            )
        violation = _kind_violation(column, value_sql)
        if violation is not None:
            condition, reason = violation
            parts.append(
                f"select record_number, source_line, {name}, '{KIND_RULES[column.kind]}', "
                f"{reason}, {value_sql} "
                f"from incoming where {value_sql} is not null and ({condition})"
            )
    for rule in contract.row_rules:
        parts.append(
            f"select record_number, source_line, {quote_literal(rule.column)}, 'row_rule', "
            f"{quote_literal(rule.reason)}, null from typed where {rule.violated_sql}"
        )
    return "\nunion all\n".join(parts)


def duplicate_rejects_sql(contract: ExportContract) -> list[str]:
    """One query per unique key: identical repeats keep their first line, conflicts reject all."""
    content = "md5(cast(row(" + ", ".join(contract.column_names) + ") as varchar))"
    queries: list[str] = []
    for key in contract.unique_keys:
        queries.append(
            f"""
with keyed as (
    select record_number, source_line, {key.compare_sql} as key_value
    from typed
    where {key.compare_sql} is not null
),
repeated_keys as (
    select key_value from keyed group by key_value having count(*) > 1
),
repeated_rows as (
    select keyed.record_number, keyed.source_line, keyed.key_value, {content} as content
    from keyed
    join repeated_keys using (key_value)
    join typed using (record_number)
),
key_groups as (
    select
        key_value,
        count(distinct content) as distinct_contents,
        min(source_line) as first_line,
        string_agg(cast(source_line as varchar), ', ' order by source_line) as all_lines
    from repeated_rows
    group by key_value
)
select
    repeated_rows.record_number,
    repeated_rows.source_line,
    {quote_literal(key.column)},
    'duplicate_key',
    case
        when key_groups.distinct_contents = 1
            then 'identical duplicate of line ' || key_groups.first_line
        else {quote_literal("conflicting duplicate " + key.column + " ")}
            || '''' || repeated_rows.key_value || ''' on lines ' || key_groups.all_lines
    end,
    repeated_rows.key_value
from repeated_rows
join key_groups using (key_value)
where not (key_groups.distinct_contents = 1 and repeated_rows.source_line = key_groups.first_line)
"""
        )
    return queries
