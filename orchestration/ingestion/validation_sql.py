"""SQL that types an export's rows and finds every row that breaks its contract.

Input is the temp view `incoming`: record_number, source_line and one text column
per contract column, already trimmed with empty strings read as missing (see
`cleaned_columns_sql`); enums are compared lower-cased. These are the only
normalisations: anything else that does not parse is rejected with its reason,
never guessed. Every column rule is checked in one pass over the rows.
"""

from __future__ import annotations

from orchestration.ingestion.contract import Column, ExportContract, Kind
from orchestration.ingestion.file_facts import FORBIDDEN_CONTROLS

_DATE_PATTERN = r"\d{4}-\d{2}-\d{2}"
_TIMESTAMP_PATTERN = (
    r"\d{4}-\d{2}-\d{2}([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?"
    r"(Z|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)?)?"
)


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _calendar_date_sql(value_sql: str) -> str:
    """The date of a value already shaped YYYY-MM-DD; NULL when no such day exists."""
    return f"try_cast({value_sql} as date)"


def _typed_sql(column: Column, value_sql: str) -> str:
    match column.kind:
        case Kind.DATE:
            return _calendar_date_sql(value_sql)
        case Kind.ENUM:
            return f"lower({value_sql})"
        case Kind.SCORE:
            return f"try_cast({value_sql} as double)"
        case Kind.TEXT | Kind.DATE_OR_TIMESTAMP:
            return value_sql


# A row the CSV reader could not split, or whose bytes cannot be data.
STRUCTURE_RULE = "structure"
_CONTROL_CHARACTER = "[" + "".join(f"\\x{code:02x}" for code in sorted(FORBIDDEN_CONTROLS)) + "]"

# The rule families of load_rejects.rule; the GX contract suites expect none of each.
KIND_RULES = {
    Kind.DATE: "date",
    Kind.DATE_OR_TIMESTAMP: "date",
    Kind.ENUM: "enumeration",
    Kind.SCORE: "number",
}


def _kind_violation(column: Column, value_sql: str) -> tuple[str, str] | None:
    """(SQL true when the present value is invalid, the reason) or None.

    The reason never quotes the value: rejects leave the warehouse in the evidence,
    and the value may be personal data (it stays in load_rejects.value only).
    """
    match column.kind:
        case Kind.DATE:
            return (
                f"not (regexp_full_match({value_sql}, '{_DATE_PATTERN}') "
                f"and {_calendar_date_sql(value_sql)} is not null)",
                "not a valid date (expected YYYY-MM-DD)",
            )
        case Kind.DATE_OR_TIMESTAMP:
            # The pattern fixes the first ten characters as YYYY-MM-DD.
            return (
                f"not (regexp_full_match({value_sql}, '{_TIMESTAMP_PATTERN}') "
                f"and {_calendar_date_sql(f'left({value_sql}, 10)')} is not null)",
                "not a valid date or ISO-8601 timestamp",
            )
        case Kind.ENUM:
            allowed = ", ".join(quote_literal(value) for value in column.allowed)
            return (
                f"lower({value_sql}) not in ({allowed})",
                f"unknown value (allowed: {', '.join(column.allowed)})",
            )
        case Kind.SCORE:
            number = f"try_cast({value_sql} as double)"
            return (
                f"{number} is null or {number} < 0 or {number} > 100",
                "score is not a number from 0 to 100",
            )
        case Kind.TEXT:
            return None


def cleaned_columns_sql(contract: ExportContract, file_names_by_column: dict[str, str]) -> str:
    """The select list reading the file's columns under their contract names, cleaned once.

    Columns the contract does not know stay out (they are reported as drift);
    optional columns the file lacks read as NULL.
    """
    selected = []
    for column in contract.columns:
        file_name = file_names_by_column.get(column.name)
        value_sql = "null" if file_name is None else f"trim({quote_identifier(file_name)})"
        selected.append(f"cast(nullif({value_sql}, '') as varchar) as {column.name}")
    return ", ".join(selected)


def typed_rows_sql(contract: ExportContract) -> str:
    """Every incoming record with contract-typed columns."""
    selected = ["record_number", "source_line"]
    for column in contract.columns:
        selected.append(f"{_typed_sql(column, column.name)} as {column.name}")
    return "select " + ",\n       ".join(selected) + "\nfrom incoming"


def _broken_rule(column: str, rule: str, reason_sql: str, value_sql: str) -> str:
    return (
        f"struct_pack(column_name := {quote_literal(column)}, rule := {quote_literal(rule)}, "
        f"reason := {reason_sql}, value := cast({value_sql} as varchar))"
    )


def _control_character_check(column: Column) -> tuple[str, str]:
    control = f"regexp_extract({column.name}, '{_CONTROL_CHARACTER}')"
    return (
        f"regexp_matches({column.name}, '{_CONTROL_CHARACTER}')",
        _broken_rule(
            column.name,
            STRUCTURE_RULE,
            f"'control character ' || printf('U+%04X', unicode({control})) || "
            "' in the value (only tab, CR and LF may appear, inside quotes)'",
            column.name,
        ),
    )


def column_rejects_sql(contract: ExportContract, *, control_characters: bool = True) -> str:
    """(record_number, source_line, column_name, rule, reason, value) per broken rule.

    One scan: rows breaking no rule are filtered out first, then each broken
    rule of a row becomes one reject. `control_characters=False` leaves out the
    control-character checks, for a file whose bytes hold none (FileFacts).
    """
    checks: list[tuple[str, str]] = []
    for column in contract.columns:
        if control_characters:
            checks.append(_control_character_check(column))
        if column.required:
            checks.append(
                (
                    f"{column.name} is null",
                    _broken_rule(column.name, "required", "'missing required value'", "null"),
                )
            )
        violation = _kind_violation(column, column.name)
        if violation is not None:
            condition, reason = violation
            checks.append(
                (
                    f"{column.name} is not null and ({condition})",
                    _broken_rule(
                        column.name, KIND_RULES[column.kind], quote_literal(reason), column.name
                    ),
                )
            )
    broken_list = ",\n        ".join(f"case when {when} then {rule} end" for when, rule in checks)
    any_broken = "\n    or ".join(f"({when})" for when, _ in checks)
    row_rule_parts = [
        f"select record_number, source_line, {quote_literal(rule.column)}, 'row_rule', "
        f"{quote_literal(rule.reason)}, null from typed where {rule.violated_sql}"
        for rule in contract.row_rules
    ]
    column_part = f"""
select record_number, source_line, broken.column_name, broken.rule, broken.reason, broken.value
from (
    select record_number, source_line, unnest(list_filter([
        {broken_list}
    ], lambda broken_rule: broken_rule is not null)) as broken
    from incoming
    where {any_broken}
)"""
    return "\nunion all\n".join([column_part, *row_rule_parts])


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
        else {quote_literal("conflicting duplicate " + key.column + " on lines ")}
            || key_groups.all_lines
    end,
    repeated_rows.key_value
from repeated_rows
join key_groups using (key_value)
where not (key_groups.distinct_contents = 1 and repeated_rows.source_line = key_groups.first_line)
"""
        )
    return queries
