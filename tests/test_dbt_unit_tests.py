"""The dbt unit tests (one or more per rule and worked example) pass on a real DuckDB file."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.ingestion.landing_tables import ensure_landing_schema
from orchestration.policy.tables import policy_ddl
from tests.dbt_cli import run_dbt

MINIMUM_UNIT_TESTS = 77


def test_dbt_unit_tests_pass(tmp_path: Path) -> None:
    warehouse = tmp_path / "compliance.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        # Unit tests read column types from the models' parents, which need the sources:
        # the landing tables and the policy tables, empty.
        ensure_landing_schema(connection)
        for statement in policy_ddl():
            connection.execute(statement)
    result, results = run_dbt(
        [
            "build",
            "--vars",
            "{as_of_date: '2026-11-27'}",
            "--select",
            "resource_type:seed resource_type:model resource_type:unit_test",
        ],
        warehouse,
        tmp_path,
    )
    assert result.returncode == 0, result.stdout[-6000:]
    unit_results = [r for r in results if r["unique_id"].startswith("unit_test.")]
    assert len(unit_results) >= MINIMUM_UNIT_TESTS
    assert all(r["status"] == "pass" for r in unit_results)
