"""The policy file's schema: every key it may hold, with its type and allowed values.

Unknown keys are errors at every level (extra="forbid"): a misspelt key that
were ignored would silently leave the default in force. Rules across keys
(unique ids, what each cycle mode needs) live in consistency.py.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, StrictStr
from pydantic_core import PydanticCustomError

from orchestration.policy.normalisation import normalise

EMPLOYMENT_TYPES = ("employee", "contractor", "intern")
MATCH_FIELDS = ("job_family", "job_title", "job_code", "department")
# scope_rule_id values the models give people no rule decided: a rule may not take them.
RESERVED_RULE_IDS = {
    "override": "it marks the people an override decided",
    "otherwise": "it marks the people no rule matched (scope.otherwise)",
}


def _not_blank(value: str) -> str:
    if not normalise(value):
        raise PydanticCustomError("blank", "must not be empty")
    return value


def _month_day(value: str) -> str:
    month, _, day = value.partition("-")
    if not (len(month) == len(day) == 2 and month.isdigit() and day.isdigit()):
        raise PydanticCustomError(
            "month_day", 'must be MM-DD, e.g. "02-01" (got "{value}")', {"value": value}
        )
    try:
        date(2001, int(month), int(day))  # 2001 is no leap year
    except ValueError:
        raise PydanticCustomError(
            "month_day",
            '"{value}" is not a day every year has: a cycle must start on the same day '
            "each year (02-29 is refused)",
            {"value": value},
        ) from None
    return value


Text = Annotated[StrictStr, AfterValidator(_not_blank)]
Pattern = Annotated[StrictStr, AfterValidator(_not_blank)]
Patterns = Annotated[list[Pattern], Field(min_length=1)]
DayCount = Annotated[StrictInt, Field(ge=0)]
PositiveDays = Annotated[StrictInt, Field(gt=0)]
MonthDay = Annotated[StrictStr, AfterValidator(_month_day)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Match(_Strict):
    """Every listed field must match one of its patterns; no field at all matches everyone."""

    job_family: Patterns | None = None
    job_title: Patterns | None = None
    job_code: Patterns | None = None
    department: Patterns | None = None

    def patterns(self) -> list[tuple[str, str]]:
        """(field, pattern as written) in the order of MATCH_FIELDS."""
        return [
            (field, pattern) for field in MATCH_FIELDS for pattern in getattr(self, field) or ()
        ]


class Rule(_Strict):
    id: Text
    decision: Literal["include", "exclude"]
    reason: Text
    match: Match


class Override(_Strict):
    employee_id: Text
    decision: Literal["include", "exclude"]
    reason: Text
    approved_by: Text
    approved_on: date
    expires_on: date | None = None


class Scope(_Strict):
    employment_types: Annotated[
        list[Literal["employee", "contractor", "intern"]], Field(min_length=1)
    ]
    rules: list[Rule]
    otherwise: Literal["exclude", "unclassified"]
    overrides: list[Override] = []


class Course(_Strict):
    course_id: Text
    title: Text
    # Rolling cycles only; None = the cycle's validity_days.
    validity_days: PositiveDays | None = None


class Cycle(_Strict):
    mode: Literal["rolling", "annual"]
    validity_days: StrictInt | None = None  # rolling: > 0, required
    starts: MonthDay | None = None  # annual: MM-DD, required


class Training(_Strict):
    qualifying_courses: Annotated[list[Course], Field(min_length=1)]
    cycle: Cycle
    grace_days: DayCount
    return_from_leave_grace_days: DayCount
    due_soon_days: DayCount


class Reminders(_Strict):
    escalate_after_days: DayCount
    forecast_days: DayCount


class PolicyDocument(_Strict):
    control: Text
    scope: Scope
    training: Training
    reminders: Reminders
