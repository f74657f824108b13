"""A real Dagster daemon alerts a real webhook and SMTP server about a failing day, once.

The daemon starts before the runs (a sensor's first tick sets where it starts from);
runs come from the data contract's command, i.e. from another code location.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from dagster import DagsterInstance

from orchestration.sample_data import generate_landing_zone
from tests.alerting.receivers import SmtpReceiver, WebhookReceiver, smtp_receiver, webhook_receiver
from tests.conftest import BIN_DIR, PROJECT_ROOT, PipelineFolders
from tests.landing_builder import completion, person, write_day

FAILING_DAY = date(2026, 11, 27)
PASSING_DAY = date(2026, 11, 20)
BASE_URL = "http://dagster.compliance.test:3000"
POSITION_KEY = "training_compliance/compliance_alert_sensor/webhook"
QUIET_SECONDS = 40  # more than two sensor intervals


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

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(BIN_DIR / "dagster-daemon"), "run", "-w", "workspace.yaml"],
            cwd=PROJECT_ROOT,
            env=self.environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        instance = DagsterInstance.from_config(str(self.folders.dagster_home))
        started = _wait_for(
            lambda: bool(instance.run_storage.get_cursor_values({POSITION_KEY})), 180
        )
        assert started, "the alert sensor never ticked"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=60)
            self.process = None


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
        }
        daemon = Daemon(pipeline_folders, environment)
        daemon.start()
        try:
            yield pipeline_folders, daemon, webhook, smtp
        finally:
            daemon.stop()


def test_failing_day_alerts_once_and_passing_day_stays_quiet(alerting_setup) -> None:
    folders, daemon, webhook, smtp = alerting_setup
    generate_landing_zone(folders.landing, people=500, days=1, end_date=FAILING_DAY)

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

    time.sleep(QUIET_SECONDS)
    assert (len(webhook.messages), len(smtp.messages)) == (1, 1), "an alert was repeated"

    write_day(
        folders.landing,
        PASSING_DAY,
        [person("E1"), person("E2", hire_date="2026-11-01")],
        [completion("L1", "E1", "2026-03-01")],
    )
    folders.materialize_ok(PASSING_DAY)
    time.sleep(QUIET_SECONDS)
    assert (len(webhook.messages), len(smtp.messages)) == (1, 1), "a day at 100% alerted"

    daemon.stop()
    daemon.start()
    time.sleep(QUIET_SECONDS)
    assert (len(webhook.messages), len(smtp.messages)) == (1, 1), "a restart repeated an alert"
