"""Reads a policy file: bytes, SHA-256, YAML, schema and consistency, or one PolicyError."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from orchestration.policy.consistency import consistency_problems
from orchestration.policy.errors import PolicyError, Problem, key_path
from orchestration.policy.schema import PolicyDocument


@dataclass(frozen=True)
class Policy:
    """A validated policy and the exact file it came from."""

    file: Path
    # The file's text exactly (decoded UTF-8, line endings kept): its bytes hash to sha256.
    text: str
    sha256: str
    document: PolicyDocument


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader refusing a repeated key: PyYAML would keep the last one silently, and a
    reviewer reading the first would approve a value that is not in force."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f'duplicate key "{key}"', key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _yaml_problem(error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    what = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    return Problem("", f"{where}YAML syntax error: {what}" + (f" ({context})" if context else ""))


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict | list):
        return f"a {'mapping' if isinstance(value, dict) else 'list'}"
    return "null" if value is None else str(value)


def _schema_problem(error: ErrorDetails) -> Problem:
    location, kind = error["loc"], error["type"]
    given = _shown(error.get("input"))
    context = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return Problem(key_path(location[:-1]), f'unknown field "{location[-1]}"')
    messages = {
        "missing": "is required",
        "literal_error": f"must be one of {context.get('expected')} (got {given})",
        "string_type": f"must be text (got {given})",
        "int_type": f"must be a whole number (got {given})",
        "greater_than_equal": f"must be {context.get('ge')} or more (got {given})",
        "greater_than": f"must be more than {context.get('gt')} (got {given})",
        "too_short": f"must list at least {context.get('min_length')} item(s)",
        "list_type": f"must be a list (got {given})",
        "model_type": f"must be a mapping of keys (got {given})",
        "date_type": f"must be a date YYYY-MM-DD (got {given})",
        "date_from_datetime_parsing": f"must be a date YYYY-MM-DD (got {given})",
    }
    return Problem(key_path(location), messages.get(kind, error["msg"]))


def _read_text(file: Path) -> tuple[bytes, str]:
    try:
        content = file.read_bytes()
    except OSError as error:
        raise PolicyError(file, [Problem("", f"cannot be read: {error.strerror}")]) from error
    try:
        return content, content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PolicyError(file, [Problem("", f"is not UTF-8 (byte {error.start + 1})")]) from error


def load_policy(path: Path | str) -> Policy:
    """The validated policy of `path`; PolicyError lists every problem, one per line."""
    file = Path(path)
    content, text = _read_text(file)
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as error:
        raise PolicyError(file, [_yaml_problem(error)]) from error
    if not isinstance(data, dict):
        raise PolicyError(
            file,
            [Problem("", "must be a YAML mapping with control, scope, training and reminders")],
        )
    try:
        document = PolicyDocument.model_validate(data)
    except ValidationError as error:
        raise PolicyError(file, [_schema_problem(detail) for detail in error.errors()]) from error
    problems = consistency_problems(document)
    if problems:
        raise PolicyError(file, problems)
    return Policy(file, text, hashlib.sha256(content).hexdigest(), document)
