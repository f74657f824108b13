"""Delivery on real loopback servers: retries, failures surfaced without secrets, no repeats,
and the freshness alert when today's run has not succeeded by the deadline."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import DagsterInstance, build_sensor_context

from orchestration.alerting.channels import Alert, DeliveryError, WebhookChannel
from orchestration.alerting.delivery import ChannelPositions, PendingAlert, deliver
from orchestration.alerting.sensors import compliance_alert_sensor, compliance_freshness_sensor
from tests.alerting.receivers import smtp_receiver, webhook_receiver
from tests.network import free_port

ALERT = Alert(subject="TRN.2.01 test", text="TRN.2.01 test alert")


@pytest.fixture
def instance(tmp_path: Path):
    with DagsterInstance.ephemeral(tempdir=str(tmp_path)) as instance:
        yield instance


def test_refused_deliveries_are_retried_then_succeed(instance, monkeypatch) -> None:
    monkeypatch.setenv("COMPLIANCE_ALERT_DELIVERY_ATTEMPTS", "3")
    with webhook_receiver() as webhook:
        webhook.refusals = [500, 503]
        channel = WebhookChannel(webhook.url)
        positions = ChannelPositions(instance, "test")
        assert deliver([PendingAlert(1, ALERT)], [channel], positions, print) == 1
        assert webhook.attempts == 3
        assert webhook.messages == [{"text": ALERT.text}]
        # Already delivered: nothing is sent again.
        assert deliver([PendingAlert(1, ALERT)], [channel], positions, print) == 0
        assert len(webhook.messages) == 1


def test_failed_delivery_raises_without_the_secret(instance, monkeypatch) -> None:
    monkeypatch.setenv("COMPLIANCE_ALERT_DELIVERY_ATTEMPTS", "2")
    secret_url = f"http://127.0.0.1:{free_port()}/hooks/T000/SECRET-TOKEN"
    with pytest.raises(DeliveryError) as error:
        deliver(
            [PendingAlert(1, ALERT)],
            [WebhookChannel(secret_url)],
            ChannelPositions(instance, "test"),
            print,
        )
    assert "SECRET-TOKEN" not in str(error.value)
    assert "127.0.0.1" in str(error.value)


def test_sensor_tick_fails_when_delivery_fails(instance, monkeypatch) -> None:
    monkeypatch.setenv("COMPLIANCE_ALERT_DELIVERY_ATTEMPTS", "1")
    monkeypatch.setenv("COMPLIANCE_FRESHNESS_DEADLINE", "00:00")
    monkeypatch.setenv("COMPLIANCE_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{free_port()}/x")
    monkeypatch.delenv("COMPLIANCE_ALERT_SMTP_HOST", raising=False)
    with pytest.raises(DeliveryError):
        compliance_freshness_sensor(build_sensor_context(instance=instance))


def test_freshness_alert_once_per_day_on_every_channel(instance, monkeypatch) -> None:
    monkeypatch.setenv("COMPLIANCE_FRESHNESS_DEADLINE", "00:00")
    with webhook_receiver() as webhook, smtp_receiver() as smtp:
        monkeypatch.setenv("COMPLIANCE_ALERT_WEBHOOK_URL", webhook.url)
        monkeypatch.setenv("COMPLIANCE_ALERT_SMTP_HOST", smtp.host)
        monkeypatch.setenv("COMPLIANCE_ALERT_SMTP_PORT", str(smtp.port))
        monkeypatch.setenv("COMPLIANCE_ALERT_EMAIL_TO", "owners@example.com")
        for _ in range(2):
            compliance_freshness_sensor(build_sensor_context(instance=instance))
        assert len(webhook.messages) == 1
        assert "no successful daily run" in webhook.messages[0]["text"]
        assert len(smtp.messages) == 1


def test_unconfigured_channels_are_skipped_with_a_reason(instance, monkeypatch) -> None:
    for name in ("COMPLIANCE_ALERT_WEBHOOK_URL", "COMPLIANCE_ALERT_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    result = compliance_alert_sensor(build_sensor_context(instance=instance))
    assert "no alert channel configured" in result.skip_message
