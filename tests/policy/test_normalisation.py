"""normalise() and skeleton(): compliance rule 2.1, and the SQL the loader computes instead."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import orchestration
from orchestration.ingestion.derived_columns import normalise_sql, register_functions, skeleton_sql
from orchestration.policy import normalise, skeleton


def test_the_worktree_package_is_the_one_imported() -> None:
    assert Path(orchestration.__file__).parents[1] == Path(__file__).parents[2]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Back\u200bend Engineer", "backend engineer"),  # zero-width space
        ("\ufeffBackend Engineer", "backend engineer"),  # byte order mark
        ("Back\u00adend Engineer", "backend engineer"),  # soft hyphen
        ("Backend\u200d\u200c Engineer", "backend engineer"),  # zero-width (non-)joiner
        ("Backend\tEngineer", "backend engineer"),  # tab
        ("Backend  Engineer", "backend engineer"),  # two spaces
        ("Backend\u00a0Engineer", "backend engineer"),  # no-break space
        ("  Backend \u2003\n Engineer  ", "backend engineer"),  # em space, newline, ends
        ("\uff22\uff41\uff43\uff4b\uff45\uff4e\uff44 Engineer", "backend engineer"),  # fullwidth
        ("BACKEND ENGINEER", "backend engineer"),  # upper case
        ("Straße", "straße"),  # lower(), not casefold()
        ("\u200b \t", ""),
        (None, None),
    ],
)
def test_normalise(value: str | None, expected: str | None) -> None:
    assert normalise(value) == expected


def test_skeleton_maps_look_alikes_to_one_form() -> None:
    cyrillic_a = "B\u0430ckend Engineer"
    assert normalise(cyrillic_a) != "backend engineer"
    assert skeleton(normalise(cyrillic_a)) == skeleton(normalise("backend engineer"))
    assert skeleton("backend engineer") == "backend engineer"
    assert skeleton("rnanager") == skeleton("manager")  # "rn" looks like "m"
    assert skeleton(None) is None


# Text heavy in what the fast path must get exactly right: whitespace of every
# kind, confusable ASCII characters, case, and a few non-ASCII characters.
_ALPHABET = st.sampled_from(
    [*" \t\n\x0b\x0c\r\x1c\x1f", *'aBmM01Il|`"%_*?', "\u00a0", "\u200b", "\u0430", "\uff21"]
)


@pytest.fixture(scope="module")
def connection():
    with duckdb.connect() as connection:
        register_functions(connection)
        yield connection


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.text(_ALPHABET, max_size=12), min_size=1, max_size=40))
def test_loader_sql_computes_normalise_and_skeleton(connection, values: list[str]) -> None:
    rows = connection.execute(
        f"select v, {normalise_sql('v')}, {skeleton_sql(normalise_sql('v'))} "
        "from unnest($values) as t(v)",
        {"values": values},
    ).fetchall()
    for value, key, value_skeleton in rows:
        assert (key, value_skeleton) == (normalise(value), skeleton(normalise(value))), value
