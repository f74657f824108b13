"""A real Dagster daemon alerts a real webhook and SMTP server about a failing day, once.

The daemon starts before the runs (a sensor's first tick sets where it starts from);
runs come from the data contract's command, i.e. from another code location. "Stays
quiet" means: the alert sensor's next two ticks after the moment in question finished
without delivering anything. The sensor evaluates every SENSOR_INTERVAL_SECONDS here
(the daemon's loop does not go faster), not the production 15 s.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from dagster import DagsterInstance
from dagster._core.definitions.run_request import InstigatorType
from dagster._core.scheduler.instigation import InstigatorTick, TickStatus
from sqlalchemy.exc import OperationalError

from orchestration.sample_data import generate_landing_zone
from tests.alerting.receivers import SmtpReceiver, WebhookReceiver, smtp_receiver, webhook_receiver
from tests.conftest import BIN_DIR, PROJECT_ROOT, PipelineFolders
from tests.landing_builder import completion, person, write_day

FAILING_DAY = date(2026, 11, 27)
PASSING_DAY = date(2026, 11, 20)
BASE_URL = "http://dagster.compliance.test:3000"
ALERT_SENSOR = "compliance_alert_sensor"
POSITION_KEY = f"training_compliance/{ALERT_SENSOR}/webhook"
QUIET_TICKS = 2
SENSOR_INTERVAL_SECONDS = 5
# Two sensor intervals and the daemon's own pauses, with room for a busy machine.
QUIET_TIMEOUT_SECONDS = 180


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(1)
    return condition()


class Daemon:
    def __init__(self, folders: PipelineFolders, environment: dict[str, str]) -> None:
        self.folders = folders
        self.environment = environment
        self.process: subprocess.Popen[bytes] | None = None
        # What the daemon writes, read from this process (the home is prepared by now).
        self.instance = DagsterInstance.from_config(str(folders.dagster_home))

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(BIN_DIR / "dagster-daemon"), "run", "-w", "workspace.yaml"],
            cwd=PROJECT_ROOT,
            env=self.environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started = _wait_for(
            lambda: bool(self.instance.run_storage.get_cursor_values({POSITION_KEY})), 180
        )
        assert started, "the alert sensor never ticked"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=60)
            self.process = None

    def alert_ticks(self) -> list[InstigatorTick]:
        states = self.instance.all_instigator_state(instigator_type=InstigatorType.SENSOR)
        return [
            tick
            for state in states
            if state.instigator_name == ALERT_SENSOR
            for tick in self.instance.get_ticks(state.instigator_origin_id, state.selector_id)
        ]

    def wait_for_quiet_ticks(self, since: float) -> None:
        """Returns once QUIET_TICKS alert-sensor ticks started after `since` have finished."""

        def finished() -> list[InstigatorTick]:
            try:
                ticks = [tick for tick in self.alert_ticks() if tick.timestamp > since]
            except OperationalError as error:
                # The daemon is writing a tick into the SQLite storage: read next second.
                if "database is locked" not in str(error):
                    raise
                return []
            failed = [tick for tick in ticks if tick.status == TickStatus.FAILURE]
            assert not failed, failed[0].error
            return [tick for tick in ticks if tick.status != TickStatus.STARTED]

        assert _wait_for(lambda: len(finished()) >= QUIET_TICKS, QUIET_TIMEOUT_SECONDS), (
            f"fewer than {QUIET_TICKS} alert-sensor ticks in {QUIET_TIMEOUT_SECONDS}s"
        )


@pytest.fixture
def alerting_setup(
    pipeline_folders: PipelineFolders,
) -> Iterator[tuple[PipelineFolders, Daemon, WebhookReceiver, SmtpReceiver]]:
    with webhook_receiver() as webhook, smtp_receiver() as smtp:
        environment = {
            **pipeline_folders.environment(),
            "COMPLIANCE_ALERT_WEBHOOK_URL": webhook.url,
            "COMPLIANCE_ALERT_SMTP_HOST": smtp.host,
            "COMPLIANCE_ALERT_SMTP_PORT": str(smtp.port),
            "COMPLIANCE_ALERT_EMAIL_FROM": "compliance-pipeline@example.com",
            "COMPLIANCE_ALERT_EMAIL_TO": "security-compliance@example.com",
            "COMPLIANCE_DAGSTER_BASE_URL": BASE_URL,
            # Keep the freshness sensor quiet: this test is about run alerts.
            "COMPLIANCE_FRESHNESS_DEADLINE": "23:59:59",
            "COMPLIANCE_ALERT_SENSOR_INTERVAL_SECONDS": str(SENSOR_INTERVAL_SECONDS),
        }
        daemon = Daemon(pipeline_folders, environment)
        daemon.start()
        try:
            yield pipeline_folders, daemon, webhook, smtp
        finally:
            daemon.stop()


@pytest.mark.slow
def test_failing_day_alerts_once_and_passing_day_stays_quiet(alerting_setup) -> None:
    folders, daemon, webhook, smtp = alerting_setup
    generate_landing_zone(folders.landing, people=500, days=1, end_date=FAILING_DAY)
    write_day(
        folders.landing,
        PASSING_DAY,
        [person("E1"), person("E2", hire_date="2026-11-01")],
        [completion("L1", "E1", "2026-03-01")],
    )

    folders.materialize_ok(FAILING_DAY)
    run_ended = time.monotonic()
    assert _wait_for(lambda: webhook.messages and smtp.messages, 60)
    assert time.monotonic() - run_ended <= 60
    (coverage_pct,) = folders.query(
        "select coverage_pct from main.compliance_coverage where as_of_date = ?", [FAILING_DAY]
    )[0]
    assert coverage_pct < 100

    text = webhook.messages[0]["text"]
    assert FAILING_DAY.isoformat() in text
    assert f"coverage {coverage_pct:.2f}%" in text
    assert f"{BASE_URL}/runs/" in text
    assert "manager" in text and "overdue" in text
    email = smtp.messages[0]
    assert FAILING_DAY.isoformat() in email["Subject"]
    assert f"coverage {coverage_pct:.2f}%" in email.get_payload()

    # Every tick from the alert on, through the passing day's run and two ticks past its
    # end, must deliver nothing: neither the failing day again nor the passing day.
    folders.materialize_ok(PASSING_DAY)
    daemon.wait_for_quiet_ticks(since=time.time())
    sent = [message["text"] for message in webhook.messages]
    sent += [message["Subject"] for message in smtp.messages]
    assert not [text for text in sent if PASSING_DAY.isoformat() in text], "a day at 100% alerted"
    assert (len(webhook.messages), len(smtp.messages)) == (1, 1), "an alert was repeated"

    daemon.stop()
    restarted = time.time()
    daemon.start()
    daemon.wait_for_quiet_ticks(since=restarted)
    assert (len(webhook.messages), len(smtp.messages)) == (1, 1), "a restart repeated an alert"
