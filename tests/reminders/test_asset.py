"""The reminders asset on its own: off by default, a clear failure when a delivery fails."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, ExecuteInProcessResult, materialize

from orchestration.alerting.channels import EMAIL_TO_VAR, SMTP_HOST_VAR, SMTP_PORT_VAR
from orchestration.reminders.assets import reminders_log, today
from orchestration.reminders.reminders_log import REMINDERS_LOG_TABLE
from orchestration.settings import REMINDERS_ENABLED_VAR
from orchestration.warehouse import WarehouseResource
from tests.network import free_port
from tests.reminders.day_warehouse import Chased, build_day_warehouse

CHASED = [Chased("A", "M1", None, days_overdue=3, escalation_level=1)]
CONTACTS: dict[str, tuple[str | None, str | None]] = {
    "A": ("Ada", "a@example.com"),
    "M1": ("Mia", "m1@example.com"),
}


def _materialize(warehouse: Path, partition: str) -> ExecuteInProcessResult:
    return materialize(
        [reminders_log],
        partition_key=partition,
        resources={"warehouse": WarehouseResource(path=str(warehouse))},
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def _log_outcomes(warehouse: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(
            f"select recipient_id, outcome from {REMINDERS_LOG_TABLE} order by recipient_id"
        ).fetchall()


def _metadata(result: ExecuteInProcessResult) -> dict[str, object]:
    (materialization,) = result.asset_materializations_for_node("reminders__reminders_log")
    return {key: getattr(value, "value", value) for key, value in materialization.metadata.items()}


def test_off_by_default_it_only_creates_the_empty_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(REMINDERS_ENABLED_VAR, raising=False)
    warehouse = build_day_warehouse(tmp_path / "w.duckdb", today(), CHASED, CONTACTS)
    result = _materialize(warehouse, today().isoformat())
    assert result.success
    assert _metadata(result)["enabled"] is False
    assert _log_outcomes(warehouse) == []


def test_a_past_day_sends_nothing_and_succeeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(REMINDERS_ENABLED_VAR, "true")
    monkeypatch.setenv(SMTP_HOST_VAR, "127.0.0.1")
    monkeypatch.setenv(SMTP_PORT_VAR, str(free_port()))
    past = today() - timedelta(days=1)
    warehouse = build_day_warehouse(tmp_path / "w.duckdb", past, CHASED, CONTACTS)
    result = _materialize(warehouse, past.isoformat())
    assert result.success
    assert "only for today's as-of date" in str(_metadata(result)["summary"])


def test_a_failed_delivery_fails_the_step_after_logging_every_attempt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(REMINDERS_ENABLED_VAR, "true")
    monkeypatch.setenv(SMTP_HOST_VAR, "127.0.0.1")
    monkeypatch.setenv(SMTP_PORT_VAR, str(free_port()))
    monkeypatch.setenv(EMAIL_TO_VAR, "owner@example.com")
    warehouse = build_day_warehouse(tmp_path / "w.duckdb", today(), CHASED, CONTACTS)
    result = _materialize(warehouse, today().isoformat())
    assert not result.success
    (failure,) = [event for event in result.all_events if event.is_step_failure]
    message = failure.step_failure_data.error.message
    assert "3 reminder(s) could not be delivered; the next run of" in message
    assert _log_outcomes(warehouse) == [
        ("A", "failed"),
        ("M1", "failed"),
        ("compliance_owner", "failed"),
    ]


def test_enabled_without_an_smtp_server_fails_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(REMINDERS_ENABLED_VAR, "true")
    monkeypatch.delenv(SMTP_HOST_VAR, raising=False)
    warehouse = build_day_warehouse(tmp_path / "w.duckdb", today(), CHASED, CONTACTS)
    result = _materialize(warehouse, today().isoformat())
    (failure,) = [event for event in result.all_events if event.is_step_failure]
    message = failure.step_failure_data.error.message
    assert f"Failure: reminders are enabled but {SMTP_HOST_VAR} is not set: set it" in message
    assert _log_outcomes(warehouse) == []
