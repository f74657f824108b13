"""The text of each digest: plain text for email, the same words escaped for the webhook.

Templates live in templates/*.txt.j2. Every value a template prints passes the
environment's `finalize`: put on one line (data cannot add lines to a body or a
header), and for the webhook also escaped so that no `<!channel>`, link or entity
from the data becomes chat markup. Template text itself is trusted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from orchestration.alerting.markup import escape_slack_text, header_value
from orchestration.reminders.digests import ChaseItem, DayReminders, Digest, Unreachable


@dataclass(frozen=True)
class Message:
    subject: str
    text: str


@dataclass(frozen=True)
class DeliveryCounts:
    """How the day's person and manager digests fared, for the owner's summary."""

    sent: int = 0
    already_sent: int = 0
    failed: int = 0
    unknown: int = 0
    dry_run: int = 0


def _one_line(value: object) -> str:
    return "" if value is None else header_value(value)


def _for_webhook(value: object) -> str:
    return escape_slack_text(_one_line(value))


@cache
def _environment(markup: str) -> Environment:
    finalize: Callable[[object], str] = _for_webhook if markup == "webhook" else _one_line
    return Environment(
        loader=PackageLoader(__package__, "templates"),
        # Plain text, not HTML: finalize does the escaping the channel needs.
        autoescape=False,
        finalize=finalize,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def complete_by(item: ChaseItem) -> str:
    text = f"complete by {item.complete_by.isoformat()}" if item.complete_by else "complete now"
    if item.days_overdue is not None:
        text += f", {item.days_overdue} days overdue"
    return text


def _subject_parts(digest: Digest) -> list[str]:
    parts = []
    if digest.own_item is not None:
        parts.append(f"your training: {digest.own_item.chase_reason}")
    if digest.reports_failing:
        parts.append(f"{len(digest.reports_failing)} direct report(s) failing")
    if digest.reports_upcoming:
        parts.append(f"{len(digest.reports_upcoming)} direct report(s) due soon")
    if digest.escalated:
        parts.append(f"{len(digest.escalated)} escalated to you")
    return parts


def render_digest(day: DayReminders, digest: Digest) -> Message:
    """A person's or manager's digest (email only: it names people)."""
    subject = f"{day.policy.control} training reminder {day.as_of_date.isoformat()}: " + "; ".join(
        _subject_parts(digest)
    )
    text = (
        _environment("email")
        .get_template("digest.txt.j2")
        .render(
            digest=digest,
            recipient_name=digest.recipient.full_name or digest.recipient.employee_id,
            control=day.policy.control,
            as_of_date=day.as_of_date.isoformat(),
            escalate_after_days=day.policy.escalate_after_days,
            complete_by=complete_by,
        )
    )
    return Message(header_value(subject), text)


def render_owner_summary(
    day: DayReminders,
    unreachable: list[Unreachable],
    deliveries: DeliveryCounts,
    top_of_list: int,
    markup: str,
) -> Message:
    """The compliance owner's digest; `markup` is "email" or "webhook"."""
    reasons = sorted(Counter(item.chase_reason for item in day.items).items())
    subject = (
        f"{day.policy.control} chase list {day.as_of_date.isoformat()}: "
        f"{len(day.items)} to chase, {len(day.failing)} failing"
    )
    text = (
        _environment(markup)
        .get_template("owner.txt.j2")
        .render(
            day=day,
            control=day.policy.control,
            as_of_date=day.as_of_date.isoformat(),
            reasons=reasons,
            unreachable=unreachable,
            deliveries=deliveries,
            top=list(day.items[:top_of_list]),
            complete_by=complete_by,
        )
    )
    return Message(header_value(subject), text)
