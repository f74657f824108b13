"""Policy files for tests: the shipped one, or a changed copy of it written to tmp."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestration.settings import DEFAULTS, POLICY_FILE_VAR

SHIPPED_POLICY = Path(DEFAULTS[POLICY_FILE_VAR])

PolicyWriter = Callable[[Callable[[dict[str, Any]], None]], Path]


def shipped_policy_data() -> dict[str, Any]:
    return yaml.safe_load(SHIPPED_POLICY.read_text(encoding="utf-8"))


@pytest.fixture
def write_policy(tmp_path: Path) -> PolicyWriter:
    """Writes the shipped policy after `change` edited its data; returns the file."""

    def write(change: Callable[[dict[str, Any]], None]) -> Path:
        data = copy.deepcopy(shipped_policy_data())
        change(data)
        path = tmp_path / "policy.yml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    return write
