"""The reminders step in a real daily run: dbt builds the chase list from a planted roster
dated today, the step sends to a real SMTP server, the evidence carries the log."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, ExecuteInProcessResult

from orchestration.alerting.channels import (
    EMAIL_TO_VAR,
    SMTP_HOST_VAR,
    SMTP_PORT_VAR,
    WEBHOOK_URL_VAR,
)
from orchestration.evidence.layout import day_folder
from orchestration.reminders.assets import today
from orchestration.reminders.reminders_log import REMINDERS_LOG_FILE
from orchestration.settings import REMINDERS_ENABLED_VAR
from tests.alerting.receivers import SmtpReceiver, smtp_receiver
from tests.in_process import materialize_day
from tests.landing_builder import completion, person, write_day

pytestmark = pytest.mark.slow

OWNER = "owner@example.com"
MANAGER = {"job_title": "Engineering Manager", "job_family": "Engineering Manager"}


def _roster(day: date) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """People around the shipped policy's limits (365-day validity, 30 days due soon and
    grace, escalation after 14 days failing)."""
    lapsed = day - timedelta(days=365)
    people = [
        person("L15", manager_id="M1", full_name="Lia Fifteen"),
        person("L14", manager_id="M1", full_name="Leo Fourteen"),
        person("S10", manager_id="M1", full_name="Sue Soon"),
        person("OK", manager_id="M1", full_name="Olga Current"),
        person("N", manager_id="M2", full_name="Ned Never"),
        person("G", manager_id="M2", full_name="Gil Grace", hire_date=str(day - timedelta(10))),
        person("X", manager_id="M9", full_name="Xia Orphan"),
        person("M1", manager_id="VP", full_name="Mia Manager", **MANAGER),
        person("M2", manager_id="VP", full_name="Max Manager", **MANAGER),
        person("VP", manager_id="", full_name="Vic President", **MANAGER),
    ]
    completions = [
        completion("R1", "L15", str(lapsed - timedelta(days=15))),
        completion("R2", "L14", str(lapsed - timedelta(days=14))),
        completion("R3", "S10", str(lapsed + timedelta(days=10))),
        completion("R4", "OK", str(day - timedelta(days=10))),
        completion("R5", "X", str(lapsed - timedelta(days=3))),
    ]
    return people, completions


@dataclass
class RemindedDay:
    root: Path
    day: date
    smtp: SmtpReceiver
    first: ExecuteInProcessResult
    first_messages: list[EmailMessage]
    rerun: ExecuteInProcessResult
    rerun_messages: list[EmailMessage]

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.root / "warehouse" / "compliance.duckdb"), True) as c:
            return c.execute(sql, [self.day]).fetchall()


def _parsed(receiver: SmtpReceiver, start: int = 0) -> list[EmailMessage]:
    return [
        message_from_bytes(message.as_bytes(), policy=policy.default)  # type: ignore[misc]
        for message in receiver.messages[start:]
    ]


@pytest.fixture(scope="module")
def reminded_day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemindedDay]:
    root = tmp_path_factory.mktemp("reminded_day")
    day = today()
    people, completions = _roster(day)
    write_day(root / "landing", day, people, completions)
    instance = DagsterInstance.ephemeral()
    with pytest.MonkeyPatch.context() as monkeypatch, smtp_receiver() as receiver:
        monkeypatch.setenv(REMINDERS_ENABLED_VAR, "true")
        monkeypatch.setenv(SMTP_HOST_VAR, receiver.host)
        monkeypatch.setenv(SMTP_PORT_VAR, str(receiver.port))
        monkeypatch.setenv(EMAIL_TO_VAR, OWNER)
        monkeypatch.delenv(WEBHOOK_URL_VAR, raising=False)
        first = materialize_day(monkeypatch, root, day, instance, with_evidence=True)
        sent_first = len(receiver.messages)
        rerun = materialize_day(monkeypatch, root, day, instance)
        yield RemindedDay(
            root,
            day,
            receiver,
            first,
            _parsed(receiver)[:sent_first],
            rerun,
            _parsed(receiver, sent_first),
        )


def _by_address(messages: list[EmailMessage]) -> dict[str, list[str]]:
    bodies: dict[str, list[str]] = {}
    for message in messages:
        (address,) = message["To"].addresses
        bodies.setdefault(address.addr_spec, []).append(message.get_content())
    return bodies


def _listed(body: str, heading: str) -> set[str]:
    if heading not in body:
        return set()
    section = body[body.index(heading) :].split("\n\n")[0]
    return {
        line.split("(")[1].split(")")[0] for line in section.splitlines() if line.startswith("  - ")
    }


def test_both_runs_succeed(reminded_day: RemindedDay) -> None:
    assert reminded_day.first.success and reminded_day.rerun.success


def test_the_chase_list_holds_the_planted_people(reminded_day: RemindedDay) -> None:
    rows = reminded_day.query(
        "select employee_id, escalation_level from main.fct_chase_list where as_of_date = ? "
        "order by employee_id"
    )
    assert rows == [("G", 0), ("L14", 1), ("L15", 2), ("N", 2), ("S10", 0), ("X", 1)]


def test_every_manager_gets_one_digest_listing_exactly_their_people(
    reminded_day: RemindedDay,
) -> None:
    bodies = _by_address(reminded_day.first_messages)
    assert all(len(messages) == 1 for messages in bodies.values()), bodies.keys()
    chase = reminded_day.query(
        "select employee_id, manager_id, is_failing from main.fct_chase_list "
        "where as_of_date = ? and manager_id is not null"
    )
    managers = {manager for _, manager, _ in chase} - {"M9"}
    assert managers == {"M1", "M2"}
    for manager in managers:
        (body,) = bodies[f"{manager.lower()}@example.com"]
        failing = {who for who, boss, is_failing in chase if boss == manager and is_failing}
        upcoming = {who for who, boss, is_failing in chase if boss == manager and not is_failing}
        assert _listed(body, "YOUR DIRECT REPORTS WHO ARE FAILING") == failing
        assert _listed(body, "YOUR DIRECT REPORTS DUE SOON OR IN GRACE") == upcoming
    (m1,) = bodies["m1@example.com"]
    assert "Lia Fifteen (L15)" in m1 and "15 days overdue" in m1 and "(OK)" not in m1


def test_the_skip_level_manager_gets_only_those_failing_past_escalate_after_days(
    reminded_day: RemindedDay,
) -> None:
    (vp,) = _by_address(reminded_day.first_messages)["vp@example.com"]
    # L15 fails for 15 days (> 14, escalated), L14 for 14 (not yet).
    assert _listed(vp, "ESCALATED TO YOU: FAILING FOR MORE THAN 14 DAYS") == {"L15", "N"}


def test_people_and_the_owner_get_theirs_and_an_unknown_manager_is_listed(
    reminded_day: RemindedDay,
) -> None:
    bodies = _by_address(reminded_day.first_messages)
    people = {"g", "l14", "l15", "n", "s10", "x"}
    assert set(bodies) == {f"{who}@example.com" for who in people | {"m1", "m2", "vp"}} | {OWNER}
    (owner,) = bodies[OWNER]
    assert "6 people to chase, 4 failing, 2 escalated" in owner
    assert "M9 (manager, 1 on the chase list): not on the day's HR roster" in owner


def test_a_rerun_of_the_day_sends_nothing(reminded_day: RemindedDay) -> None:
    assert reminded_day.rerun_messages == []
    outcomes = reminded_day.query(
        "select outcome, count(*) from reminders.reminders_log where as_of_date = ? "
        "group by outcome order by outcome"
    )
    assert outcomes == [("no_email", 1), ("sent", 10)]


def test_the_evidence_holds_the_days_log_with_ids_only(reminded_day: RemindedDay) -> None:
    path = day_folder(reminded_day.root / "evidence", reminded_day.day) / REMINDERS_LOG_FILE
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {(row["recipient_id"], row["outcome"]) for row in rows} >= {
        ("M1", "sent"),
        ("VP", "sent"),
        ("M9", "no_email"),
        ("compliance_owner", "sent"),
    }
    assert len(rows) == 11
    text = path.read_text(encoding="utf-8")
    assert "@example.com" not in text and "Mia Manager" not in text
