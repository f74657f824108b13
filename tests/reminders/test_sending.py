"""Reminders from a small real warehouse to a real SMTP server and webhook on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from pathlib import Path

import duckdb
import pytest

from orchestration.alerting.channels import (
    EMAIL_FROM_VAR,
    EMAIL_TO_VAR,
    SMTP_HOST_VAR,
    SMTP_PORT_VAR,
    WEBHOOK_URL_VAR,
)
from orchestration.reminders.reminders_log import (
    EXPORT_SQL,
    REMINDERS_LOG_TABLE,
    DeliveryKey,
    RemindersLog,
)
from orchestration.reminders.sending import (
    RemindersOptions,
    RemindersReport,
    RemindersSetupError,
    send_reminders,
)
from tests.alerting.receivers import SmtpReceiver, smtp_receiver, webhook_receiver
from tests.network import free_port
from tests.reminders.day_warehouse import Chased, build_day_warehouse

DAY = date(2026, 12, 2)
OWNER = "owner@example.com"

CHASED = [
    Chased("A", "M1", "S1", days_overdue=20, escalation_level=2),
    Chased("B", "M1", "S1", days_overdue=3, escalation_level=1, department="Platform"),
    Chased("C", "M1", "S1"),
    Chased("D", "M2", "S1", chase_reason="in grace without a completion"),
    Chased("E", "M3", "S1", days_overdue=30, escalation_level=2, chase_reason="never completed"),
    Chased("F", None, None, days_overdue=5, escalation_level=1),
]
CONTACTS: dict[str, tuple[str | None, str | None]] = {
    "A": ("Ada Lovelace", "a@example.com"),
    "B": ("Bob Brown", "b@example.com"),
    "C": ("Cy Chen", "c@example.com"),
    "D": ("Di Diaz", "d@example.com"),
    "E": ("Ed Evans", "e@example.com"),
    "F": ("Fay Fox", "f@example.com"),
    "M1": ("Mia Manager", "m1@example.com"),
    "M2": ("Max Manager", "m2@example.com"),
    "M3": ("Mo Nomail", None),
    "S1": ("Sam Skip", "s1@example.com"),
}
EMPLOYEE_RECIPIENTS = {"A", "B", "C", "D", "E", "F", "M1", "M2", "S1"}


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpReceiver]:
    with smtp_receiver() as receiver:
        monkeypatch.setenv(SMTP_HOST_VAR, receiver.host)
        monkeypatch.setenv(SMTP_PORT_VAR, str(receiver.port))
        monkeypatch.setenv(EMAIL_FROM_VAR, "reminders@example.com")
        monkeypatch.setenv(EMAIL_TO_VAR, OWNER)
        monkeypatch.delenv(WEBHOOK_URL_VAR, raising=False)
        yield receiver


def _warehouse(
    tmp_path: Path,
    chased: list[Chased] = CHASED,
    contacts: dict[str, tuple[str | None, str | None]] = CONTACTS,
) -> Path:
    return build_day_warehouse(tmp_path / "compliance.duckdb", DAY, chased, contacts)


def _send(
    warehouse: Path, tmp_path: Path, *, today: date = DAY, dry_run: bool = False
) -> RemindersReport:
    options = RemindersOptions(
        today=today, dry_run=dry_run, outbox_dir=tmp_path / "outbox", top_of_list=3, run_id="r1"
    )
    with duckdb.connect(str(warehouse)) as connection:
        return send_reminders(connection, DAY, options, log=lambda line: None)


def _log_rows(warehouse: Path) -> list[dict[str, object]]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        cursor = connection.execute(EXPORT_SQL, [DAY])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _by_recipient(messages: list[Message]) -> dict[str, list[EmailMessage]]:
    """Received messages by their one To address, parsed with the modern email policy."""
    received: dict[str, list[EmailMessage]] = {}
    for raw in messages:
        message = message_from_bytes(raw.as_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        addresses = message["To"].addresses
        assert len(addresses) == 1, message["To"]
        received.setdefault(addresses[0].addr_spec, []).append(message)
    return received


def _body(message: EmailMessage) -> str:
    return message.get_content()


def _section(body: str, heading: str) -> str:
    """The lines of one section of a digest (up to the next blank line)."""
    start = body.index(heading)
    end = body.find("\n\n", start)
    return body[start : end if end != -1 else None]


def _ids_listed(section: str) -> set[str]:
    return {
        line.split("(")[1].split(")")[0]
        for line in section.splitlines()
        if line.startswith("  - ") and "(" in line
    }


def test_one_digest_per_recipient_listing_exactly_their_people(
    tmp_path: Path, smtp: SmtpReceiver
) -> None:
    warehouse = _warehouse(tmp_path)
    report = _send(warehouse, tmp_path)

    received = _by_recipient(smtp.messages)
    assert set(received) == {f"{who.lower()}@example.com" for who in EMPLOYEE_RECIPIENTS} | {OWNER}
    assert all(len(messages) == 1 for messages in received.values())
    m1 = _body(received["m1@example.com"][0])
    assert _ids_listed(_section(m1, "YOUR DIRECT REPORTS WHO ARE FAILING")) == {"A", "B"}
    assert _ids_listed(_section(m1, "YOUR DIRECT REPORTS DUE SOON")) == {"C"}
    assert "Ada Lovelace (A)" in m1 and "ESCALATED" not in m1
    # Most overdue first.
    assert m1.index("(A)") < m1.index("(B)")
    m2 = _body(received["m2@example.com"][0])
    assert _ids_listed(_section(m2, "YOUR DIRECT REPORTS DUE SOON")) == {"D"}
    assert "WHO ARE FAILING" not in m2
    s1 = _body(received["s1@example.com"][0])
    assert _ids_listed(_section(s1, "ESCALATED TO YOU: FAILING FOR MORE THAN 14 DAYS")) == {
        "A",
        "E",
    }
    assert "DIRECT REPORTS" not in s1
    own = _body(received["a@example.com"][0])
    assert "YOUR TRAINING" in own and "20 days overdue" in own and "(B)" not in own
    assert report.outcomes == {"sent": 10, "no_email": 1}


def test_the_owner_gets_the_summary_top_of_the_list_and_who_has_no_email(
    tmp_path: Path, smtp: SmtpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = _warehouse(tmp_path)
    with webhook_receiver() as webhook:
        monkeypatch.setenv(WEBHOOK_URL_VAR, webhook.url)
        _send(warehouse, tmp_path)
    owner = _body(_by_recipient(smtp.messages)[OWNER][0])
    assert "6 people to chase, 4 failing, 2 escalated" in owner
    assert "  - lapsed: completion expired: 3" in owner
    assert "  - never completed: 1" in owner
    assert "9 sent now" in owner
    unreachable = _section(owner, "RECIPIENTS WITHOUT AN EMAIL (1)")
    assert "M3 (manager, 1 on the chase list): no work email" in unreachable
    assert "FAILING WITH NO MANAGER ON RECORD (1)\n  - F" in owner
    top = _section(owner, "TOP OF THE LIST (3 of 6")
    assert [line.split(",")[0] for line in top.splitlines()[1:4]] == ["  - E", "  - A", "  - F"]
    assert "... and 3 more" in top
    # The owner's digest names nobody.
    assert not any(name in owner for name, _ in CONTACTS.values() if name)
    (posted,) = webhook.messages
    assert posted["text"].startswith("TRN.2.01 chase list for 2026-12-02: 6 people to chase")
    rows = {(row["recipient_id"], row["channel"]): row for row in _log_rows(warehouse)}
    assert rows[("compliance_owner", "webhook")]["outcome"] == "sent"
    assert rows[("compliance_owner", "email")]["item_count"] == 6
    assert rows[("M3", "email")]["outcome"] == "no_email"
    assert rows[("M3", "email")]["roles"] == "manager"


def test_a_rerun_sends_nothing(tmp_path: Path, smtp: SmtpReceiver) -> None:
    warehouse = _warehouse(tmp_path)
    _send(warehouse, tmp_path)
    first = len(smtp.messages)
    rows_before = _log_rows(warehouse)
    again = _send(warehouse, tmp_path)
    assert first == 10 and len(smtp.messages) == first
    assert again.outcomes == {"no_email": 1}
    assert again.already_done == 10
    # No second row for anyone, not even the recipient without an email.
    assert _log_rows(warehouse) == rows_before


def test_an_interrupted_send_is_never_repeated(tmp_path: Path, smtp: SmtpReceiver) -> None:
    """A run that died after recording `sending` for M1: the next run cannot know whether
    M1's digest left, so it marks the attempt unknown and leaves M1 alone."""
    warehouse = _warehouse(tmp_path)
    with duckdb.connect(str(warehouse)) as connection:
        RemindersLog(connection, DAY, "crashed-run").begin(
            DeliveryKey("employee", "M1", "email"), "manager", 3
        )
    report = _send(warehouse, tmp_path)
    received = _by_recipient(smtp.messages)
    assert "m1@example.com" not in received and len(received) == 9
    assert report.interrupted == [DeliveryKey("employee", "M1", "email")]
    (m1,) = [row for row in _log_rows(warehouse) if row["recipient_id"] == "M1"]
    assert m1["outcome"] == "unknown" and m1["run_id"] == "crashed-run"
    assert "1 of unknown outcome" in _body(received[OWNER][0])


