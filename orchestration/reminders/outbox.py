"""Where digests go: an SMTP server, the alerts' webhook, or files (dry run).

The SMTP and webhook settings are the alerts' (orchestration/alerting/channels.py).
Each send reports an outcome for the reminders log instead of raising: `failed` when
the message certainly did not get through (no connection, refused), `unknown` when the
connection broke after the message may have been accepted, which is never retried.
Details name no address and no secret.
"""

from __future__ import annotations

import json
import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import date
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from orchestration.alerting.channels import (
    EMAIL_FROM_VAR,
    EMAIL_TO_VAR,
    SMTP_HOST_VAR,
    SMTP_PASSWORD_VAR,
    SMTP_PORT_VAR,
    SMTP_STARTTLS_VAR,
    SMTP_USERNAME_VAR,
    WEBHOOK_URL_VAR,
    Alert,
    DeliveryError,
    WebhookChannel,
    send_with_retries,
)
from orchestration.alerting.markup import header_value
from orchestration.reminders.reminders_log import FAILED, SENT, UNKNOWN
from orchestration.reminders.rendering import Message

_TIMEOUT_SECONDS = 20
DEFAULT_SENDER = "compliance-reminders@localhost"
_SAFE_FILE_NAME = re.compile(r"[^A-Za-z0-9_.-]")

Outcome = tuple[str, str | None]


class InvalidAddress(ValueError):
    """A work email that cannot be a mail recipient."""


def _environment(name: str) -> str:
    return os.environ.get(name, "").strip()


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    starttls: bool
    username: str | None
    password: str | None

    @classmethod
    def from_environment(cls) -> SmtpSettings | None:
        """The alerts' SMTP server, or None when COMPLIANCE_ALERT_SMTP_HOST is unset."""
        host = _environment(SMTP_HOST_VAR)
        if not host:
            return None
        return cls(
            host=host,
            port=int(_environment(SMTP_PORT_VAR) or "25"),
            sender=_environment(EMAIL_FROM_VAR) or DEFAULT_SENDER,
            starttls=_environment(SMTP_STARTTLS_VAR).lower() in {"1", "true", "yes", "on"},
            username=os.environ.get(SMTP_USERNAME_VAR) or None,
            password=os.environ.get(SMTP_PASSWORD_VAR) or None,
        )


def owner_addresses() -> tuple[str, ...]:
    """The compliance owner's addresses: the alerts' recipients."""
    return tuple(
        address.strip()
        for address in os.environ.get(EMAIL_TO_VAR, "").split(",")
        if address.strip()
    )


def owner_webhook() -> WebhookChannel | None:
    url = _environment(WEBHOOK_URL_VAR)
    return WebhookChannel(url) if url else None


def address(email: str, name: str | None = None) -> Address:
    """A recipient as a header address; raises InvalidAddress for anything else."""
    try:
        return Address(display_name=header_value(name or ""), addr_spec=header_value(email))
    except (ValueError, IndexError) as error:
        raise InvalidAddress("work email is not a valid address") from error


def file_name_part(text: str) -> str:
    """`text` safe as part of a file name (ids come from the data)."""
    return _SAFE_FILE_NAME.sub("_", text)[:100] or "_"


def email_message(
    message: Message,
    sender: str,
    recipients: list[Address],
    as_of_date: date,
    recipient_key: str,
) -> EmailMessage:
    """The digest as a plain-text email; every header value on one line."""
    email = EmailMessage()
    email["Subject"] = header_value(message.subject)
    email["From"] = header_value(sender)
    email["To"] = recipients
    email["Date"] = formatdate(localtime=False)
    # The same id for the same recipient and day: a mail system that sees a copy
    # (after an operator resends an unknown outcome by hand) can tell it is one.
    domain = header_value(sender).rpartition("@")[2] or "localhost"
    email["Message-ID"] = (
        f"<trn-reminder.{as_of_date.isoformat()}.{file_name_part(recipient_key)}@{domain}>"
    )
    email.set_content(message.text)
    return email


class SmtpOutbox:
    """One SMTP connection for a run's digests, opened at the first send; close() ends it."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._unavailable: str | None = None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            try:
                # A server may drop an idle connection: find out before a message is at stake.
                if self._smtp.noop()[0] == 250:
                    return self._smtp
            except (smtplib.SMTPException, OSError):
                pass
            self.close()
        settings = self.settings
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=_TIMEOUT_SECONDS)
        try:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password or "")
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp

    def send(self, email: EmailMessage) -> Outcome:
        if self._unavailable:
            return FAILED, f"not attempted: {self._unavailable}"
        try:
            smtp = self._connection()
        except smtplib.SMTPAuthenticationError:
            self._unavailable = f"SMTP server {self.settings.host} refused the login"
            return FAILED, self._unavailable
        except (smtplib.SMTPException, OSError) as error:
            self._unavailable = (
                f"SMTP server {self.settings.host} unreachable ({type(error).__name__})"
            )
            return FAILED, self._unavailable
        try:
            smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            codes = sorted({code for code, _ in error.recipients.values()})
            return FAILED, f"recipient refused by the SMTP server ({codes})"
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            return FAILED, f"refused by the SMTP server ({error.smtp_code})"
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            return UNKNOWN, f"connection lost while sending ({type(error).__name__}); not resent"
        return SENT, None


def post_to_webhook(channel: WebhookChannel, message: Message) -> Outcome:
    try:
        # The text is chat markup already, every data value escaped by its renderer.
        alert = Alert(subject=message.subject, text=message.text, chat_text=message.text)
        send_with_retries(channel, alert)
    except DeliveryError as error:
        return FAILED, str(error)
    return SENT, None


@dataclass(frozen=True)
class DryRunOutbox:
    """Digests written as files under <outbox>/<as-of date>/ instead of being sent."""

    folder: Path

    def write_email(self, recipient_key: str, email: EmailMessage) -> Path:
        path = self.folder / f"email-{file_name_part(recipient_key)}.eml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bytes(email))
        return path

    def write_webhook(self, recipient_key: str, message: Message) -> Path:
        path = self.folder / f"webhook-{file_name_part(recipient_key)}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"text": message.text}, ensure_ascii=False, indent=2) + "\n")
        return path
