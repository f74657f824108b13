"""Where alerts go: a Slack-compatible webhook and SMTP email, configured by environment.

Secrets (the webhook URL's path and query, SMTP credentials) never appear in a log
line or an exception message: a channel describes itself by host only.

An alert is plain text; each channel makes it safe for its medium
(orchestration/alerting/markup.py): the webhook escapes it for chat markup, so no
value from the data becomes a mention or a link, and email sends it as a
text/plain body under one-line headers, so no value can add a header.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import urlsplit

from orchestration.alerting.markup import escape_slack_text, header_value

WEBHOOK_URL_VAR = "COMPLIANCE_ALERT_WEBHOOK_URL"
SMTP_HOST_VAR = "COMPLIANCE_ALERT_SMTP_HOST"
SMTP_PORT_VAR = "COMPLIANCE_ALERT_SMTP_PORT"
SMTP_STARTTLS_VAR = "COMPLIANCE_ALERT_SMTP_STARTTLS"
SMTP_USERNAME_VAR = "COMPLIANCE_ALERT_SMTP_USERNAME"
SMTP_PASSWORD_VAR = "COMPLIANCE_ALERT_SMTP_PASSWORD"
EMAIL_FROM_VAR = "COMPLIANCE_ALERT_EMAIL_FROM"
EMAIL_TO_VAR = "COMPLIANCE_ALERT_EMAIL_TO"
DELIVERY_ATTEMPTS_VAR = "COMPLIANCE_ALERT_DELIVERY_ATTEMPTS"

_TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class Alert:
    subject: str  # plain text, one line
    text: str  # plain text, the email body
    # Chat markup written on purpose, every data value in it already escaped with
    # escape_slack_text; None sends `text` escaped whole.
    chat_text: str | None = None

    def chat_markup(self) -> str:
        return self.chat_text if self.chat_text is not None else escape_slack_text(self.text)


class DeliveryError(Exception):
    """A channel could not deliver after its retries; the message names no secret."""


class Channel(Protocol):
    name: str

    def describe(self) -> str: ...

    def send(self, alert: Alert) -> None: ...


@dataclass(frozen=True)
class WebhookChannel:
    url: str
    name: str = "webhook"

    def describe(self) -> str:
        return f"webhook at {urlsplit(self.url).hostname}"

    def send(self, alert: Alert) -> None:
        request = urllib.request.Request(
            self.url,
            data=json.dumps({"text": alert.chat_markup()}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            raise DeliveryError(f"{self.describe()} answered HTTP {error.code}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise DeliveryError(f"{self.describe()} unreachable: {reason}") from None
        if not 200 <= status < 300:
            raise DeliveryError(f"{self.describe()} answered HTTP {status}")


@dataclass(frozen=True)
class EmailChannel:
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    name: str = "email"

    def describe(self) -> str:
        return f"email via {self.host}:{self.port} to {len(self.recipients)} recipient(s)"

    def send(self, alert: Alert) -> None:
        message = EmailMessage()
        message["Subject"] = header_value(alert.subject)
        message["From"] = header_value(self.sender)
        message["To"] = header_value(", ".join(self.recipients))
        message.set_content(alert.text, subtype="plain", charset="utf-8")
        try:
            with smtplib.SMTP(self.host, self.port, timeout=_TIMEOUT_SECONDS) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except smtplib.SMTPAuthenticationError:
            raise DeliveryError(f"{self.describe()}: authentication refused") from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"{self.describe()}: {type(error).__name__}") from None


def send_with_retries(channel: Channel, alert: Alert, attempts: int | None = None) -> None:
    """Tries `attempts` times with growing pauses, then raises the last DeliveryError."""
    attempts = attempts or int(os.environ.get(DELIVERY_ATTEMPTS_VAR, "3"))
    for attempt in range(1, attempts + 1):
        try:
            channel.send(alert)
            return
        except DeliveryError:
            if attempt == attempts:
                raise
            time.sleep(min(2 ** (attempt - 1), 10))


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def configured_channels() -> tuple[list[Channel], list[str]]:
    """(channels to use, one line per channel left off and why)."""
    channels: list[Channel] = []
    skipped: list[str] = []
    webhook_url = os.environ.get(WEBHOOK_URL_VAR, "").strip()
    if webhook_url:
        channels.append(WebhookChannel(webhook_url))
    else:
        skipped.append(f"webhook alerts off: {WEBHOOK_URL_VAR} is not set")

    smtp_host = os.environ.get(SMTP_HOST_VAR, "").strip()
    recipients = tuple(
        address.strip()
        for address in os.environ.get(EMAIL_TO_VAR, "").split(",")
        if address.strip()
    )
    if smtp_host and recipients:
        channels.append(
            EmailChannel(
                host=smtp_host,
                port=int(os.environ.get(SMTP_PORT_VAR, "25")),
                sender=os.environ.get(EMAIL_FROM_VAR, "").strip() or "compliance-alerts@localhost",
                recipients=recipients,
                starttls=_flag(SMTP_STARTTLS_VAR),
                username=os.environ.get(SMTP_USERNAME_VAR) or None,
                password=os.environ.get(SMTP_PASSWORD_VAR) or None,
            )
        )
    else:
        skipped.append(f"email alerts off: {SMTP_HOST_VAR} and {EMAIL_TO_VAR} must both be set")
    return channels, skipped
