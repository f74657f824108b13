"""The same dbt models on DuckDB and on a real PostgreSQL server give the same results.

One generated landing zone (plus rows that break the contract) goes through the real
pipeline on DuckDB; the publisher copies the validated landing slices to PostgreSQL,
where `dbt build --target postgres` runs the models, data tests and unit tests.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from contextlib import closing
from datetime import date
from pathlib import Path

import psycopg2
import pytest

from orchestration.ingestion.contract import HR_EMPLOYEES, LMS_COMPLETIONS
from orchestration.ingestion.publish_postgres import publish_day
from orchestration.sample_data import generate_landing_zone
from orchestration.settings import DBT_PROJECT_DIR, DBT_TARGET_VAR
from orchestration.statuses import load_statuses
from orchestration.transformation.project import dbt_executable
from tests.conftest import PipelineFolders
from tests.in_process import materialize_day, step_failure_messages
from tests.landing_builder import completion, person, write_day
from tests.postgres.cluster import PostgresServer
from tests.test_dbt_unit_tests import MINIMUM_UNIT_TESTS

AS_OF = date(2026, 11, 27)
DAY = AS_OF.isoformat()

# Each query runs unchanged on both engines; rows must be equal, in order.
COMPARED = {
    "fct_training_compliance": f"""
        select employee_id, status, last_completed_on, due_on, days_until_due, is_compliant
        from main.fct_training_compliance where as_of_date = date '{DAY}'
        order by employee_id""",
    "compliance_coverage": f"""
        select in_scope_count, compliant_count, exempt_count, on_leave_count,
               in_grace_period_count, overdue_count, never_completed_count, failing_count,
               due_soon_count, hr_rejected_row_count, lms_rejected_row_count,
               exceptions_rejected_row_count, unmatched_lms_record_count,
               coverage_pct, completion_pct, control_passed
        from main.compliance_coverage where as_of_date = date '{DAY}'""",
    "fct_population_scope_decisions": f"""
        select employee_id, is_active, is_in_scope, scope_reason
        from main.fct_population_scope_decisions where as_of_date = date '{DAY}'
        order by employee_id""",
    "fct_unmatched_lms_records": f"""
        select record_id, lms_employee_id, completed_on, unmatched_reason
        from main.fct_unmatched_lms_records where as_of_date = date '{DAY}'
        order by record_id""",
}


def _append_rows(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with path.open("a", newline="", encoding="utf-8") as handle:
        # The generator ends lines with \n; keep one line terminator throughout the file.
        writer = csv.DictWriter(
            handle, fieldnames=header, extrasaction="ignore", lineterminator="\n"
        )
        writer.writerows(rows)


def _plant_rejects(landing: Path) -> None:
    """Rows breaking the contract, so rejects and the HR verdict are compared too."""
    _append_rows(
        HR_EMPLOYEES.path_for(landing, AS_OF), [person("E_REJECTED", hire_date="2026-02-30")]
    )
    _append_rows(
        LMS_COMPLETIONS.path_for(landing, AS_OF),
        [{**completion("L_REJECTED", "E_REJECTED", "2026-03-01"), "status": "done"}],
    )


def _dbt_build_on_postgres(server: PostgresServer, root: Path, *selection: str) -> list[dict]:
    target = root / "target"
    result = subprocess.run(
        [
            dbt_executable(),
            "build",
            "--profiles-dir",
            ".",
            "--target-path",
            str(target),
            "--log-path",
            str(root / "logs"),
            "--vars",
            json.dumps({"as_of_date": DAY}),
            *selection,
        ],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, DBT_TARGET_VAR: "postgres", **server.environment()},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:]
    return json.loads((target / "run_results.json").read_text())["results"]


def _postgres_rows(server: PostgresServer, sql: str) -> list[tuple]:
    with (
        closing(psycopg2.connect(**server.connection())) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.fixture(scope="module")
def engines(
    tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer
) -> dict[str, object]:
    folders = PipelineFolders(tmp_path_factory.mktemp("engines"))
    generate_landing_zone(folders.landing, people=1500, days=1, end_date=AS_OF)
    _plant_rejects(folders.landing)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.delenv(DBT_TARGET_VAR, raising=False)
        assert materialize_day(monkeypatch, folders.root, AS_OF).success

    copied = publish_day(AS_OF, folders.warehouse, postgres_server.connection())
    first_build = _dbt_build_on_postgres(postgres_server, folders.root / "first")
    # Publishing and building the day again must replace its slices, not add to them.
    publish_day(AS_OF, folders.warehouse, postgres_server.connection())
    _dbt_build_on_postgres(
        postgres_server, folders.root / "rerun", "--exclude-resource-type", "unit_test"
    )
    return {
        "folders": folders,
        "server": postgres_server,
        "copied": copied,
        "first_build": first_build,
    }


@pytest.mark.slow
def test_publisher_copies_every_landing_and_policy_table(engines) -> None:
    folders: PipelineFolders = engines["folders"]
    server: PostgresServer = engines["server"]
    for table, rows in engines["copied"].items():
        (duckdb_count,) = folders.query(
            f"select count(*) from {table} where as_of_date = date '{DAY}'"
        )[0]
        (postgres_count,) = _postgres_rows(server, f"select count(*) from {table}")[0]
        assert rows == duckdb_count == postgres_count, table
        # The shipped policy has no overrides; every other table has rows on the day.
        assert rows > 0 or table == "policy.scope_overrides", table


@pytest.mark.slow
def test_dbt_build_passes_on_postgres_with_unit_tests(engines) -> None:
    results = engines["first_build"]
    assert all(result["status"] in ("success", "pass") for result in results)
    unit_tests = [r for r in results if r["unique_id"].startswith("unit_test.")]
    assert len(unit_tests) >= MINIMUM_UNIT_TESTS


@pytest.mark.slow
@pytest.mark.parametrize("model", COMPARED)
def test_postgres_gives_the_same_rows_as_duckdb(engines, model: str) -> None:
    folders: PipelineFolders = engines["folders"]
    duckdb_rows = folders.query(COMPARED[model])
    postgres_rows = _postgres_rows(engines["server"], COMPARED[model])
    assert duckdb_rows, f"{model} is empty on DuckDB: nothing was compared"
    assert postgres_rows == duckdb_rows


@pytest.mark.slow
def test_compared_day_exercises_every_status_and_the_rejects(engines) -> None:
    folders: PipelineFolders = engines["folders"]
    statuses = {
        status
        for (status,) in folders.query(
            f"select distinct status from main.fct_training_compliance "
            f"where as_of_date = date '{DAY}'"
        )
    }
    assert statuses == {status.name for status in load_statuses()}
    ((hr_rejected, lms_rejected),) = folders.query(
        "select hr_rejected_row_count, lms_rejected_row_count from main.compliance_coverage "
        f"where as_of_date = date '{DAY}'"
    )
    assert hr_rejected == 1
    assert lms_rejected == 1


def test_a_dagster_run_refuses_a_warehouse_it_does_not_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run loads, checks and seals DuckDB: dbt must not quietly build elsewhere."""
    write_day(tmp_path / "landing", AS_OF, [person("E1")], [completion("L1", "E1", "2026-06-01")])
    monkeypatch.setenv(DBT_TARGET_VAR, "postgres")
    result = materialize_day(monkeypatch, tmp_path, AS_OF)
    assert not result.success
    failures = step_failure_messages(result)
    assert f"{DBT_TARGET_VAR}=postgres: Dagster runs build the DuckDB warehouse" in failures
