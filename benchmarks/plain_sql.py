"""Runs the floor of the benchmark: plain_rules.sql on one day's CSV exports.

    python -m benchmarks.plain_sql --landing DIR --date D --database FILE \
        --validity-days 365 --grace-days 30 --due-soon-days 30

Deliberately imports nothing of the pipeline (no Dagster, dbt or GX): it is the
cost of the rules alone. Prints the day's coverage as one JSON line.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from string import Template

import duckdb

SQL_FILE = Path(__file__).with_name("plain_rules.sql")
SEEDS_DIR = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def rules_script(landing: Path, as_of: date, validity: int, grace: int, due_soon: int) -> str:
    day = as_of.isoformat()
    return Template(SQL_FILE.read_text()).substitute(
        hr_csv=_literal(landing / "hr" / f"employees_{day}.csv"),
        lms_csv=_literal(landing / "lms" / f"completions_{day}.csv"),
        exceptions_csv=_literal(landing / "exceptions.csv"),
        courses_csv=_literal(SEEDS_DIR / "qualifying_courses.csv"),
        families_csv=_literal(SEEDS_DIR / "in_scope_job_families.csv"),
        employment_types_csv=_literal(SEEDS_DIR / "employment_type_scope.csv"),
        as_of=f"date {_literal(day)}",
        validity_days=int(validity),
        grace_days=int(grace),
        due_soon_days=int(due_soon),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--date", type=date.fromisoformat, required=True)
    parser.add_argument("--database", type=Path, required=True, help="DuckDB file written")
    parser.add_argument("--validity-days", type=int, required=True)
    parser.add_argument("--grace-days", type=int, required=True)
    parser.add_argument("--due-soon-days", type=int, required=True)
    args = parser.parse_args(argv)
    script = rules_script(
        args.landing, args.date, args.validity_days, args.grace_days, args.due_soon_days
    )
    with duckdb.connect(str(args.database)) as connection:
        connection.execute(script)
        cursor = connection.execute("select * from coverage")
        names = [column[0] for column in cursor.description]
        print(json.dumps(dict(zip(names, cursor.fetchone(), strict=True))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
