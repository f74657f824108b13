"""Checks that a response has the shape its endpoint documents, before any record is read."""

from __future__ import annotations

import json
from typing import Any

from orchestration.connectors.errors import ConnectorError


def json_body(source: str, host: str, body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        raise ConnectorError(source, f"{host} answered something that is not JSON") from None


def list_at(source: str, host: str, body: Any, key: str | None, *, optional: bool = False):
    """The list under `key` (the body itself when None); [] when optional and absent."""
    if key is None:
        value = body
    elif not isinstance(body, dict):
        raise ConnectorError(source, f"{host} answered a {type(body).__name__}, not an object")
    elif key not in body and optional:
        return []
    else:
        value = body.get(key)
    if not isinstance(value, list):
        where = f'"{key}"' if key else "the body"
        raise ConnectorError(source, f"{host} answered without a list at {where}")
    return value
