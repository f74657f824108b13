"""The not_null_columns test fails on a row missing a listed value and names the columns."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.dbt_cli import run_dbt

TEST = "not_null_columns_fct_training_compliance"
# The project names schemas as configured (macros/generate_schema_name.sql).
AUDIT_TABLE = f"dbt_test__audit.{TEST}"


def test_a_row_without_a_listed_value_fails_and_names_its_columns(tmp_path: Path) -> None:
    warehouse = tmp_path / "compliance.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        # The mart as the test reads it: only the listed columns matter to it.
        connection.execute(
            "create table main.fct_training_compliance as "
            "select * from (values "
            "(date '2026-11-27', 'E1', 'Software Engineering', 'engineering', 'compliant', "
            " false, true), "
            "(date '2026-11-27', 'E2', null, 'engineering', null, true, false)"
            ") as rows(as_of_date, employee_id, job_family, scope_rule_id, status, "
            "is_failing, is_compliant)"
        )
    result, results = run_dbt(["test", "--select", TEST, "--store-failures"], warehouse, tmp_path)
    assert result.returncode == 1, result.stdout[-4000:]
    (outcome,) = results
    assert (outcome["status"], outcome["failures"]) == ("fail", 1)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        failing = connection.execute(f"select * from {AUDIT_TABLE}").fetchall()
    assert failing == [("job_family, status",)]
