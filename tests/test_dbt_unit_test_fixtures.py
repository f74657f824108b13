"""The dbt unit tests' fixtures carry the derived columns the loaders would compute.

Scope rules match the HR key and skeleton columns the landing loader computes, and
the policy loader's LIKE patterns: a fixture that spells them by hand could test a
case no real load produces. Every fixture row giving both a value and its derived
column must agree with orchestration/policy (normalise, skeleton, the glob
translations).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestration.policy.globs import glob_to_like, has_wildcards, skeleton_like
from orchestration.policy.normalisation import normalise, skeleton
from orchestration.settings import DBT_PROJECT_DIR

# derived column -> (column it is derived from, derivation)
DERIVED: dict[str, tuple[str, Callable[[str], Any]]] = {
    "job_family_key": ("job_family", normalise),
    "job_title_key": ("job_title", normalise),
    "job_code_key": ("job_code", normalise),
    "department_key": ("department", normalise),
    "work_email_key": ("work_email", normalise),
    "work_email_normalised": ("work_email", normalise),
    "user_email_key": ("user_email", normalise),
    "user_email_normalised": ("user_email", normalise),
    "job_family_skeleton": ("job_family_key", skeleton),
    "job_title_skeleton": ("job_title_key", skeleton),
    "like_pattern": ("pattern", glob_to_like),
    "skeleton_like_pattern": ("pattern", skeleton_like),
    "has_wildcards": ("pattern", has_wildcards),
    "pattern_text": ("pattern", normalise),
}


def _fixture_rows() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted((DBT_PROJECT_DIR / "models").rglob("*.yml")):
        document = yaml.safe_load(Path(path).read_text("utf-8")) or {}
        for unit_test in document.get("unit_tests") or []:
            fixtures = [*unit_test.get("given", []), unit_test.get("expect", {})]
            for fixture in fixtures:
                for row in fixture.get("rows") or []:
                    yield unit_test["name"], row


def test_unit_tests_have_fixtures_to_check() -> None:
    checked = [
        name
        for name, row in _fixture_rows()
        if any(column in row and source in row for column, (source, _) in DERIVED.items())
    ]
    assert len(set(checked)) >= 20


@pytest.mark.parametrize("column", sorted(DERIVED))
def test_derived_columns_match_the_loaders(column: str) -> None:
    source, derive = DERIVED[column]
    wrong = [
        f"{name}: {source}={row[source]!r} gives {column}={derive(row[source])!r}, "
        f"the fixture has {row[column]!r}"
        for name, row in _fixture_rows()
        if column in row
        and source in row
        and row[source] is not None
        and row[column] != derive(row[source])
    ]
    assert not wrong, "\n".join(wrong)
