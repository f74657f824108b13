"""Field mappings (vendor record -> contract row) as configuration, validated like the policy.

The defaults live in default_mappings.yml; COMPLIANCE_CONNECTOR_MAPPING may replace any
column of any source. Unknown keys are errors (a misspelt key would silently keep the
default), and a mapping must give every required contract column a value.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, model_validator

from orchestration.connectors.errors import MappingError
from orchestration.connectors.sources import SOURCE_CONTRACTS
from orchestration.ingestion.contract import ExportContract, Kind
from orchestration.policy.errors import Problem
from orchestration.policy.loading import _schema_problem, _UniqueKeyLoader, _yaml_problem

DEFAULT_MAPPINGS = Path(__file__).with_name("default_mappings.yml")

FieldPath = Annotated[StrictStr, Field(min_length=1, pattern=r"^[^.\s]+(\.[^.\s]+)*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ValueRule(_Strict):
    # Compared case-insensitively with the column's field, or with this rule's own field.
    field: FieldPath | None = None
    equals: StrictStr | None = None
    contains: StrictStr | None = None
    value: StrictStr

    @model_validator(mode="after")
    def _one_test(self) -> ValueRule:
        if (self.equals is None) == (self.contains is None):
            raise ValueError("give exactly one of equals or contains")
        return self


class ColumnMapping(_Strict):
    field: FieldPath | None = None
    rules: list[ValueRule] = []
    otherwise: StrictStr | None = None
    empty: list[StrictStr] = []

    @model_validator(mode="after")
    def _has_a_source(self) -> ColumnMapping:
        if self.field is None and self.otherwise is None:
            raise ValueError("give a field, or an otherwise value")
        if self.field is None and any(rule.field is None for rule in self.rules):
            raise ValueError("a rule without its own field needs the column's field")
        return self


class SourceMapping(_Strict):
    columns: dict[StrictStr, ColumnMapping]


class MappingDocument(_Strict):
    bamboohr: SourceMapping | None = None
    workday: SourceMapping | None = None
    knowbe4: SourceMapping | None = None
    securecodewarrior: SourceMapping | None = None


def _read(file: Path) -> MappingDocument:
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except OSError as error:
        raise MappingError(f"{file}: cannot be read: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise MappingError(_yaml_problem(error).render(file)) from None
    if not isinstance(data, dict):
        raise MappingError(f"{file}: must be a YAML mapping of source names to columns")
    try:
        return MappingDocument.model_validate(data)
    except ValidationError as error:
        problems = [
            # A validator's own message reads better without pydantic's "Value error, ".
            _schema_problem(detail).render(file).replace("Value error, ", "")
            for detail in error.errors()
        ]
        raise MappingError("\n".join(problems)) from None


def _column_problems(source: str, mapping: SourceMapping) -> list[Problem]:
    contract = SOURCE_CONTRACTS[source]
    known = set(contract.column_names)
    problems = [
        Problem(f"{source}.columns.{name}", f"is not a column of the {contract.description}")
        for name in mapping.columns
        if name not in known
    ]
    problems += [
        Problem(f"{source}.columns", f'required column "{column.name}" is not mapped')
        for column in contract.columns
        if column.required and column.name not in mapping.columns
    ]
    return problems


def load_mapping(source: str, override_file: Path | None) -> SourceMapping:
    """The defaults for `source` with the override file's columns (if any) in their place."""
    default = getattr(_read(DEFAULT_MAPPINGS), source)
    columns = dict(default.columns)
    if override_file is not None:
        override = getattr(_read(override_file), source)
        if override is not None:
            columns |= override.columns
    merged = SourceMapping(columns=columns)
    problems = _column_problems(source, merged)
    if problems:
        where = override_file or DEFAULT_MAPPINGS
        raise MappingError("\n".join(problem.render(where) for problem in problems))
    return merged


def field_value(record: Any, path: str) -> Any:
    """The value at a dotted path of a raw record; None when any step is missing."""
    value = record
    for step in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return value


def as_text(value: Any) -> str | None:
    """A JSON value as the export's text: 1042 and 1042.0 both give "1042"."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | str):
        text = str(value).strip()
        return text or None
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _matches(rule: ValueRule, text: str | None) -> bool:
    if text is None:
        return False
    if rule.equals is not None:
        return text.casefold() == rule.equals.casefold()
    return rule.contains is not None and rule.contains.casefold() in text.casefold()


def _as_date(text: str) -> str:
    """YYYY-MM-DD from the spellings vendors use (2024-03-01, 2024-03-01-08:00, a timestamp);
    anything else is left as it came, for the contract check to reject with its reason."""
    head = text[:10]
    try:
        date.fromisoformat(head)
    except ValueError:
        return text
    rest = text[10:]
    if rest == "" or rest[0] in "T +-Z":
        return head
    return text


def _as_timestamp(text: str) -> str:
    """A date stays a date; a timestamp becomes UTC, e.g. 2026-08-15T23:30:00Z."""
    if len(text) == 10:
        return text
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_SPELLINGS = {Kind.DATE: _as_date, Kind.DATE_OR_TIMESTAMP: _as_timestamp}


def map_record(
    record: Any, mapping: SourceMapping, contract: ExportContract
) -> dict[str, str | None]:
    """One contract row from one raw record. What cannot be mapped stays as it came (or
    empty), so the contract check rejects it with its reason like any CSV row."""
    row: dict[str, str | None] = {}
    for column in contract.columns:
        spec = mapping.columns.get(column.name)
        if spec is None:
            row[column.name] = None
            continue
        raw = as_text(field_value(record, spec.field)) if spec.field else None
        if raw is not None and raw.casefold() in {value.casefold() for value in spec.empty}:
            raw = None
        value = raw
        decided = False
        for rule in spec.rules:
            tested = as_text(field_value(record, rule.field)) if rule.field else raw
            if _matches(rule, tested):
                value, decided = rule.value, True
                break
        if not decided and spec.otherwise is not None and (spec.rules or raw is None):
            value = spec.otherwise
        spell = _SPELLINGS.get(column.kind)
        row[column.name] = spell(value) if spell and value is not None else value
    return row


def requested_fields(mapping: SourceMapping) -> list[str]:
    """Every top-level vendor field the mapping reads (BambooHR's report asks for these)."""
    fields: list[str] = []
    for spec in mapping.columns.values():
        for path in (spec.field, *(rule.field for rule in spec.rules)):
            if path is not None and path.split(".")[0] not in fields:
                fields.append(path.split(".")[0])
    return fields
