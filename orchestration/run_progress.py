"""One short line per step of a running daily run, read from the Dagster instance's event log.

The run executes in another process; this one reads its events as they are stored.
The GX checks run as one step each and are summed up in one line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dagster import DagsterEventType, DagsterInstance, EventLogRecord

from orchestration.settings import marts_on_postgres
from orchestration.verdict.tags import COVERAGE_TAG, FAILING_TAG, VERDICT_TAG

POSTGRES_PUBLISH_STEP = "landing__postgres_published"
# The steps of daily_compliance_job, by op name. Steps that evaluate an asset check
# are summed up in one line; any other step gets a line under its own name.
STEP_LABELS = {
    "connectors__hr_export": "pull or take the exports",
    "connectors__lms_export": "pull or take the exports",
    "landing_exports": "load the day's exports",
    "policy": "apply the policy file",
    # Does nothing on the DuckDB default (the landing tables are already the warehouse's).
    POSTGRES_PUBLISH_STEP: "publish the day to PostgreSQL",
    "compliance_dbt_models": "build the dbt models and tests",
    "compliance_verdict": "verdict",
    "reminders__reminders_log": "reminders",
    "evidence_pack": "write the evidence pack",
}
# Steps sharing a label are one line, printed when the last of them ends.
CHECKS_LABEL = "GX checks"
START_LABEL = "start the Dagster run"
EVIDENCE_STEP = "evidence_pack"
VERDICT_STEP = "compliance_verdict"

_EVENTS = {
    DagsterEventType.RUN_START,
    DagsterEventType.RUN_SUCCESS,
    DagsterEventType.RUN_FAILURE,
    DagsterEventType.STEP_START,
    DagsterEventType.STEP_SUCCESS,
    DagsterEventType.STEP_FAILURE,
    DagsterEventType.ASSET_CHECK_EVALUATION,
}


def step_line(label: str, outcome: str, seconds: float) -> str:
    return f"  {label:<34} {outcome:<30} {seconds:6.1f}s"


@dataclass
class RunProgress:
    """Turns the run's stored events into step lines, each printed once, as they happen."""

    instance: DagsterInstance
    run_id: str
    launched_at: float
    echo: Callable[[str], None]
    finished: bool = False
    succeeded: bool = False
    _cursor: str | None = None
    _starts: dict[str, float] = field(default_factory=dict)
    _check_step_keys: set[str] = field(default_factory=set)
    _check_steps: int = 0
    _check_errors: int = 0
    _checks_failed: int = 0
    _check_seconds: float = 0.0
    _checks_reported: bool = False
    # Label -> (steps ended, seconds, any failed) of labels shared by several steps.
    _shared: dict[str, tuple[int, float, bool]] = field(default_factory=dict)

    def poll(self) -> None:
        """Prints the lines of every step that ended since the last poll."""
        while True:
            connection = self.instance.get_records_for_run(
                self.run_id, cursor=self._cursor, of_type=_EVENTS, limit=200
            )
            for record in connection.records:
                self._take(record)
            self._cursor = connection.cursor
            if not connection.has_more:
                return

    def _take(self, record: EventLogRecord) -> None:
        entry = record.event_log_entry
        event = entry.dagster_event
        if event is None:
            return
        kind = event.event_type
        step = event.step_key or ""
        if kind == DagsterEventType.RUN_START:
            self.echo(
                step_line(START_LABEL, "definitions loaded", entry.timestamp - self.launched_at)
            )
        elif kind == DagsterEventType.STEP_START:
            self._starts[step] = entry.timestamp
            if step == EVIDENCE_STEP:
                self._report_checks()
        elif kind in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            seconds = entry.timestamp - self._starts.get(step, entry.timestamp)
            failed = kind == DagsterEventType.STEP_FAILURE
            if step in self._check_step_keys:
                self._check_steps += 1
                self._check_errors += failed
                self._check_seconds += seconds
            else:
                self._step_ended(step, failed, seconds)
        elif kind == DagsterEventType.ASSET_CHECK_EVALUATION:
            if step not in STEP_LABELS:
                # dbt's tests are checks too, evaluated inside the dbt step's own line.
                self._check_step_keys.add(step)
                self._checks_failed += not event.asset_check_evaluation_data.passed
        elif kind in (DagsterEventType.RUN_SUCCESS, DagsterEventType.RUN_FAILURE):
            self._report_checks()
            self.finished = True
            self.succeeded = kind == DagsterEventType.RUN_SUCCESS

    def _step_ended(self, step: str, failed: bool, seconds: float) -> None:
        label = STEP_LABELS.get(step, step)
        sharing = sum(1 for other in STEP_LABELS.values() if other == label)
        if sharing > 1:
            ended, total, any_failed = self._shared.get(label, (0, 0.0, False))
            self._shared[label] = (ended + 1, total + seconds, any_failed or failed)
            if ended + 1 < sharing:
                return
            seconds, failed = total + seconds, any_failed or failed
        self.echo(step_line(label, self._outcome(step, failed), seconds))

    def _outcome(self, step: str, failed: bool) -> str:
        if failed:
            return "FAILED (see the log)"
        if step == POSTGRES_PUBLISH_STEP and not marts_on_postgres():
            return "not needed (DuckDB target)"
        if step != VERDICT_STEP:
            return "done"
        run = self.instance.get_run_by_id(self.run_id)
        tags = run.tags if run else {}
        return (
            f"{tags.get(VERDICT_TAG, '?')}, {tags.get(COVERAGE_TAG, '?')}, "
            f"{tags.get(FAILING_TAG, '?')} failing"
        )

    def _report_checks(self) -> None:
        if self._checks_reported or not self._check_steps:
            return
        self._checks_reported = True
        outcome = f"{self._check_steps} run, {self._checks_failed} failed"
        if self._check_errors:
            outcome += f", {self._check_errors} errored"
        self.echo(step_line(CHECKS_LABEL, outcome, self._check_seconds))
