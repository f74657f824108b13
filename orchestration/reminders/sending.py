"""One day's reminders, start to finish, on the warehouse's open writer connection.

The caller holds the warehouse's write lock for the whole call, so two runs of the same
day never send side by side: the second one waits, then finds the first one's log rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from email.message import EmailMessage
from pathlib import Path

from orchestration.alerting.channels import EMAIL_TO_VAR, SMTP_HOST_VAR, WebhookChannel
from orchestration.reminders.digests import (
    COMPLIANCE_OWNER,
    COMPLIANCE_OWNER_ID,
    EMPLOYEE,
    DayReminders,
    Digest,
    Unreachable,
    read_day,
)
from orchestration.reminders.outbox import (
    DEFAULT_SENDER,
    DryRunOutbox,
    InvalidAddress,
    Outcome,
    SmtpOutbox,
    SmtpSettings,
    address,
    email_message,
    owner_addresses,
    owner_webhook,
    post_to_webhook,
)
from orchestration.reminders.reminders_log import (
    DRY_RUN,
    EMAIL,
    FAILED,
    FINAL_OUTCOMES,
    NO_EMAIL,
    SENT,
    UNKNOWN,
    WEBHOOK,
    Attempt,
    DeliveryKey,
    RemindersLog,
)
from orchestration.reminders.rendering import (
    DeliveryCounts,
    Message,
    render_digest,
    render_owner_summary,
)
from orchestration.settings import REMINDERS_DRY_RUN_VAR
from orchestration.warehouse_reader import MartsConnection

OWNER_ROLE = "compliance_owner"


class RemindersSetupError(Exception):
    """Reminders are enabled but cannot be sent as configured (one line, no secret)."""


@dataclass(frozen=True)
class RemindersOptions:
    today: date
    dry_run: bool
    outbox_dir: Path
    top_of_list: int
    run_id: str | None = None


@dataclass
class RemindersReport:
    as_of_date: date
    skipped: str | None = None
    digests: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    already_done: int = 0
    unreachable: list[Unreachable] = field(default_factory=list)
    interrupted: list[DeliveryKey] = field(default_factory=list)
    outbox: Path | None = None

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    @property
    def failed(self) -> int:
        return self.outcomes.get(FAILED, 0)

    def summary(self) -> str:
        if self.skipped:
            return f"reminders for {self.as_of_date.isoformat()}: {self.skipped}"
        outcomes = ", ".join(
            f"{count} {outcome}" for outcome, count in sorted(self.outcomes.items())
        )
        return (
            f"reminders for {self.as_of_date.isoformat()}: {self.digests} digest(s); "
            f"{outcomes or 'nothing new'}; {self.already_done} done by an earlier run; "
            f"{len(self.unreachable)} recipient(s) without an email"
            + (f"; dry run files in {self.outbox}" if self.outbox else "")
        )


class _Run:
    """State of one call: the log, the outbox and the counts."""

    def __init__(
        self,
        log: RemindersLog,
        report: RemindersReport,
        options: RemindersOptions,
        smtp: SmtpOutbox | None,
        dry_run: DryRunOutbox | None,
        warn: Callable[[str], None],
    ) -> None:
        self.warn = warn
        self.log = log
        self.report = report
        self.options = options
        self.smtp = smtp
        self.dry_run = dry_run
        self.latest: dict[DeliveryKey, Attempt] = log.latest_attempts()
        self.counts = DeliveryCounts()

    def is_done(self, key: DeliveryKey) -> bool:
        latest = self.latest.get(key)
        if latest is None or latest.outcome not in FINAL_OUTCOMES:
            return False
        self.report.already_done += 1
        return True

    def record_once(
        self, key: DeliveryKey, roles: str, items: int, outcome: str, detail: str | None
    ) -> None:
        """A row for an outcome that ends at once, unless the last attempt already says so."""
        latest = self.latest.get(key)
        if latest is None or latest.outcome != outcome:
            self.log.record(key, roles, items, outcome, detail)
        self.report.count(outcome)

    def finish(self, key: DeliveryKey, attempt: int, outcome: Outcome) -> str:
        status, detail = outcome
        self.log.finish(key, attempt, status, detail)
        self.report.count(status)
        if status != SENT:
            self.warn(
                f"reminder to {key.recipient_kind} {key.recipient_id} by {key.channel}: "
                f"{status}: {detail}"
            )
        return status

    def send_email(self, key: DeliveryKey, roles: str, items: int, email: EmailMessage) -> str:
        if self.dry_run is not None:
            path = self.dry_run.write_email(f"{key.recipient_kind}-{key.recipient_id}", email)
            self.record_once(key, roles, items, DRY_RUN, path.name)
            return DRY_RUN
        assert self.smtp is not None
        attempt = self.log.begin(key, roles, items)
        return self.finish(key, attempt, self.smtp.send(email))

    def post_webhook(
        self, key: DeliveryKey, roles: str, items: int, channel: WebhookChannel, message: Message
    ) -> str:
        if self.dry_run is not None:
            path = self.dry_run.write_webhook(f"{key.recipient_kind}-{key.recipient_id}", message)
            self.record_once(key, roles, items, DRY_RUN, path.name)
            return DRY_RUN
        attempt = self.log.begin(key, roles, items)
        return self.finish(key, attempt, post_to_webhook(channel, message))


def _tally(counts: DeliveryCounts, outcome: str | None) -> DeliveryCounts:
    field_name = {
        SENT: "sent",
        FAILED: "failed",
        UNKNOWN: "unknown",
        DRY_RUN: "dry_run",
        None: "already_sent",
    }.get(outcome)
    if field_name is None:
        return counts
    return replace(counts, **{field_name: getattr(counts, field_name) + 1})


def _send_digest(run: _Run, day: DayReminders, digest: Digest, sender: str) -> None:
    recipient = digest.recipient
    key = DeliveryKey(EMPLOYEE, recipient.employee_id, EMAIL)
    roles = ",".join(digest.roles)
    if run.is_done(key):
        # Sent by an earlier run, or maybe sent (unknown): either way not again.
        earlier = run.latest[key].outcome
        run.counts = _tally(run.counts, None if earlier == SENT else UNKNOWN)
        return
    reason = None
    if not recipient.on_roster:
        reason = "not on the day's HR roster"
    elif not recipient.work_email:
        reason = "no work email on the day's HR roster"
    else:
        try:
            to = address(recipient.work_email, recipient.full_name)
        except InvalidAddress as error:
            reason = str(error)
    if reason is not None:
        run.report.unreachable.append(
            Unreachable(recipient.employee_id, digest.roles, digest.item_count, reason)
        )
        run.record_once(key, roles, digest.item_count, NO_EMAIL, reason)
        return
    email = email_message(
        render_digest(day, digest), sender, [to], day.as_of_date, recipient.employee_id
    )
    run.counts = _tally(run.counts, run.send_email(key, roles, digest.item_count, email))


def _send_owner_summary(run: _Run, day: DayReminders, sender: str) -> None:
    items = len(day.items)
    top = run.options.top_of_list
    key = DeliveryKey(COMPLIANCE_OWNER, COMPLIANCE_OWNER_ID, EMAIL)
    if not run.is_done(key):
        addresses = owner_addresses()
        if not addresses:
            run.record_once(key, OWNER_ROLE, items, NO_EMAIL, f"{EMAIL_TO_VAR} is not set")
        else:
            try:
                to = [address(text) for text in addresses]
            except InvalidAddress:
                run.record_once(
                    key, OWNER_ROLE, items, NO_EMAIL, f"{EMAIL_TO_VAR} holds an invalid address"
                )
            else:
                message = render_owner_summary(
                    day, run.report.unreachable, run.counts, top, markup="email"
                )
                email = email_message(message, sender, to, day.as_of_date, COMPLIANCE_OWNER_ID)
                run.send_email(key, OWNER_ROLE, items, email)
    webhook = owner_webhook()
    key = DeliveryKey(COMPLIANCE_OWNER, COMPLIANCE_OWNER_ID, WEBHOOK)
    if webhook is not None and not run.is_done(key):
        message = render_owner_summary(
            day, run.report.unreachable, run.counts, top, markup="webhook"
        )
        run.post_webhook(key, OWNER_ROLE, items, webhook, message)


def send_reminders(
    connection: MartsConnection,
    as_of_date: date,
    options: RemindersOptions,
    log: Callable[[str], None],
) -> RemindersReport:
    """Sends (or, dry run, writes) the day's digests not yet sent; returns what happened."""
    report = RemindersReport(as_of_date)
    if as_of_date != options.today:
        report.skipped = (
            f"not sent: reminders go out only for today's as-of date "
            f"({options.today.isoformat()}), never for a past or future day"
        )
        return report
    smtp_settings = SmtpSettings.from_environment()
    if smtp_settings is None and not options.dry_run:
        raise RemindersSetupError(
            f"reminders are enabled but {SMTP_HOST_VAR} is not set: set it, or set "
            f"{REMINDERS_DRY_RUN_VAR}=true to write the digests as files"
        )
    reminders_log = RemindersLog(connection, as_of_date, options.run_id)
    report.interrupted = reminders_log.mark_interrupted()
    for key in report.interrupted:
        log(
            f"reminder to {key.recipient_kind} {key.recipient_id} by {key.channel}: an earlier "
            "run stopped while sending it; outcome unknown, not sent again"
        )
    day = read_day(connection, as_of_date)
    if not day.items:
        report.skipped = "nobody on the chase list: nothing to say, nothing sent"
        return report
    report.digests = len(day.digests) + 1
    sender = smtp_settings.sender if smtp_settings else DEFAULT_SENDER
    dry_run = None
    if options.dry_run:
        report.outbox = options.outbox_dir / as_of_date.isoformat()
        dry_run = DryRunOutbox(report.outbox)
    smtp = SmtpOutbox(smtp_settings) if smtp_settings and not options.dry_run else None
    run = _Run(reminders_log, report, options, smtp, dry_run, log)
    try:
        for digest in day.digests:
            _send_digest(run, day, digest, sender)
        # Last, so that the owner reads how the others fared.
        _send_owner_summary(run, day, sender)
    finally:
        if smtp is not None:
            smtp.close()
    for recipient in report.unreachable:
        log(
            f"reminder to {recipient.employee_id} ({', '.join(recipient.roles)}) not sent: "
            f"{recipient.reason}"
        )
    return report
