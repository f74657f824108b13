"""The daily run end to end on a real PostgreSQL server gives what it gives on DuckDB.

One landing zone (two consecutive days, plus rows that break the contract) goes through
the daily job for day 1, day 2 and a rerun of day 1 (the last two with the evidence
pack; the rerun writes day 1's): once with the
DuckDB warehouse, once with COMPLIANCE_DBT_TARGET=postgres (the publisher asset lands
the slices there, dbt builds there, every reader reads there). Every mart, every landing
and policy slice, every check result and every evidence file must be the same, except
the run-stamped files (layout.RUN_STAMPED: run_metadata.json, SHA256SUMS, dbt docs, GX
results, the day page's run stamp). The dbt unit tests then run on PostgreSQL as well.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from dagster import DagsterInstance, ExecuteInProcessResult, PathMetadataValue

from orchestration.evidence import layout
from orchestration.ingestion.contract import HR_EMPLOYEES, LMS_COMPLETIONS
from orchestration.ingestion.landing_tables import landing_tables
from orchestration.policy.tables import policy_tables
from orchestration.sample_data import generate_landing_zone
from orchestration.settings import DBT_PROJECT_DIR, DBT_TARGET_VAR
from orchestration.statuses import load_statuses
from orchestration.transformation.project import dbt_executable
from orchestration.warehouse import open_reader
from orchestration.warehouse_reader import MartsConnection, open_postgres
from tests.evidence.conftest import snapshot
from tests.in_process import check_evaluations, materialize_day, step_failure_messages
from tests.landing_builder import completion, person
from tests.postgres.cluster import PostgresServer
from tests.test_dbt_unit_tests import MINIMUM_UNIT_TESTS

DAY_2 = date(2026, 11, 27)
DAY_1 = DAY_2 - timedelta(days=1)
# (step, as-of date): the data contract's sequence of runs.
STEPS = (("day_1", DAY_1), ("day_2", DAY_2), ("rerun_day_1", DAY_1))
PEOPLE = 150
ENGINES = ("duckdb", "postgres")


def _append_rows(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with path.open("a", newline="", encoding="utf-8") as handle:
        # The generator ends lines with \n; keep one line terminator throughout the file.
        writer = csv.DictWriter(
            handle, fieldnames=header, extrasaction="ignore", lineterminator="\n"
        )
        writer.writerows(rows)


def _plant_rejects(landing: Path, as_of_date: date) -> None:
    """Rows breaking the contract, so rejects and the HR verdict are compared too."""
    _append_rows(
        HR_EMPLOYEES.path_for(landing, as_of_date),
        [person("E_REJECTED", hire_date="2026-02-30")],
    )
    _append_rows(
        LMS_COMPLETIONS.path_for(landing, as_of_date),
        [{**completion("L_REJECTED", "E_REJECTED", "2026-03-01"), "status": "done"}],
    )


class EngineRuns:
    """One engine's runs of the sequence: results, evidence snapshots, where it all is."""

    def __init__(self, engine: str, root: Path, server: PostgresServer) -> None:
        self.engine = engine
        self.root = root
        self.server = server
        # Step -> every check's outcome (_check_outcomes), as the step's run reported it.
        self.checks: dict[str, dict[tuple[str, str], Any]] = {}
        self.evidence: dict[str, dict[str, bytes]] = {}
        self.marts_after: dict[str, dict[str, pa.Table]] = {}

    def environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        if self.engine == "postgres":
            monkeypatch.setenv(DBT_TARGET_VAR, "postgres")
            for name, value in self.server.environment().items():
                monkeypatch.setenv(name, value)
        else:
            monkeypatch.delenv(DBT_TARGET_VAR, raising=False)

    def marts(self) -> MartsConnection:
        if self.engine == "postgres":
            return open_postgres(self.server.connection())
        return open_reader(self.root / "warehouse" / "compliance.duckdb")


def _tables(connection: MartsConnection, schema: str) -> list[str]:
    return [
        f"{schema}.{name}"
        for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_schema = ? "
            "order by table_name",
            [schema],
        ).fetchall()
    ]


def _every_row(connection: MartsConnection, table: str) -> pa.Table:
    columns = connection.execute(f"select * from {table} where 1 = 0").to_arrow_table()
    order = ", ".join(str(position) for position in range(1, columns.num_columns + 1))
    return connection.execute(f"select * from {table} order by {order}").to_arrow_table()


