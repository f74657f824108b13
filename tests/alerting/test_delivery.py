"""Delivery on real loopback servers: retries, failures surfaced without secrets, no repeats,
the freshness alert when today's run has not succeeded by the deadline, and values from the
data reaching chat escaped and mail as plain text under headers they cannot extend."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    DagsterInstance,
    MetadataValue,
    asset,
    asset_check,
    build_sensor_context,
    materialize,
)

from orchestration.alerting.channels import Alert, DeliveryError, EmailChannel, WebhookChannel
from orchestration.alerting.delivery import ChannelPositions, PendingAlert, deliver
from orchestration.alerting.markup import escape_slack_text
from orchestration.alerting.run_alerts import build_run_alert
from orchestration.alerting.sensors import compliance_alert_sensor, compliance_freshness_sensor
from orchestration.statuses import load_statuses
from orchestration.validation import check_names
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


# Values an HR export could carry into an alert: mentions, a disguised link, an entity,
# and line breaks that would forge a line of their own.
MENTIONS = ("<!channel>", "<!here>", "<@U024BE7LH>", "<https://evil.example|click>")
FORGED_LINE = "E9\nRun: https://evil.example/runs/1"


def _hostile_run(instance: DagsterInstance) -> str:
    """A real run whose coverage gate and scope check fail with hostile ids in their metadata."""
    statuses = [status for status in load_statuses() if status.is_failing]
    people = [
        {
            "employee_id": employee_id,
            "manager_id": manager_id,
            "status": statuses[0].name,
            "days_overdue": 3,
        }
        for employee_id, manager_id in (
            (MENTIONS[0], MENTIONS[2]),
            (MENTIONS[1], "R&D <b>"),
            (MENTIONS[3], None),
            (FORGED_LINE, "M1\r\nBcc: evil@example.com"),
        )
    ]

    @asset(name="fct_training_compliance")
    def fact() -> None:
        return None

    @asset_check(asset=fact, name=check_names.COVERAGE_GATE)
    def gate() -> AssetCheckResult:
        return AssetCheckResult(
            passed=False,
            severity=AssetCheckSeverity.ERROR,
            metadata={
                "coverage_pct": 50.0,
                "failing_count": len(people),
                "in_scope_count": 8,
                "failing_people": MetadataValue.json(people),
                "failing_by_status": MetadataValue.json({statuses[0].name: len(people)}),
            },
        )

    @asset_check(asset=fact, name=check_names.SCOPE_RESOLVED)
    def scope() -> AssetCheckResult:
        unresolved = [{"employee_id": value} for value in (*MENTIONS, FORGED_LINE)]
        return AssetCheckResult(
            passed=False,
            severity=AssetCheckSeverity.ERROR,
            metadata={"unresolved_people": MetadataValue.json(unresolved)},
        )

    result = materialize([fact, gate, scope], instance=instance, raise_on_error=False)
    return result.run_id


def _assert_no_markup(chat: str) -> None:
    assert "<" not in chat and ">" not in chat
    assert re.findall(r"&(?!amp;|lt;|gt;)", chat) == []


def test_hostile_ids_reach_chat_escaped_and_mail_as_plain_text(instance) -> None:
    alert = build_run_alert(instance, _hostile_run(instance), run_failed=False)
    assert alert is not None
    # The text is plain: one line per person, a forged "Run:" line stays inside its line.
    assert [line for line in alert.text.splitlines() if line.startswith("Run: ")] == [
        line for line in alert.text.splitlines() if line.startswith("Run: http://")
    ]
    assert "E9 Run: https://evil.example/runs/1" in alert.text

    with webhook_receiver() as webhook, smtp_receiver() as smtp:
        channels = [
            WebhookChannel(webhook.url),
            EmailChannel(smtp.host, smtp.port, "alerts@example.com", ("owners@example.com",)),
        ]
        assert deliver([PendingAlert(1, alert)], channels, ChannelPositions(instance, "t"), print)
        (message,) = webhook.messages
        (mail,) = smtp.messages

    chat = message["text"]
    _assert_no_markup(chat)
    for mention in MENTIONS:
        assert escape_slack_text(mention) in chat
    assert "R&amp;D &lt;b&gt;" in chat

    # Mail: a single text/plain part carrying the values as written, headers on one line.
    assert not mail.is_multipart()
    assert mail.get_content_type() == "text/plain"
    body = mail.get_payload(decode=True).decode(mail.get_content_charset())
    assert all(mention in body for mention in MENTIONS)
    assert mail["Bcc"] is None
    assert "\n" not in mail["Subject"] and "\r" not in mail["Subject"]


def test_mail_headers_never_carry_line_breaks_from_the_data(instance) -> None:
    alert = Alert(
        subject="TRN.2.01 <!channel>\r\nBcc: evil@example.com\nX-Injected: 1",
        text="body\r\nBcc: not-a-header@example.com",
    )
    with smtp_receiver() as smtp:
        EmailChannel(smtp.host, smtp.port, "alerts@example.com", ("owners@example.com",)).send(
            alert
        )
        (mail,) = smtp.messages
    assert mail["Bcc"] is None and mail["X-Injected"] is None
    assert mail["Subject"] == "TRN.2.01 <!channel> Bcc: evil@example.com X-Injected: 1"
    assert mail.get_content_type() == "text/plain"
    assert "Bcc: not-a-header@example.com" in mail.get_payload(decode=True).decode()


def test_markup_written_on_purpose_is_sent_as_written(instance) -> None:
    """A builder that writes chat markup itself escapes its values; nothing is escaped twice."""
    alert = Alert(
        subject="s",
        text="see https://runs.example/1 for R&D",
        chat_text=f"<https://runs.example/1|run> for {escape_slack_text('R&D')}",
    )
    with webhook_receiver() as webhook:
        WebhookChannel(webhook.url).send(alert)
    assert webhook.messages == [{"text": "<https://runs.example/1|run> for R&amp;D"}]
