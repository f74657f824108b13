"""Turns a finished run's failed checks or failure into one alert an on-call person can act on.

The alert is plain text: every value taken from the data or the run is folded onto
one line (markup.one_line) so it cannot forge lines, and the channel escapes the
text for its medium (see channels.py).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from dagster import AssetCheckSeverity, DagsterEventType, DagsterInstance

from orchestration.alerting.channels import Alert
from orchestration.alerting.markup import one_line
from orchestration.evidence.seal_alert import seal_entry_lines
from orchestration.validation import check_names

BASE_URL_VAR = "COMPLIANCE_DAGSTER_BASE_URL"
PEOPLE_IN_MESSAGE = 10


@dataclass(frozen=True)
class CheckFailure:
    asset: str
    check_name: str
    severity: AssetCheckSeverity
    metadata: dict[str, Any]


def run_url(run_id: str) -> str:
    base = os.environ.get(BASE_URL_VAR, "").strip() or "http://127.0.0.1:3000"
    return f"{base.rstrip('/')}/runs/{run_id}"


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)


def failed_checks(instance: DagsterInstance, run_id: str) -> list[CheckFailure]:
    failures = []
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.asset_check_evaluation_data
        if evaluation.passed:
            continue
        failures.append(
            CheckFailure(
                asset="/".join(evaluation.asset_key.path),
                check_name=evaluation.check_name,
                severity=evaluation.severity,
                metadata={key: _plain(value) for key, value in evaluation.metadata.items()},
            )
        )
    return failures


def first_step_error(instance: DagsterInstance, run_id: str) -> str:
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.STEP_FAILURE):
        error = entry.dagster_event.step_failure_data.error
        if error is not None:
            return one_line(error.message.strip().splitlines()[0])
    return "see the run's logs"


def _people_lines(people: list[dict[str, Any]]) -> list[str]:
    lines = []
    for person in people[:PEOPLE_IN_MESSAGE]:
        manager = one_line(person.get("manager_id") or "no manager on record")
        days = person.get("days_overdue")
        overdue = f"{one_line(days)} days" if days is not None else "n/a"
        lines.append(
            f"  - {one_line(person['employee_id'])} (manager {manager}): "
            f"{one_line(person['status'])}, {overdue} overdue"
        )
    return lines


def build_run_alert(instance: DagsterInstance, run_id: str, run_failed: bool) -> Alert | None:
    """The alert for a finished run, or None when nothing of ERROR severity went wrong."""
    run = instance.get_run_by_id(run_id)
    return compose_run_alert(
        as_of_date=(run.tags.get("dagster/partition") if run else None) or "unknown date",
        failures=failed_checks(instance, run_id),
        step_error=first_step_error(instance, run_id) if run_failed else None,
        seal_lines=seal_entry_lines(instance, run_id),
        url=run_url(run_id),
    )


def compose_run_alert(
    as_of_date: str,
    failures: list[CheckFailure],
    step_error: str | None,
    url: str,
    seal_lines: list[str] | None = None,
) -> Alert | None:
    """The alert text from a run's facts (`step_error` None: the run succeeded;
    `seal_lines`: the seal log entry the run appended, written by the pipeline)."""
    run_failed = step_error is not None
    as_of_date = one_line(as_of_date)
    errors = [failure for failure in failures if failure.severity == AssetCheckSeverity.ERROR]
    if not run_failed and not errors:
        return None

    gate = next(
        (failure for failure in failures if failure.check_name == check_names.COVERAGE_GATE), None
    )
    lines: list[str] = []
    if gate is not None:
        metadata = gate.metadata
        coverage = metadata.get("coverage_pct")
        coverage_text = f"{coverage:.2f}%" if isinstance(coverage, float) else str(coverage)
        headline = f"TRN.2.01 {as_of_date}: coverage {coverage_text}, control FAILED"
        by_status = metadata.get("failing_by_status") or {}
        if isinstance(by_status, str):
            by_status = json.loads(by_status)
        breakdown = ", ".join(
            f"{one_line(status).replace('_', ' ')} {one_line(count)}"
            for status, count in by_status.items()
        )
        lines.append(
            f"{metadata.get('failing_count', '?')} of {metadata.get('in_scope_count', '?')} "
            f"in-scope people failing" + (f" ({breakdown})." if breakdown else ".")
        )
        people = metadata.get("failing_people") or []
        if isinstance(people, str):
            people = json.loads(people)
        if people:
            lines.append("Most overdue:")
            lines.extend(_people_lines(people))
    elif run_failed:
        headline = f"TRN.2.01 {as_of_date}: daily run FAILED, no coverage measured"
        lines.append(f"Error: {one_line(step_error)}")
    else:
        headline = f"TRN.2.01 {as_of_date}: checks FAILED, figures not trustworthy"

    scope = next(
        (failure for failure in failures if failure.check_name == check_names.SCOPE_RESOLVED), None
    )
    if scope is not None:
        people = scope.metadata.get("unresolved_people") or []
        if isinstance(people, str):
            people = json.loads(people)
        shown = ", ".join(one_line(person["employee_id"]) for person in people[:PEOPLE_IN_MESSAGE])
        more = (
            f" and {len(people) - PEOPLE_IN_MESSAGE} more"
            if len(people) > PEOPLE_IN_MESSAGE
            else ""
        )
        lines.append(
            f"{len(people)} people whose scope the policy does not decide (unclassified or "
            f"possible scope misses), so the control fails: {shown}{more}. Classify them with "
            "a policy rule or an override."
        )
    if run_failed and gate is not None:
        lines.append(f"The run also failed: {one_line(step_error)}")
    if failures:
        lines.append("Failed checks:")
        lines.extend(
            f"  - {failure.check_name} on {failure.asset} ({_plain(failure.severity)})"
            for failure in failures
        )
    lines.extend(seal_lines or [])
    lines.append(f"Run: {url}")
    return Alert(subject=headline, text="\n".join([headline, *lines]))
