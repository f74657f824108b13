"""Runs the floor of the benchmark: plain_rules.sql on one day's CSV exports.

    python -m benchmarks.plain_sql --landing DIR --date D --database FILE --policy FILE

Deliberately imports nothing of the pipeline (no Dagster, dbt or GX): it is the
cost of the rules alone. The policy in force is turned into SQL here: the scope
rules (globs over job_family, job_title, job_code and department, first match
wins), the overrides in force on D, the employment types, the qualifying courses
with their own validity, the rolling or annual cycle and the day counts. The
result is still one statement. Prints the day's coverage as one JSON line.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from datetime import date
from functools import cache
from pathlib import Path
from string import Template
from typing import Any

import duckdb
import yaml

SQL_FILE = Path(__file__).with_name("plain_rules.sql")
NORMALISE_FUNCTION = "floor_normalise"
SCOPE_FIELDS = ("job_family", "job_title", "job_code", "department")
EXCEPTIONS_HEADER = "employee_id,reason,approved_by,approved_on,expires_on"


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _date(value: object) -> str:
    return f"date {_literal(value)}"


@cache
def _format_characters() -> dict[int, None]:
    return {
        code: None for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cf"
    }


def normalise(value: str | None) -> str | None:
    """§2.1: NFKC, format characters removed, whitespace runs as one space, lower-cased."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", value).translate(_format_characters())
    return " ".join(text.split()).lower()


def normalised_sql(column: str) -> str:
    """§2.1 in SQL: printable ASCII with single inner spaces only needs lower(); anything
    else (rare) goes to the Python function, so a 20M-row export makes few Python calls."""
    return (
        f"case when {column} is null then null "
        f"when not regexp_matches({column}, '[^\\x20-\\x7e]|  |^ | $') then lower({column}) "
        f"else {NORMALISE_FUNCTION}({column}) end"
    )


def glob_to_like(pattern: str) -> str:
    """A policy glob (after normalisation) as a LIKE pattern over the whole value."""
    parts = []
    for token in re.split(r"([*?])", normalise(pattern) or ""):
        if token == "*":
            parts.append("%")
        elif token == "?":
            parts.append("_")
        else:
            parts.append(re.sub(r"([%_\\])", r"\\\1", token))
    return "".join(parts)


def _rule_condition(match: dict[str, list[str]], present: set[str]) -> str:
    conditions = []
    for field, patterns in match.items():
        if field not in present:
            return "false"  # a rule on a column the export lacks matches nobody
        alternatives = " or ".join(
            f"{field}_key like {_literal(glob_to_like(pattern))} escape '\\'"
            for pattern in patterns
        )
        conditions.append(f"coalesce({alternatives}, false)")
    return " and ".join(conditions) or "true"


def rule_decision_sql(rules: list[dict[str, Any]], present: set[str]) -> str:
    """The decision of the first rule that matches, else NULL."""
    branches = [
        f"when {_rule_condition(rule.get('match') or {}, present)} "
        f"then {_literal(rule['decision'])}"
        for rule in rules
    ]
    return f"(case {' '.join(branches)} end)" if branches else "cast(null as varchar)"


def override_decision_sql(overrides: list[dict[str, Any]], as_of: date) -> str:
    in_force = [
        override
        for override in overrides
        if date.fromisoformat(str(override["approved_on"])) <= as_of
        and (
            override.get("expires_on") is None
            or as_of <= date.fromisoformat(str(override["expires_on"]))
        )
    ]
    branches = [
        f"when {_literal(str(override['employee_id']).strip())} "
        f"then {_literal(override['decision'])}"
        for override in in_force
    ]
    return f"(case employee_id {' '.join(branches)} end)" if branches else "cast(null as varchar)"


def covered_until_sql(training: dict[str, Any]) -> str:
    """§3.3: the last day one qualifying completion covers, by the policy's cycle."""
    cycle = training["cycle"]
    if cycle["mode"] == "annual":
        month, day = (int(part) for part in str(cycle["starts"]).split("-"))
        year = "year(completed_on)"
        starts_later = (
            f"(month(completed_on) < {month} "
            f"or (month(completed_on) = {month} and day(completed_on) < {day}))"
        )
        start_year = f"({year} - case when {starts_later} then 1 else 0 end)"
        return f"(make_date({start_year} + 2, {month}, {day}) - 1)"
    default = int(cycle["validity_days"])
    own = [
        f"when {_literal(course['course_id'])} then {int(course['validity_days'])}"
        for course in training["qualifying_courses"]
        if course.get("validity_days") is not None
    ]
    days = f"(case course_id {' '.join(own)} else {default} end)" if own else str(default)
    return f"(completed_on + {days})"


