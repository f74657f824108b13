"""Policy patterns as SQL LIKE: whole-value, case-insensitive globs with literal % and _."""

from __future__ import annotations

import duckdb
import pytest

from orchestration.policy import glob_to_like, has_wildcards, normalise, skeleton, skeleton_like


@pytest.mark.parametrize(
    ("pattern", "like"),
    [
        ("Backend Engineer", "backend engineer"),
        ("*backend engineer*", "%backend engineer%"),
        ("development_*", "development\\_%"),
        ("Engineer ?", "engineer _"),
        ("100% remote", "100\\% remote"),
        ("back\\slash", "back\\\\slash"),
        ("  Site\u00a0Reliability   Engineer ", "site reliability engineer"),
    ],
)
def test_glob_to_like(pattern: str, like: str) -> None:
    assert glob_to_like(pattern) == like


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        ("*backend engineer*", "Senior Backend Engineer, Plan", True),
        ("development_*", "development_senior_backend_engineer", True),
        ("development_*", "developmentXsenior", False),  # _ is literal
        ("100% remote", "100% remote", True),
        ("100% remote", "100 percent remote", False),  # % is literal
        ("Backend Engineer", "Backend Engineer II", False),  # the whole value
        ("Backend Engineer", "Senior Backend Engineer", False),
        ("Engineer ?", "Engineer 2", True),
        ("Engineer ?", "Engineer 22", False),
    ],
)
def test_like_patterns_match_whole_normalised_values(
    pattern: str, value: str, matches: bool
) -> None:
    (result,) = duckdb.execute(
        "select ? like ? escape '\\'", [normalise(value), glob_to_like(pattern)]
    ).fetchone()
    assert result is matches


def test_skeleton_like_matches_look_alike_values() -> None:
    value = skeleton(normalise("Senior B\u0430ckend Engineer"))
    (result,) = duckdb.execute(
        "select ? like ? escape '\\'", [value, skeleton_like("*Backend Engineer*")]
    ).fetchone()
    assert result is True
    # A look-alike of * in the pattern stays literal (U+204E LOW ASTERISK).
    assert "%" not in skeleton_like("a\u204eb")


def test_has_wildcards() -> None:
    assert has_wildcards("*engineer")
    assert has_wildcards("engineer ?")
    assert has_wildcards("\uff0aengineer")  # fullwidth asterisk: NFKC makes it *
    assert not has_wildcards("Backend Engineer")
    assert not has_wildcards("100% remote")
