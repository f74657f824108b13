"""Runs the floor of the benchmark: plain_rules.sql on one day's CSV exports.

    python -m benchmarks.plain_sql --landing DIR --date D --database FILE --policy FILE

Deliberately imports nothing of the pipeline (no Dagster, dbt or GX): it is the
cost of the rules alone. It reads the policy's job-family include rules, employment
types, courses and rolling-cycle numbers (the shape of the shipped policy; other rule
kinds are the pipeline's, not the floor's). Prints the day's coverage as one JSON line.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from string import Template

import duckdb
import yaml

SQL_FILE = Path(__file__).with_name("plain_rules.sql")


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def rules_script(landing: Path, as_of: date, policy_file: Path, work: Path) -> str:
    policy = yaml.safe_load(policy_file.read_text("utf-8"))
    training = policy["training"]
    families = [
        family
        for rule in policy["scope"]["rules"]
        if rule["decision"] == "include"
        for family in rule["match"].get("job_family", [])
    ]
    courses = [course["course_id"] for course in training["qualifying_courses"]]
    types = policy["scope"]["employment_types"]
    day = as_of.isoformat()
    return Template(SQL_FILE.read_text()).substitute(
        hr_csv=_literal(landing / "hr" / f"employees_{day}.csv"),
        lms_csv=_literal(landing / "lms" / f"completions_{day}.csv"),
        exceptions_csv=_literal(landing / "exceptions.csv"),
        courses_csv=_literal(_csv(work / "courses.csv", "course_id", courses)),
        families_csv=_literal(_csv(work / "families.csv", "job_family", families)),
        employment_types_csv=_literal(
            _csv(work / "types.csv", "employment_type,is_in_scope", [f"{t},true" for t in types])
        ),
        as_of=f"date {_literal(day)}",
        validity_days=int(training["cycle"]["validity_days"]),
        grace_days=int(training["grace_days"]),
        due_soon_days=int(training["due_soon_days"]),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--date", type=date.fromisoformat, required=True)
    parser.add_argument("--database", type=Path, required=True, help="DuckDB file written")
    parser.add_argument("--policy", type=Path, required=True, help="policy file (YAML)")
    args = parser.parse_args(argv)
    script = rules_script(args.landing, args.date, args.policy, args.database.parent)
    with duckdb.connect(str(args.database)) as connection:
        connection.execute(script)
        cursor = connection.execute("select * from coverage")
        names = [column[0] for column in cursor.description]
        print(json.dumps(dict(zip(names, cursor.fetchone(), strict=True))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