def test_a_failed_delivery_is_retried_by_the_next_run_and_sent_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = _warehouse(tmp_path)
    port = free_port()
    monkeypatch.setenv(SMTP_HOST_VAR, "127.0.0.1")
    monkeypatch.setenv(SMTP_PORT_VAR, str(port))
    monkeypatch.setenv(EMAIL_TO_VAR, OWNER)
    monkeypatch.delenv(WEBHOOK_URL_VAR, raising=False)
    down = _send(warehouse, tmp_path)
    assert down.outcomes == {"failed": 10, "no_email": 1}
    with smtp_receiver() as receiver:
        monkeypatch.setenv(SMTP_PORT_VAR, str(receiver.port))
        up = _send(warehouse, tmp_path)
        _send(warehouse, tmp_path)
    assert up.outcomes == {"sent": 10, "no_email": 1}
    assert len(receiver.messages) == 10
    attempts = [row for row in _log_rows(warehouse) if row["recipient_id"] == "A"]
    assert [(row["attempt"], row["outcome"]) for row in attempts] == [(1, "failed"), (2, "sent")]
    assert "unreachable" in str(attempts[0]["detail"])


def test_dry_run_writes_the_digests_as_files_and_sends_nothing(
    tmp_path: Path, smtp: SmtpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = _warehouse(tmp_path)
    with webhook_receiver() as webhook:
        monkeypatch.setenv(WEBHOOK_URL_VAR, webhook.url)
        report = _send(warehouse, tmp_path, dry_run=True)
        assert webhook.messages == []
    assert smtp.messages == []
    folder = tmp_path / "outbox" / DAY.isoformat()
    assert report.outbox == folder
    files = sorted(path.name for path in folder.iterdir())
    assert files == sorted(
        [f"email-employee-{who}.eml" for who in EMPLOYEE_RECIPIENTS]
        + ["email-compliance_owner-compliance_owner.eml"]
        + ["webhook-compliance_owner-compliance_owner.json"]
    )
    m1 = (folder / "email-employee-M1.eml").read_text()
    assert "To: Mia Manager <m1@example.com>" in m1 and "Ada Lovelace (A)" in m1
    assert json.loads((folder / "webhook-compliance_owner-compliance_owner.json").read_text())
    assert {row["outcome"] for row in _log_rows(warehouse)} == {"dry_run", "no_email"}
    # A dry run is a preview: the real run afterwards still sends every digest, once.
    monkeypatch.delenv(WEBHOOK_URL_VAR)
    _send(warehouse, tmp_path)
    assert len(smtp.messages) == 10


def test_a_backfill_never_sends(tmp_path: Path, smtp: SmtpReceiver) -> None:
    warehouse = _warehouse(tmp_path)
    report = _send(warehouse, tmp_path, today=DAY + timedelta(days=1))
    assert smtp.messages == []
    assert report.skipped and "only for today's as-of date (2026-12-03)" in report.skipped
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        tables = connection.execute(
            "select count(*) from information_schema.tables where table_schema = 'reminders' "
            "and table_name = 'reminders_log'"
        ).fetchone()
    assert tables == (0,)


def test_a_day_with_nothing_to_say_sends_nothing(tmp_path: Path, smtp: SmtpReceiver) -> None:
    warehouse = _warehouse(tmp_path, chased=[])
    report = _send(warehouse, tmp_path)
    assert smtp.messages == []
    assert report.skipped == "nobody on the chase list: nothing to say, nothing sent"
    assert _log_rows(warehouse) == []


def test_enabled_without_an_smtp_server_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SMTP_HOST_VAR, raising=False)
    with pytest.raises(RemindersSetupError, match=f"^reminders are enabled but {SMTP_HOST_VAR}"):
        _send(_warehouse(tmp_path), tmp_path)