def _marts(connection: MartsConnection) -> dict[str, pa.Table]:
    return {table: _every_row(connection, table) for table in _tables(connection, "main")}


def _run_engine(engine: str, root: Path, server: PostgresServer) -> EngineRuns:
    """The sequence on one engine, in a process of its own (forked)."""
    engine_runs = EngineRuns(engine, root, server)
    instance = DagsterInstance.ephemeral()
    with pytest.MonkeyPatch.context() as monkeypatch:
        engine_runs.environment(monkeypatch)
        for step, as_of_date in STEPS:
            # Day 1's evidence is compared as its rerun writes it (CI time).
            result = materialize_day(
                monkeypatch, root, as_of_date, instance, with_evidence=step != "day_1"
            )
            assert result.success, f"{engine} {step}: {step_failure_messages(result)}"
            engine_runs.checks[step] = _check_outcomes(result)
            if step != "day_1":
                engine_runs.evidence[step] = snapshot(
                    layout.day_folder(root / "evidence", as_of_date)
                )
            with engine_runs.marts() as connection:
                engine_runs.marts_after[step] = _marts(connection)
    return engine_runs


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer):
    base = tmp_path_factory.mktemp("daily_run_engines")
    landing = base / "landing"
    generate_landing_zone(landing, people=PEOPLE, days=2, end_date=DAY_2)
    _plant_rejects(landing, DAY_2)
    server = postgres_server.with_new_database("daily_run")
    for engine in ENGINES:
        shutil.copytree(landing, base / engine / "landing")
    # GX is imported now, not by a thread of a run: a fork must not copy a held import lock.
    import great_expectations  # noqa: F401

    # The two engines' sequences share nothing (folders, instance, warehouse): they run
    # side by side, each forked from this process's loaded definitions.
    with multiprocessing.get_context("fork").Pool(len(ENGINES)) as pool:
        finished = pool.starmap(_run_engine, [(e, base / e, server) for e in ENGINES])
    return {engine_runs.engine: engine_runs for engine_runs in finished}


def _differences(duckdb_tables: dict[str, pa.Table], postgres_tables: dict[str, pa.Table]):
    assert sorted(postgres_tables) == sorted(duckdb_tables)
    differing = {}
    for table, expected in duckdb_tables.items():
        actual = postgres_tables[table]
        if not actual.schema.equals(expected.schema):
            differing[table] = f"schema {actual.schema} != {expected.schema}"
        elif not actual.equals(expected):
            rows = [
                (left, right)
                for left, right in zip(actual.to_pylist(), expected.to_pylist(), strict=False)
                if left != right
            ]
            differing[table] = f"{actual.num_rows} vs {expected.num_rows} rows; first {rows[:1]}"
    return differing


@pytest.mark.slow
@pytest.mark.parametrize("step", [step for step, _ in STEPS])
def test_every_mart_has_the_same_rows_and_types_on_both_engines(runs, step: str) -> None:
    duckdb_marts = runs["duckdb"].marts_after[step]
    assert duckdb_marts["main.fct_training_compliance"].num_rows > 0
    assert "main.compliance_coverage" in duckdb_marts
    assert _differences(duckdb_marts, runs["postgres"].marts_after[step]) == {}


@pytest.mark.slow
def test_a_rerun_replaces_the_day_instead_of_adding_to_it(runs) -> None:
    for engine in ENGINES:
        before, after = runs[engine].marts_after["day_2"], runs[engine].marts_after["rerun_day_1"]
        assert _differences(before, after) == {}, engine


@pytest.mark.slow
def test_the_landing_and_policy_slices_are_published_once_per_day(runs) -> None:
    query = "select as_of_date, count(*) from {table} group by as_of_date order by as_of_date"
    with runs["duckdb"].marts() as duckdb, runs["postgres"].marts() as postgres:
        for table in (*landing_tables(), *policy_tables()):
            expected = duckdb.execute(query.format(table=table)).fetchall()
            assert postgres.execute(query.format(table=table)).fetchall() == expected, table
            # The shipped policy has no overrides; the rejects are planted on day 2 only.
            days = {"policy.scope_overrides": [], "landing.load_rejects": [DAY_2]}
            assert [day for day, _ in expected] == days.get(table, [DAY_1, DAY_2]), table


