"""Rules across keys of a policy that parsed: unique ids, what each cycle mode takes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from orchestration.policy.errors import Problem
from orchestration.policy.normalisation import normalise
from orchestration.policy.schema import RESERVED_RULE_IDS, PolicyDocument

_Item = TypeVar("_Item")


def _duplicates(
    items: Iterable[_Item], key: Callable[[_Item], str], where: str, field: str, what: str
) -> Iterator[Problem]:
    """A problem per item whose key (compared normalised) an earlier item already has."""
    first_index: dict[str | None, int] = {}
    for index, item in enumerate(items):
        value = key(item)
        compared = normalise(value)
        if compared in first_index:
            yield Problem(
                f"{where}[{index}].{field}",
                f'duplicate {what} "{value}" (first at {where}[{first_index[compared]}])',
            )
        else:
            first_index[compared] = index


def _scope_problems(document: PolicyDocument) -> Iterator[Problem]:
    scope = document.scope
    seen_types: set[str] = set()
    for index, employment_type in enumerate(scope.employment_types):
        if employment_type in seen_types:
            yield Problem(
                f"scope.employment_types[{index}]", f'"{employment_type}" is listed twice'
            )
        seen_types.add(employment_type)
    for index, rule in enumerate(scope.rules):
        if normalise(rule.id) in RESERVED_RULE_IDS:
            yield Problem(
                f"scope.rules[{index}].id",
                f'"{rule.id}" is reserved: {RESERVED_RULE_IDS[normalise(rule.id)]}',
            )
    yield from _duplicates(scope.rules, lambda rule: rule.id, "scope.rules", "id", "rule id")
    yield from _duplicates(
        scope.overrides,
        lambda override: override.employee_id,
        "scope.overrides",
        "employee_id",
        "override for employee_id",
    )
    for index, override in enumerate(scope.overrides):
        if override.expires_on is not None and override.expires_on < override.approved_on:
            yield Problem(
                f"scope.overrides[{index}].expires_on",
                f"{override.expires_on} is before approved_on {override.approved_on}",
            )


def _training_problems(document: PolicyDocument) -> Iterator[Problem]:
    training = document.training
    cycle = training.cycle
    if cycle.mode == "rolling":
        if cycle.validity_days is None or cycle.validity_days <= 0:
            yield Problem(
                "training.cycle.validity_days",
                "a rolling cycle needs validity_days, a whole number of days > 0"
                + ("" if cycle.validity_days is None else f" (got {cycle.validity_days})"),
            )
        if cycle.starts is not None:
            yield Problem("training.cycle.starts", "only an annual cycle has a start day")
    else:
        if cycle.starts is None:
            yield Problem(
                "training.cycle.starts", 'an annual cycle needs starts (MM-DD, e.g. "02-01")'
            )
        if cycle.validity_days is not None:
            yield Problem(
                "training.cycle.validity_days",
                "an annual cycle runs from one start day to the next: validity_days is for "
                "rolling cycles",
            )
        for index, course in enumerate(training.qualifying_courses):
            if course.validity_days is not None:
                yield Problem(
                    f"training.qualifying_courses[{index}].validity_days",
                    "a course's own validity_days needs cycle.mode rolling (in an annual "
                    "cycle a completion covers until the end of the next cycle)",
                )
    yield from _duplicates(
        training.qualifying_courses,
        lambda course: course.course_id,
        "training.qualifying_courses",
        "course_id",
        "course id",
    )


def consistency_problems(document: PolicyDocument) -> list[Problem]:
    return [*_scope_problems(document), *_training_problems(document)]
