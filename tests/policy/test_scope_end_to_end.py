"""Whole runs under a policy: hostile look-alike rosters, and a GitLab-style roster on role
codes with a fiscal-year (annual) cycle. Real loader, policy asset, dbt, GX checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration.settings import POLICY_FILE_VAR, policy_file
from orchestration.validation import check_names
from tests.in_process import check_evaluations, materialize_day, step_failure_messages
from tests.landing_builder import completion, person, write_day

AS_OF = date(2026, 11, 27)
TITLE = "Senior Backend Engineer, Plan"


def _query(root: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(root / "warehouse" / "compliance.duckdb"), read_only=True) as c:
        return c.execute(sql, [AS_OF]).fetchall()


def _run(
    monkeypatch: pytest.MonkeyPatch,
    root: Path,
    policy: Path | None = None,
    with_evidence: bool = False,
) -> dict:
    if policy is not None:
        monkeypatch.setenv(POLICY_FILE_VAR, str(policy))
    result = materialize_day(monkeypatch, root, AS_OF, with_evidence=with_evidence)
    assert result.success, step_failure_messages(result)
    return check_evaluations(result)


def test_no_look_alike_roster_leaves_scope_while_the_day_passes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    families = {
        "E_ZERO_WIDTH": "Back\u200bend Engineer",
        "E_BOM": "\ufeffBackend Engineer",
        "E_TAB": "Backend\tEngineer",
        "E_TWO_SPACES": "Backend  Engineer",
        "E_NBSP": "Backend\u00a0Engineer",
        "E_FULLWIDTH": "\uff22ackend Engineer",
        "E_CYRILLIC": "B\u0430ckend Engineer",
        "E_SENIOR": "Sr. Backend Engineer",
        "E_LEVEL": "Backend Engineer II",
    }
    people = [person("E_TRAINED", job_title=TITLE)] + [
        person(employee_id, job_family=family, job_title=TITLE)
        for employee_id, family in families.items()
    ]
    write_day(tmp_path / "landing", AS_OF, people, [completion("R1", "E_TRAINED", "2026-06-01")])
    checks = _run(monkeypatch, tmp_path, with_evidence=True)

    decisions = dict(
        _query(
            tmp_path,
            "select employee_id, scope_status from main.fct_population_scope_decisions "
            "where as_of_date = ?",
        )
    )
    # Format characters and whitespace runs are normalised away: these are in scope.
    for employee_id in ("E_ZERO_WIDTH", "E_BOM", "E_TAB", "E_TWO_SPACES", "E_NBSP", "E_FULLWIDTH"):
        assert decisions[employee_id] == "in_scope", employee_id
    # Look-alikes that no rule matches are flagged, never silently out of scope.
    for employee_id in ("E_CYRILLIC", "E_SENIOR", "E_LEVEL"):
        assert decisions[employee_id] == "possible_scope_miss", employee_id

    ((in_scope, failing, misses, passed),) = _query(
        tmp_path,
        "select in_scope_count, failing_count, possible_scope_miss_count, control_passed "
        "from main.compliance_coverage where as_of_date = ?",
    )
    assert (in_scope, failing, misses, passed) == (7, 6, 3, False)
    scope_check = checks[("fct_scope_unresolved", check_names.SCOPE_RESOLVED)]
    assert not scope_check.passed
    assert scope_check.metadata["unresolved_count"].value == 3

    # The day page names them, and the evidence lists them.
    folder = tmp_path / "evidence" / AS_OF.isoformat()
    page = (folder / "index.html").read_text("utf-8")
    table = page[page.index('id="scope-unresolved-people"') :]
    table = table[: table.index("</table>")]
    assert all(employee_id in table for employee_id in ("E_CYRILLIC", "E_SENIOR", "E_LEVEL"))
    assert "E_TRAINED" not in table
    lines = (folder / "scope_unresolved.csv").read_text("utf-8").splitlines()
    assert len(lines) == 1 + 3


def test_an_override_resolves_a_possible_scope_miss(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    policy = yaml.safe_load(policy_file().read_text("utf-8"))
    policy["scope"]["overrides"] = [
        {
            "employee_id": "E_SENIOR",
            "decision": "include",
            "reason": "senior backend engineer, title written differently",
            "approved_by": "M0042",
            "approved_on": "2026-11-01",
        }
    ]
    file = tmp_path / "policy.yml"
    file.write_text(yaml.safe_dump(policy, sort_keys=False), "utf-8")
    people = [
        person("E_TRAINED"),
        person("E_SENIOR", job_family="Sr. Backend Engineer"),
        person("E_ANALYST", job_family="Data Analyst", job_title="Data Analyst"),
    ]
    write_day(tmp_path / "landing", AS_OF, people, [completion("R1", "E_TRAINED", "2026-06-01")])
    checks = _run(monkeypatch, tmp_path, file)
    assert checks[("fct_scope_unresolved", check_names.SCOPE_RESOLVED)].passed
    rows = dict(
        (employee_id, (status, rule))
        for employee_id, status, rule in _query(
            tmp_path,
            "select employee_id, scope_status, scope_rule_id "
            "from main.fct_population_scope_decisions where as_of_date = ?",
        )
    )
    assert rows["E_SENIOR"] == ("in_scope", "override")
    assert rows["E_ANALYST"] == ("out_of_scope", "otherwise")


GITLAB_POLICY = """
control: TRN.2.01
scope:
  employment_types: [employee, contractor]
  rules:
    - id: senior-leadership
      decision: exclude
      reason: senior managers and directors are outside the control
      match: {job_code: ["*_senior_manager*", "*_director*", "*_vp_*"]}
    - id: engineering-ics-and-managers
      decision: include
      reason: product engineering ICs and their direct managers
      match:
        job_code: ["development_*", "infrastructure_*", "quality_*", "security_*"]
    - id: support-engineers
      decision: include
      reason: support engineers with production access
      match: {job_code: ["support_engineer*"], department: ["support"]}
  otherwise: unclassified
  overrides: []