def leave_returns_sql(landing: Path, as_of: date, grace_days: int) -> str:
    """§4: per person the last HR export dated before D showing them on leave."""
    if grace_days <= 0:
        return "select cast(null as varchar) as employee_id, cast(null as date) as last_on_leave"
    pattern = _literal(landing / "hr" / "employees_*.csv")
    return f"""
    select nullif(trim(employee_id), '') as employee_id,
        max(cast(regexp_extract(filename, 'employees_([0-9-]+)\\.csv$', 1) as date))
            as last_on_leave
    from read_csv({pattern}, header = true, all_varchar = true, filename = true,
        union_by_name = true)
    where lower(trim(employment_status)) = 'leave'
        and cast(regexp_extract(filename, 'employees_([0-9-]+)\\.csv$', 1) as date) < {_date(as_of)}
    group by all"""


def _header(path: Path) -> set[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return {name.strip().lower() for name in next(csv.reader(handle), [])}


def rules_script(landing: Path, as_of: date, policy_file: Path, work: Path) -> str:
    policy = yaml.safe_load(policy_file.read_text("utf-8"))
    scope, training = policy["scope"], policy["training"]
    day = as_of.isoformat()
    hr_csv = landing / "hr" / f"employees_{day}.csv"
    hr_columns = _header(hr_csv)
    present = {field for field in SCOPE_FIELDS if field in hr_columns}
    exceptions_csv = landing / "exceptions.csv"
    if not exceptions_csv.is_file():
        exceptions_csv = work / "no_exceptions.csv"
        exceptions_csv.write_text(EXCEPTIONS_HEADER + "\n", encoding="utf-8")
    keys = {
        f"{field}_key": normalised_sql(f"nullif(trim({field}), '')")
        if field in present
        else "cast(null as varchar)"
        for field in SCOPE_FIELDS
    }
    return Template(SQL_FILE.read_text()).substitute(
        hr_csv=_literal(hr_csv),
        lms_csv=_literal(landing / "lms" / f"completions_{day}.csv"),
        exceptions_csv=_literal(exceptions_csv),
        work_email_key=normalised_sql("nullif(trim(work_email), '')"),
        user_email_key=normalised_sql("nullif(trim(user_email), '')"),
        **keys,
        rule_decision=rule_decision_sql(scope.get("rules") or [], present),
        override_decision=override_decision_sql(scope.get("overrides") or [], as_of),
        employment_types=", ".join(_literal(kind) for kind in scope["employment_types"]),
        qualifying_courses=", ".join(
            _literal(course["course_id"]) for course in training["qualifying_courses"]
        ),
        covered_until=covered_until_sql(training),
        leave_returns=leave_returns_sql(
            landing, as_of, int(training.get("return_from_leave_grace_days") or 0)
        ),
        as_of=_date(day),
        grace_days=int(training["grace_days"]),
        return_from_leave_grace_days=int(training.get("return_from_leave_grace_days") or 0),
        due_soon_days=int(training["due_soon_days"]),
    )


def coverage(connection: duckdb.DuckDBPyConnection, script: str) -> dict[str, Any]:
    connection.create_function(
        NORMALISE_FUNCTION, normalise, ["VARCHAR"], "VARCHAR", side_effects=False
    )
    cursor = connection.execute(script)
    names = [column[0] for column in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--date", type=date.fromisoformat, required=True)
    parser.add_argument("--database", type=Path, required=True, help="DuckDB file used")
    parser.add_argument("--policy", type=Path, required=True, help="policy file (YAML)")
    args = parser.parse_args(argv)
    script = rules_script(args.landing, args.date, args.policy, args.database.parent)
    with duckdb.connect(str(args.database)) as connection:
        print(json.dumps(coverage(connection, script)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
