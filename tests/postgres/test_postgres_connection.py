"""Reaching the PostgreSQL warehouse: libpq's variables, and a refusal said in one line."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from orchestration.reminders.reminders_log import (
    EMAIL,
    EXPORT_SQL,
    FAILED,
    UNKNOWN,
    DeliveryKey,
    RemindersLog,
)
from orchestration.settings import (
    DBT_TARGET_VAR,
    PG_HOST_VAR,
    PG_PASSWORD_VAR,
    PG_PORT_VAR,
    postgres_connection,
)
from orchestration.warehouse_reader import PostgresUnavailableError, open_postgres, to_psycopg2
from tests.conftest import BIN_DIR, PROJECT_ROOT
from tests.in_process import materialize_day, step_failure_messages
from tests.landing_builder import completion, person, write_day
from tests.postgres.cluster import PostgresServer

AS_OF = date(2026, 11, 27)
WRONG_PASSWORD = "not-the-password-4711"


def _refusal(server: PostgresServer) -> str:
    return f"PostgreSQL at {server.host}:{server.port} refused user {server.user}: "


def test_placeholders_become_psycopg2_ones_outside_literals() -> None:
    sql = "select '?', '%' || x from t where a = ? and b like '%$x' and c = $day"
    assert to_psycopg2(sql) == (
        "select '?', '%%' || x from t where a = %s and b like '%%$x' and c = %(day)s"
    )


def test_libpq_variables_stand_in_for_unset_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("COMPLIANCE_PG_HOST", "COMPLIANCE_PG_PORT", "COMPLIANCE_PG_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PGHOST", "db.example")
    monkeypatch.setenv("PGPASSWORD", "from-libpq")
    monkeypatch.setenv(PG_PORT_VAR, "6543")
    monkeypatch.setenv("PGPORT", "1111")
    connection = postgres_connection()
    # Ours wins where set; libpq's where ours is unset; the default otherwise.
    assert (connection["host"], connection["port"], connection["password"]) == (
        "db.example",
        "6543",
        "from-libpq",
    )
    monkeypatch.setenv(PG_HOST_VAR, "ours.example")
    assert postgres_connection()["host"] == "ours.example"


def test_a_wrong_password_is_one_line_naming_server_and_user(postgres_server) -> None:
    wrong = {**postgres_server.connection(), "password": WRONG_PASSWORD}
    with pytest.raises(PostgresUnavailableError) as refused, open_postgres(wrong):
        pass
    message = str(refused.value)
    assert message == _refusal(postgres_server) + "password authentication failed"
    assert WRONG_PASSWORD not in message and postgres_server.password not in message


@pytest.fixture
def wrong_password_environment(
    postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> PostgresServer:
    monkeypatch.setenv(DBT_TARGET_VAR, "postgres")
    for name, value in postgres_server.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(PG_PASSWORD_VAR, WRONG_PASSWORD)
    return postgres_server


@pytest.mark.slow
def test_a_run_with_a_wrong_password_fails_with_that_line(
    wrong_password_environment: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = wrong_password_environment
    write_day(tmp_path / "landing", AS_OF, [person("E1")], [completion("L1", "E1", "2026-06-01")])
    result = materialize_day(monkeypatch, tmp_path, AS_OF)
    assert not result.success
    failures = step_failure_messages(result)
    assert _refusal(server) + "password authentication failed" in failures
    assert "Traceback" not in failures
    assert WRONG_PASSWORD not in failures and server.password not in failures


@pytest.mark.slow
def test_the_coverage_command_says_the_same_in_one_line(
    wrong_password_environment: PostgresServer, tmp_path: Path
) -> None:
    server = wrong_password_environment
    result = subprocess.run(
        [str(BIN_DIR / "compliance"), "coverage", "--date", AS_OF.isoformat()],
        cwd=PROJECT_ROOT,
        env={**os.environ, "COMPLIANCE_WAREHOUSE": str(tmp_path / "w.duckdb")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: " + _refusal(server) + "password authentication failed"
    ]
    assert WRONG_PASSWORD not in result.stdout + result.stderr


def test_the_reminders_log_keeps_its_attempts_on_postgres(postgres_server) -> None:
    """The log's SQL (insert ... returning, the latest attempt per delivery) on the server."""
    server = postgres_server.with_new_database("reminders_log")
    key = DeliveryKey("employee", "E1", EMAIL)
    with open_postgres(server.connection()) as connection:
        log = RemindersLog(connection, AS_OF, run_id="run-1")
        first = log.begin(key, roles="self", item_count=1)
        log.finish(key, first, FAILED, "refused")
        second = log.begin(key, roles="self", item_count=1)
        assert (first, second) == (1, 2)
        # A run that died after `begin` left `sending`: the next run marks it unknown.
        assert RemindersLog(connection, AS_OF, run_id="run-2").mark_interrupted() == [key]
        latest = log.latest_attempts()
        exported = connection.execute(EXPORT_SQL, [AS_OF]).to_arrow_table()
    assert {k: (a.attempt, a.outcome) for k, a in latest.items()} == {key: (2, UNKNOWN)}
    assert exported.column("outcome").to_pylist() == [FAILED, UNKNOWN]
    assert exported.schema.field("attempt").type == pa.int32()
    assert exported.schema.field("started_at").type == pa.timestamp("us")