training:
  qualifying_courses:
    - {course_id: SEC-CODE-101, title: Secure Coding Fundamentals}
  cycle: {mode: annual, starts: "02-01"}
  grace_days: 30
  return_from_leave_grace_days: 0
  due_soon_days: 30
reminders:
  escalate_after_days: 14
  forecast_days: 90
"""


def test_a_gitlab_style_roster_on_role_codes_with_a_fiscal_year(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    file = tmp_path / "gitlab.yml"
    file.write_text(GITLAB_POLICY, "utf-8")
    people = [
        person("G1", job_code="development_senior_backend_engineer", job_family="Engineering"),
        person("G2", job_code="infrastructure_site_reliability_engineer", job_family="SRE"),
        person("G3", job_code="security_staff_security_engineer", job_family="Security"),
        person("G4", job_code="development_backend_engineering_manager", job_family="Eng Mgmt"),
        person("G5", job_code="development_senior_manager_engineering", job_family="Eng Mgmt"),
        person("G6", job_code="infrastructure_director_engineering", job_family="Eng Mgmt"),
        person("G7", job_code="support_engineer", job_family="Support", department="Support"),
        person("G8", job_code="support_engineer", job_family="Support", department="Sales"),
        person("G9", job_code="quality_intern", employment_type="intern"),
        person("G10", job_code="marketing_manager", job_family="Marketing"),
    ]
    completions = [
        completion("R1", "G1", "2025-06-10"),  # cycle from 2025-02-01: due 2027-01-31
        completion("R2", "G2", "2025-01-15"),  # cycle from 2024-02-01: due 2026-01-31
        completion("R4", "G4", "2026-02-01"),  # first day of a cycle: due 2028-01-31
        completion("R7", "G7", "2026-01-31"),  # last day of a cycle: due 2027-01-31
    ]
    write_day(tmp_path / "landing", AS_OF, people, completions)
    checks = _run(monkeypatch, tmp_path, file)

    decisions = {
        employee_id: (status, rule)
        for employee_id, status, rule in _query(
            tmp_path,
            "select employee_id, scope_status, scope_rule_id "
            "from main.fct_population_scope_decisions where as_of_date = ?",
        )
    }
    assert decisions == {
        "G1": ("in_scope", "engineering-ics-and-managers"),
        "G2": ("in_scope", "engineering-ics-and-managers"),
        "G3": ("in_scope", "engineering-ics-and-managers"),
        "G4": ("in_scope", "engineering-ics-and-managers"),
        "G5": ("out_of_scope", "senior-leadership"),
        "G6": ("out_of_scope", "senior-leadership"),
        "G7": ("in_scope", "support-engineers"),
        "G8": ("unclassified", "otherwise"),  # every field of a rule must match
        "G9": ("out_of_scope", "engineering-ics-and-managers"),  # interns not listed
        "G10": ("unclassified", "otherwise"),
    }
    facts = {
        employee_id: (status, due_on)
        for employee_id, status, due_on in _query(
            tmp_path,
            "select employee_id, status, due_on from main.fct_training_compliance "
            "where as_of_date = ?",
        )
    }
    assert facts == {
        "G1": ("compliant", date(2027, 1, 31)),
        "G2": ("overdue", date(2026, 1, 31)),
        "G3": ("never_completed", None),
        "G4": ("compliant", date(2028, 1, 31)),
        "G7": ("compliant", date(2027, 1, 31)),
    }
    ((unclassified, passed),) = _query(
        tmp_path,
        "select unclassified_count, control_passed from main.compliance_coverage "
        "where as_of_date = ?",
    )
    assert (unclassified, passed) == (2, False)
    assert not checks[("fct_scope_unresolved", check_names.SCOPE_RESOLVED)].passed