def test_header_and_markup_injection_from_hr_data_is_impossible(
    tmp_path: Path, smtp: SmtpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = "<!channel> & <https://evil.example|click>\r\nBcc: evil@example.com"
    chased = [
        Chased("X1", "M1", None, days_overdue=2, escalation_level=1, department=hostile),
        Chased("X2", "M1", None, days_overdue=1, escalation_level=1),
    ]
    contacts: dict[str, tuple[str | None, str | None]] = {
        "X1": ("Eve\r\nBcc: evil@example.com\r\nSubject: forged", "x1@example.com"),
        # An address that tries to add a recipient is no address at all.
        "X2": ("Xav", "x2@example.com\r\nBcc: evil@example.com"),
        "M1": ("Mia\nCc: evil@example.com", "m1@example.com"),
    }
    warehouse = _warehouse(tmp_path, chased=chased, contacts=contacts)
    with webhook_receiver() as webhook:
        monkeypatch.setenv(WEBHOOK_URL_VAR, webhook.url)
        report = _send(warehouse, tmp_path)
    received = _by_recipient(smtp.messages)
    assert set(received) == {"x1@example.com", "m1@example.com", OWNER}
    for (message,) in received.values():
        assert message.get_all("Bcc") is None and message.get_all("Cc") is None
        assert len(message.get_all("Subject")) == 1
        assert "evil@example.com" not in str(message["To"].addresses[0].addr_spec)
    assert received["x1@example.com"][0]["To"].addresses[0].display_name.startswith("Eve Bcc")
    m1 = _body(received["m1@example.com"][0])
    # One line per person, whatever the data holds.
    (x1_line,) = [line for line in m1.splitlines() if "(X1)" in line]
    assert "Bcc: evil@example.com" in x1_line
    assert [item.employee_id for item in report.unreachable] == ["X2"]
    (posted,) = webhook.messages
    assert "<!channel>" not in posted["text"] and "<https://" not in posted["text"]
    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;" in posted["text"]


def test_the_log_holds_ids_and_no_names_or_addresses(tmp_path: Path, smtp: SmtpReceiver) -> None:
    warehouse = _warehouse(tmp_path)
    _send(warehouse, tmp_path)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        text = json.dumps(
            connection.execute(f"select * from {REMINDERS_LOG_TABLE}").fetchall(), default=str
        )
    assert not [value for pair in CONTACTS.values() for value in pair if value and value in text]
    assert all(f'"{who}"' in text for who in EMPLOYEE_RECIPIENTS | {"M3"})


def test_a_manager_missing_from_the_roster_is_listed_not_dropped(
    tmp_path: Path, smtp: SmtpReceiver
) -> None:
    chased = [Chased("A", "M9", "S9", days_overdue=20, escalation_level=2)]
    warehouse = _warehouse(tmp_path, chased=chased, contacts={"A": CONTACTS["A"]})
    report = _send(warehouse, tmp_path)
    assert set(_by_recipient(smtp.messages)) == {"a@example.com", OWNER}
    owner = _body(_by_recipient(smtp.messages)[OWNER][0])
    unreachable = _section(owner, "RECIPIENTS WITHOUT AN EMAIL (2)")
    assert "M9 (manager, 1 on the chase list): not on the day's HR roster" in unreachable
    assert "S9 (skip_level_manager, 1 on the chase list): not on the day's HR roster" in unreachable
    assert [(item.employee_id, item.reason) for item in report.unreachable] == [
        ("M9", "not on the day's HR roster"),
        ("S9", "not on the day's HR roster"),
    ]
    outcomes = {(row["recipient_id"], row["outcome"]) for row in _log_rows(warehouse)}
    assert {("M9", "no_email"), ("S9", "no_email")} <= outcomes
