"""The reminders log: one row per delivery attempt, written before and after each send.

A row is inserted as `sending` (and committed) before a digest leaves, then set to its
outcome. A run that dies in between leaves `sending` behind: the next run cannot know
whether the message got out, so it marks the row `unknown` and does not send again
(a person reminded twice is worse than an operator reading one log line). A `failed`
attempt was refused or never reached the server, so a later run of the day retries it.

The log is evidence: it holds employee ids, never names or addresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from orchestration.warehouse_reader import MartsConnection

REMINDERS_SCHEMA = "reminders"
REMINDERS_LOG_TABLE = f"{REMINDERS_SCHEMA}.reminders_log"
# The evidence folder's copy of the day's rows (orchestration/evidence/table_exports.py).
REMINDERS_LOG_FILE = "reminders_log.csv"

SENDING = "sending"
SENT = "sent"
FAILED = "failed"
UNKNOWN = "unknown"
NO_EMAIL = "no_email"
DRY_RUN = "dry_run"
# Outcomes after which the recipient's channel is done for the day: delivered, or maybe
# delivered (never risk a second copy).
FINAL_OUTCOMES = frozenset({SENT, SENDING, UNKNOWN})

EMAIL = "email"
WEBHOOK = "webhook"

LOG_COLUMNS: tuple[tuple[str, str], ...] = (
    ("as_of_date", "date not null"),
    ("recipient_kind", "varchar not null"),
    ("recipient_id", "varchar not null"),
    ("roles", "varchar not null"),
    ("channel", "varchar not null"),
    ("attempt", "integer not null"),
    ("item_count", "integer not null"),
    ("outcome", "varchar not null"),
    ("detail", "varchar"),
    ("run_id", "varchar"),
    ("started_at", "timestamp not null"),
    ("finished_at", "timestamp"),
)

EXPORT_SQL = (
    "select "
    + ", ".join(name for name, _ in LOG_COLUMNS)
    + f" from {REMINDERS_LOG_TABLE} where as_of_date = ? "
    "order by recipient_kind, recipient_id, channel, attempt"
)


def ensure_reminders_log(connection: MartsConnection) -> None:
    columns = ",\n    ".join(f"{name} {sql_type}" for name, sql_type in LOG_COLUMNS)
    connection.execute(f"create schema if not exists {REMINDERS_SCHEMA}")
    connection.execute(f"create table if not exists {REMINDERS_LOG_TABLE} (\n    {columns}\n)")


@dataclass(frozen=True)
class DeliveryKey:
    """What is sent at most once a day: one recipient's digest on one channel."""

    recipient_kind: str
    recipient_id: str
    channel: str


@dataclass(frozen=True)
class Attempt:
    key: DeliveryKey
    attempt: int
    outcome: str


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class RemindersLog:
    """The day's log rows, read and written on one open writer connection."""

    def __init__(self, connection: MartsConnection, as_of_date: date, run_id: str | None) -> None:
        self._connection = connection
        self._as_of_date = as_of_date
        self._run_id = run_id
        ensure_reminders_log(connection)

    def latest_attempts(self) -> dict[DeliveryKey, Attempt]:
        rows = self._connection.execute(
            f"""
            with attempts as (
                select
                    recipient_kind, recipient_id, channel, attempt, outcome,
                    row_number() over (
                        partition by recipient_kind, recipient_id, channel
                        order by attempt desc
                    ) as latest_first
                from {REMINDERS_LOG_TABLE}
                where as_of_date = ?
            )

            select recipient_kind, recipient_id, channel, attempt, outcome
            from attempts
            where latest_first = 1
            """,
            [self._as_of_date],
        ).fetchall()
        return {
            DeliveryKey(kind, recipient, channel): Attempt(
                DeliveryKey(kind, recipient, channel), attempt, outcome
            )
            for kind, recipient, channel, attempt, outcome in rows
        }

    def mark_interrupted(self) -> list[DeliveryKey]:
        """Attempts an earlier run left `sending` become `unknown`; returns their keys."""
        rows = self._connection.execute(
            f"""
            update {REMINDERS_LOG_TABLE}
            set outcome = ?, finished_at = ?,
                detail = 'the run stopped between sending and confirming; not sent again'
            where as_of_date = ? and outcome = ?
            returning recipient_kind, recipient_id, channel
            """,
            [UNKNOWN, _now(), self._as_of_date, SENDING],
        ).fetchall()
        return [DeliveryKey(*row) for row in rows]

    def begin(self, key: DeliveryKey, roles: str, item_count: int, outcome: str = SENDING) -> int:
        """Records an attempt (committed before anything leaves); returns its number."""
        (attempt,) = self._connection.execute(
            f"""
            insert into {REMINDERS_LOG_TABLE} (
                as_of_date, recipient_kind, recipient_id, roles, channel, attempt,
                item_count, outcome, run_id, started_at
            )
            select ?, ?, ?, ?, ?, coalesce(max(attempt), 0) + 1, ?, ?, ?, ?
            from {REMINDERS_LOG_TABLE}
            where as_of_date = ? and recipient_kind = ? and recipient_id = ? and channel = ?
            returning attempt
            """,
            [
                self._as_of_date,
                key.recipient_kind,
                key.recipient_id,
                roles,
                key.channel,
                item_count,
                outcome,
                self._run_id,
                _now(),
                self._as_of_date,
                key.recipient_kind,
                key.recipient_id,
                key.channel,
            ],
        ).fetchone()
        return int(attempt)

    def finish(self, key: DeliveryKey, attempt: int, outcome: str, detail: str | None) -> None:
        self._connection.execute(
            f"""
            update {REMINDERS_LOG_TABLE}
            set outcome = ?, detail = ?, finished_at = ?
            where as_of_date = ? and recipient_kind = ? and recipient_id = ? and channel = ?
              and attempt = ?
            """,
            [
                outcome,
                detail,
                _now(),
                self._as_of_date,
                key.recipient_kind,
                key.recipient_id,
                key.channel,
                attempt,
            ],
        )

    def record(
        self, key: DeliveryKey, roles: str, item_count: int, outcome: str, detail: str | None
    ) -> None:
        """An attempt that ends at once (no address, dry run): one row, already final."""
        attempt = self.begin(key, roles, item_count, outcome)
        self.finish(key, attempt, outcome, detail)
