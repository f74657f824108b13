"""dbt's saved parse is kept per rendered profile, so runs on one warehouse keep their
partial parse whatever ran on another warehouse in between, and a new warehouse of the
same file name starts from another's (real dbt invocations)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestration.settings import WAREHOUSE_VAR
from orchestration.transformation import project
from orchestration.transformation.project import (
    PARSE_STATE_FILE,
    dbt_resource,
    keep_parse_state,
    profile_parse_state,
)


@pytest.fixture
def target_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run folders and kept states under tmp, not the project's own target/."""
    target = tmp_path / "target"
    monkeypatch.setenv("DBT_TARGET_PATH", str(target))
    monkeypatch.setattr(project, "project_target_dir", lambda: target)
    return target


def _parse_on(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """`dbt parse` as the daily run invokes dbt, with `warehouse` in the profile; the
    names of dbt's parse events."""
    monkeypatch.setenv(WAREHOUSE_VAR, str(warehouse))
    invocation = dbt_resource().cli(["parse"], raise_on_error=True)
    invocation.wait()
    keep_parse_state(invocation.target_path)
    log = invocation.target_path / "dbt.log"
    events = [json.loads(line)["info"]["name"] for line in log.read_text().splitlines()]
    return [name for name in events if "PartialPars" in name or name == "ParsePerfInfoPath"]


def test_state_is_one_file_per_warehouse(target_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv(WAREHOUSE_VAR, "/srv/a/compliance.duckdb")
    first = profile_parse_state()
    monkeypatch.setenv(WAREHOUSE_VAR, "/srv/b/compliance.duckdb")
    second = profile_parse_state()
    monkeypatch.setenv(WAREHOUSE_VAR, "/srv/a/compliance.duckdb")
    assert profile_parse_state() == first != second
    assert first.parent == second.parent == target_dir / "parse_state"


def test_kept_state_seeds_the_next_run_folder(target_dir: Path, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(WAREHOUSE_VAR, str(tmp_path / "compliance.duckdb"))
    run = tmp_path / "run"
    run.mkdir()
    (run / PARSE_STATE_FILE).write_bytes(b"state of the last run")
    keep_parse_state(run)
    assert profile_parse_state().read_bytes() == b"state of the last run"
    assert (target_dir / PARSE_STATE_FILE).read_bytes() == b"state of the last run"

    next_folder = dbt_resource()._get_unique_target_path(context=None)
    assert (next_folder / PARSE_STATE_FILE).read_bytes() == b"state of the last run"


@pytest.mark.slow
def test_a_run_on_another_warehouse_leaves_the_partial_parse_alone(
    target_dir: Path, monkeypatch, tmp_path
) -> None:
    first, other = tmp_path / "a" / "compliance.duckdb", tmp_path / "b" / "compliance.duckdb"
    renamed = tmp_path / "c" / "controls.duckdb"
    _parse_on(first, monkeypatch)
    # A new warehouse of the same file name starts from the first one's parse.
    events = _parse_on(other, monkeypatch)
    assert "UnableToPartialParse" not in events, events
    assert "PartialParsingEnabled" in events or "PartialParsingSkipParsing" in events, events
    # Another file name is another database name in every node: dbt starts over.
    assert "UnableToPartialParse" in _parse_on(renamed, monkeypatch)
    events = _parse_on(first, monkeypatch)
    assert "PartialParsingEnabled" in events or "PartialParsingSkipParsing" in events, events
    assert "UnableToPartialParse" not in events, events
