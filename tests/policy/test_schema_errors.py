"""Every way a policy file can be wrong: one PolicyError line naming file, key path and why."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from orchestration.policy import PolicyError, load_policy
from tests.policy.conftest import PolicyWriter


def _rules(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["scope"]["rules"]


def _override(**changes: Any) -> dict[str, Any]:
    override = {
        "employee_id": "E1234",
        "decision": "include",
        "reason": "maintains the payments service",
        "approved_by": "M0042",
        "approved_on": date(2026, 3, 1),
    }
    override.update(changes)
    return {key: value for key, value in override.items() if value is not None}


def _set(path: str, value: Any):
    """A change setting the dotted `path` (list items as numbers) to `value`."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value

    return change


def _delete(path: str):
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[last]

    return change


# case -> (change to the shipped policy, expected key path, expected message)
CASES = {
    "unknown_match_field": (
        _set("scope.rules.2.match", {"jobfamily": ["Security Product Manager"]}),
        "scope.rules[2].match",
        'unknown field "jobfamily"',
    ),
    "unknown_top_level_key": (_set("owner", "security"), None, 'unknown field "owner"'),
    "unknown_cycle_key": (
        _set("training.cycle.valid_days", 365),
        "training.cycle",
        'unknown field "valid_days"',
    ),
    "empty_pattern": (
        _set("scope.rules.0.match.job_family.1", "  "),
        "scope.rules[0].match.job_family[1]",
        "must not be empty",
    ),
    "pattern_not_a_string": (
        _set("scope.rules.0.match.job_title", [42]),
        "scope.rules[0].match.job_title[0]",
        "must be text (got 42)",
    ),
    "no_patterns_for_a_field": (
        _set("scope.rules.0.match.department", []),
        "scope.rules[0].match.department",
        "must list at least 1 item(s)",
    ),
    "duplicate_rule_id": (
        _set("scope.rules.2.id", "Product-Engineers"),
        "scope.rules[2].id",
        'duplicate rule id "Product-Engineers" (first at scope.rules[0])',
    ),
    "reserved_rule_id": (
        _set("scope.rules.1.id", "override"),
        "scope.rules[1].id",
        '"override" is reserved',
    ),
    "course_validity_in_annual_mode": (
        lambda data: (
            data["training"].update(cycle={"mode": "annual", "starts": "02-01"}),
            data["training"]["qualifying_courses"][1].update(validity_days=730),
        ),
        "training.qualifying_courses[1].validity_days",
        "needs cycle.mode rolling",
    ),
    "annual_start_not_month_day": (
        _set("training.cycle", {"mode": "annual", "starts": "2-1"}),
        "training.cycle.starts",
        'must be MM-DD, e.g. "02-01" (got "2-1")',
    ),
    "annual_start_impossible_day": (
        _set("training.cycle", {"mode": "annual", "starts": "04-31"}),
        "training.cycle.starts",
        '"04-31" is not a day every year has',
    ),
    "annual_start_february_29": (
        _set("training.cycle", {"mode": "annual", "starts": "02-29"}),
        "training.cycle.starts",
        "02-29 is refused",
    ),
    "annual_without_start": (
        _set("training.cycle", {"mode": "annual"}),
        "training.cycle.starts",
        "an annual cycle needs starts",
    ),
    "rolling_without_validity": (
        _set("training.cycle", {"mode": "rolling"}),
        "training.cycle.validity_days",
        "a rolling cycle needs validity_days",
    ),
    "rolling_with_zero_validity": (
        _set("training.cycle.validity_days", 0),
        "training.cycle.validity_days",
        "a rolling cycle needs validity_days, a whole number of days > 0 (got 0)",
    ),
    "override_without_reason": (
        _set("scope.overrides", [_override(reason=None)]),
        "scope.overrides[0].reason",
        "is required",
    ),
    "override_without_approver": (
        _set("scope.overrides", [_override(approved_by=None)]),
        "scope.overrides[0].approved_by",
        "is required",
    ),
    "override_without_approval_date": (
        _set("scope.overrides", [_override(approved_on=None)]),
        "scope.overrides[0].approved_on",
        "is required",
    ),
    "override_expiring_before_approval": (
        _set("scope.overrides", [_override(expires_on=date(2026, 2, 28))]),
        "scope.overrides[0].expires_on",
        "2026-02-28 is before approved_on 2026-03-01",
    ),
    "unknown_decision": (
        _set("scope.rules.0.decision", "maybe"),
        "scope.rules[0].decision",
        "must be one of 'include' or 'exclude' (got \"maybe\")",
    ),
    "unknown_otherwise": (
        _set("scope.otherwise", "include"),
        "scope.otherwise",
        "must be one of 'exclude' or 'unclassified' (got \"include\")",
    ),
    "unknown_employment_type": (
        _set("scope.employment_types", ["employee", "freelancer"]),
        "scope.employment_types[1]",
        '(got "freelancer")',
    ),
    "duplicate_course_id": (
        _set("training.qualifying_courses.1.course_id", "SEC-CODE-101"),
        "training.qualifying_courses[1].course_id",
        'duplicate course id "SEC-CODE-101" (first at training.qualifying_courses[0])',
    ),
    "negative_grace_days": (
        _set("training.grace_days", -1),
        "training.grace_days",
        "must be 0 or more (got -1)",
    ),
    "negative_forecast_days": (
        _set("reminders.forecast_days", -90),
        "reminders.forecast_days",
        "must be 0 or more (got -90)",
    ),
    "day_count_as_text": (
        _set("training.due_soon_days", "30"),
        "training.due_soon_days",
        'must be a whole number (got "30")',
    ),
    "missing_section": (_delete("reminders"), "reminders", "is required"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_error_names_file_key_path_and_problem(case: str, write_policy: PolicyWriter) -> None:
    change, key_path, message = CASES[case]
    path = write_policy(change)
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    lines = str(raised.value).splitlines()
    prefix = f"{path}: {key_path}: " if key_path else f"{path}: "
    assert any(line.startswith(prefix) and message in line for line in lines), lines


def test_every_problem_is_reported_one_line_each(write_policy: PolicyWriter) -> None:
    def change(data: dict[str, Any]) -> None:
        data["training"]["grace_days"] = -1
        data["scope"]["rules"][0]["decision"] = "maybe"
        data["scope"]["rules"][1]["match"]["job_famly"] = ["x"]

    path = write_policy(change)
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    assert [problem.path for problem in raised.value.problems] == [
        "scope.rules[0].decision",
        "scope.rules[1].match",
        "training.grace_days",
    ]
    assert len(str(raised.value).splitlines()) == 3


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yml"
    path.write_text("control: TRN.2.01\nscope:\n  otherwise: exclude: x\n")
    with pytest.raises(
        PolicyError, match=r"broken\.yml: line 3, column 21: YAML syntax error: mapping values"
    ):
        load_policy(path)


def test_repeated_key_is_an_error_not_the_last_value(tmp_path: Path) -> None:
    path = tmp_path / "twice.yml"
    path.write_text("control: TRN.2.01\ncontrol: TRN.9.99\n")
    with pytest.raises(
        PolicyError, match=r'twice\.yml: line 2, column 1: .*duplicate key "control"'
    ):
        load_policy(path)


def test_a_document_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.yml"
    path.write_text("- control\n")
    with pytest.raises(PolicyError, match=r"list\.yml: must be a YAML mapping"):
        load_policy(path)


def test_a_catch_all_rule_and_every_match_field_validate(write_policy: PolicyWriter) -> None:
    def change(data: dict[str, Any]) -> None:
        _rules(data).insert(
            0,
            {
                "id": "sales-engineers",
                "decision": "exclude",
                "reason": "not developers",
                "match": {
                    "job_family": ["*engineer*"],
                    "job_title": ["Sales*"],
                    "job_code": ["sales_*"],
                    "department": ["Sales"],
                },
            },
        )
        _rules(data).append(
            {"id": "everyone-else", "decision": "exclude", "reason": "rest", "match": {}}
        )

    policy = load_policy(write_policy(change))
    assert policy.document.scope.rules[0].match.patterns() == [
        ("job_family", "*engineer*"),
        ("job_title", "Sales*"),
        ("job_code", "sales_*"),
        ("department", "Sales"),
    ]
    assert policy.document.scope.rules[-1].match.patterns() == []