@pytest.mark.slow
def test_the_compared_days_exercise_every_status_and_the_rejects(runs) -> None:
    with runs["postgres"].marts() as postgres:
        statuses = {
            status
            for (status,) in postgres.execute(
                "select distinct status from main.fct_training_compliance"
            ).fetchall()
        }
        rejected = postgres.execute(
            "select hr_rejected_row_count, lms_rejected_row_count from main.compliance_coverage "
            "where as_of_date = ?",
            [DAY_2],
        ).fetchall()
    assert statuses == {status.name for status in load_statuses()}
    assert rejected == [(1, 1)]


def _check_outcomes(result: ExecuteInProcessResult) -> dict[tuple[str, str], Any]:
    """Each check's verdict; for the GX checks also their metadata, paths aside (each
    engine's run writes under its own folders). dbt's tests report their timing."""
    outcomes = {}
    for key, evaluation in check_evaluations(result).items():
        metadata = {
            name: value
            for name, value in evaluation.metadata.items()
            if not isinstance(value, PathMetadataValue)
        }
        is_gx = "gx_checkpoint" in metadata
        outcomes[key] = (evaluation.passed, evaluation.severity, metadata if is_gx else None)
    return outcomes


@pytest.mark.slow
@pytest.mark.parametrize("step", [step for step, _ in STEPS])
def test_every_check_gives_the_same_result_on_both_engines(runs, step: str) -> None:
    expected = runs["duckdb"].checks[step]
    assert any(not passed for passed, _, _ in expected.values()), "nothing failed: weak test"
    assert runs["postgres"].checks[step] == expected


def _without_run_stamp(page: bytes) -> bytes:
    """The day page without its run stamp and with the dbt docs link's fingerprint blanked:
    each engine's docs page describes that engine's catalog (its column types), so the
    shared page it links has a fingerprint of its own."""
    text = page.decode("utf-8")
    start, end = text.index(layout.RUN_STAMP_START), text.index(layout.RUN_STAMP_END)
    text = text[:start] + text[end:]
    docs_link = re.escape(layout.shared_dbt_docs("FINGERPRINT")).replace(
        "FINGERPRINT", "[0-9a-f]{64}"
    )
    return re.sub(docs_link, "DBT_DOCS", text).encode("utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("step", ["day_2", "rerun_day_1"])
def test_the_evidence_files_are_the_same_bytes_except_the_run_stamped(runs, step: str) -> None:
    duckdb_files, postgres_files = runs["duckdb"].evidence[step], runs["postgres"].evidence[step]
    assert sorted(postgres_files) == sorted(duckdb_files)
    differing = sorted(path for path in duckdb_files if postgres_files[path] != duckdb_files[path])
    assert [path for path in differing if not layout.is_run_stamped(path)] == []
    assert _without_run_stamp(postgres_files[layout.DAY_PAGE]) == _without_run_stamp(
        duckdb_files[layout.DAY_PAGE]
    )
    compared = [path for path in duckdb_files if not layout.is_run_stamped(path)]
    assert any(path.endswith(".parquet") for path in compared), "no Parquet file compared"


@pytest.mark.slow
def test_run_metadata_names_the_engine_and_never_the_password(runs) -> None:
    server: PostgresServer = runs["postgres"].server
    metadata = json.loads(runs["postgres"].evidence["day_2"][layout.RUN_METADATA])
    assert metadata["warehouse"] == {
        "engine": "postgresql",
        "server": f"{server.host}:{server.port}/{server.database}",
        "user": server.user,
    }
    assert json.loads(runs["duckdb"].evidence["day_2"][layout.RUN_METADATA])["warehouse"] == {
        "engine": "duckdb"
    }
    for files in runs["postgres"].evidence.values():
        assert not [path for path, data in files.items() if server.password.encode() in data]


@pytest.mark.slow
def test_the_dbt_unit_tests_pass_on_postgres(runs, tmp_path: Path) -> None:
    server: PostgresServer = runs["postgres"].server
    result = subprocess.run(
        [
            dbt_executable(),
            "test",
            "--select",
            "test_type:unit",
            "--profiles-dir",
            ".",
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
            "--vars",
            json.dumps({"as_of_date": DAY_2.isoformat()}),
        ],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, DBT_TARGET_VAR: "postgres", **server.environment()},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    assert all(outcome["status"] == "pass" for outcome in results)
    assert len(results) >= MINIMUM_UNIT_TESTS
