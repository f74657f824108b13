"""The coverage gate on real runs: fails on an empty roster, a rejected HR row or one
overdue person, and passes at exactly 100% with grace, leave and exempt people present."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from dagster import AssetCheckSeverity

from tests.in_process import check_evaluations, materialize_day
from tests.landing_builder import completion, person, write_day, write_exceptions

AS_OF = date(2026, 11, 27)
GATE = ("fct_training_compliance", "gx_coverage_gate")
VERDICT = ("compliance_coverage", "gx_coverage_verdict")
HR_ROWS = ("landing/hr_employees", "gx_contract_rows")


def _everyone_covered() -> tuple[list[dict], list[dict]]:
    people = [
        person("E1"),
        person("E2", hire_date="2026-11-01"),  # in grace, nothing completed
        person("E3", employment_status="leave"),
        person("E4"),  # exempt
        # Out of scope, nothing completed (a title like an engineer's would be a scope miss).
        person("E5", job_family="Data Analyst", job_title="Data Analyst"),
    ]
    return people, [completion("L1", "E1", "2025-11-27")]  # due exactly today


@pytest.fixture
def landing_root(tmp_path: Path) -> Path:
    write_exceptions(
        tmp_path / "landing",
        [
            {
                "employee_id": "E4",
                "reason": "Medical leave",
                "approved_by": "CISO",
                "approved_on": "2026-01-01",
                "expires_on": "",
            }
        ],
    )
    return tmp_path


def test_gate_passes_at_exactly_100_percent(landing_root: Path, monkeypatch) -> None:
    people, completions = _everyone_covered()
    write_day(landing_root / "landing", AS_OF, people, completions)
    result = materialize_day(monkeypatch, landing_root, AS_OF)
    assert result.success
    evaluations = check_evaluations(result)

    gate = evaluations[GATE]
    assert gate.passed
    assert gate.metadata["coverage_pct"].value == 100.0
    assert gate.metadata["in_scope_count"].value == 4
    for status, count in {"compliant": 1, "in_grace_period": 1, "on_leave": 1, "exempt": 1}.items():
        assert gate.metadata[f"{status}_count"].value == count
    assert evaluations[VERDICT].passed
    failed_errors = [
        key
        for key, ev in evaluations.items()
        if not ev.passed and ev.severity == AssetCheckSeverity.ERROR
    ]
    assert failed_errors == []


def test_gate_fails_on_a_single_overdue_person(landing_root: Path, monkeypatch) -> None:
    people, completions = _everyone_covered()
    people.append(person("E6", manager_id="M9"))
    completions.append(completion("L2", "E6", "2025-11-26"))  # due yesterday
    write_day(landing_root / "landing", AS_OF, people, completions)
    result = materialize_day(monkeypatch, landing_root, AS_OF)
    assert result.success, "a failing gate must not stop the run"
    gate = check_evaluations(result)[GATE]

    assert not gate.passed
    assert gate.severity == AssetCheckSeverity.ERROR
    assert gate.metadata["coverage_pct"].value == pytest.approx(80.0)
    assert gate.metadata["failing_people"].value == [
        {"employee_id": "E6", "manager_id": "M9", "status": "overdue", "days_overdue": 1}
    ]
    assert not check_evaluations(result)[VERDICT].passed


def test_gate_fails_on_an_empty_roster(landing_root: Path, monkeypatch) -> None:
    write_day(landing_root / "landing", AS_OF, [], [])
    result = materialize_day(monkeypatch, landing_root, AS_OF)
    evaluations = check_evaluations(result)
    assert not evaluations[GATE].passed
    assert evaluations[GATE].severity == AssetCheckSeverity.ERROR
    assert evaluations[GATE].metadata["coverage_pct"].value == "n/a (nobody in scope)"
    assert not evaluations[VERDICT].passed


def test_gate_fails_on_a_rejected_hr_row(landing_root: Path, monkeypatch) -> None:
    people, completions = _everyone_covered()
    people.append(person("E7", hire_date="2026-02-30"))  # unparseable: E7 cannot be evaluated
    write_day(landing_root / "landing", AS_OF, people, completions)
    result = materialize_day(monkeypatch, landing_root, AS_OF)
    evaluations = check_evaluations(result)

    assert not evaluations[HR_ROWS].passed
    assert evaluations[HR_ROWS].severity == AssetCheckSeverity.ERROR
    verdict = evaluations[VERDICT]
    assert not verdict.passed and verdict.severity == AssetCheckSeverity.ERROR
    # Everyone who could be evaluated is covered, yet the control must not pass.
    assert evaluations[GATE].metadata["hr_rejected_row_count"].value == 1
