"""A channel left unconfigured is logged once, not on every sensor tick or daemon restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import DagsterInstance, build_sensor_context

from orchestration.alerting.channels import EMAIL_TO_VAR, SMTP_HOST_VAR, WEBHOOK_URL_VAR
from orchestration.alerting.sensors import compliance_alert_sensor, compliance_freshness_sensor

OFF_LINES = ("webhook alerts off", "email alerts off")


def _off_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if any(off in line for off in OFF_LINES)]


def test_channels_off_are_logged_once_then_again_when_the_configuration_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    for name in (WEBHOOK_URL_VAR, SMTP_HOST_VAR, EMAIL_TO_VAR):
        monkeypatch.delenv(name, raising=False)
    with DagsterInstance.ephemeral(tempdir=str(tmp_path)) as instance:
        for _tick in range(3):
            result = compliance_alert_sensor(build_sensor_context(instance=instance))
            assert "no alert channel configured" in result.skip_message
        first_ticks = _off_lines(capfd.readouterr().err)
        assert [line.split(" - ")[-1].split(":")[0] for line in first_ticks] == list(OFF_LINES)

        # A new context per tick, as after a daemon restart: the instance remembers.
        compliance_alert_sensor(build_sensor_context(instance=instance))
        assert _off_lines(capfd.readouterr().err) == []

        # Email turned on: only what is still off is logged, once.
        monkeypatch.setenv(SMTP_HOST_VAR, "127.0.0.1")
        monkeypatch.setenv(EMAIL_TO_VAR, "owner@example.com")
        compliance_alert_sensor(build_sensor_context(instance=instance))
        compliance_alert_sensor(build_sensor_context(instance=instance))
        changed = _off_lines(capfd.readouterr().err)
        assert len(changed) == 1 and "webhook alerts off" in changed[0]


def test_each_sensor_logs_its_own_notice_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    for name in (WEBHOOK_URL_VAR, SMTP_HOST_VAR, EMAIL_TO_VAR):
        monkeypatch.delenv(name, raising=False)
    # Past any deadline, so the freshness sensor reaches its channels.
    monkeypatch.setenv("COMPLIANCE_FRESHNESS_DEADLINE", "00:00")
    with DagsterInstance.ephemeral(tempdir=str(tmp_path)) as instance:
        for _tick in range(2):
            compliance_freshness_sensor(build_sensor_context(instance=instance))
            compliance_alert_sensor(build_sensor_context(instance=instance))
        assert len(_off_lines(capfd.readouterr().err)) == 2 * len(OFF_LINES)
