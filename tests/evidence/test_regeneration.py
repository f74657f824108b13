"""`compliance evidence` rebuilds a past day from the retained history: identical to what
the day's own run wrote, except the files that carry run-time stamps."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from orchestration.cli import main
from orchestration.evidence import layout
from orchestration.validation.checks import GX_CHECK_SPECS
from tests.evidence.conftest import DAYS, END_DATE, snapshot

POPULATION_STATUS_COVERAGE = (
    f"{layout.IN_SCOPE}{layout.POPULATION_CSV}",
    f"{layout.IN_SCOPE}.parquet",
    f"{layout.SCOPE_DECISIONS}{layout.POPULATION_CSV}",
    f"{layout.SCOPE_DECISIONS}.parquet",
    layout.COVERAGE,
    layout.COVERAGE_TREND,
    layout.EXCEPTIONS_IN_FORCE,
    layout.UNMATCHED_LMS_RECORDS,
    layout.REJECTS,
    layout.SAMPLING,
)


def without_run_stamp(page: bytes) -> bytes:
    """The day page minus the block naming the run that wrote it."""
    text = page.decode("utf-8")
    start, end = text.index(layout.RUN_STAMP_START), text.index(layout.RUN_STAMP_END)
    return (text[:start] + text[end:]).encode("utf-8")


def test_a_past_day_regenerates_after_later_days_ran(
    evidence_run, monkeypatch, tmp_path: Path
) -> None:
    first_day = DAYS[0]
    assert first_day < END_DATE, "a later day must have run since"
    evidence_run.environment(monkeypatch)
    monkeypatch.setenv("COMPLIANCE_EVIDENCE_DIR", str(tmp_path / "evidence"))

    assert main(["evidence", "--date", first_day.isoformat()]) == 0
    regenerated = snapshot(tmp_path / "evidence" / first_day.isoformat())
    original = evidence_run.first_day_as_built

    assert set(regenerated) == set(original)
    for relative in POPULATION_STATUS_COVERAGE:
        assert regenerated[relative] == original[relative], relative
    # The page differs only in its run stamp (run id, time); everything else is the same.
    assert regenerated[layout.DAY_PAGE] != original[layout.DAY_PAGE]
    assert without_run_stamp(regenerated[layout.DAY_PAGE]) == without_run_stamp(
        original[layout.DAY_PAGE]
    )
    differing = sorted(path for path in original if regenerated[path] != original[path])
    assert [path for path in differing if not layout.is_run_stamped(path)] == []
    assert layout.RUN_METADATA in differing
    metadata = json.loads(regenerated[layout.RUN_METADATA])
    assert (metadata["run_id"], metadata["as_of_date"]) == ("cli", first_day.isoformat())
    assert metadata["gx_checkpoints_rerun_for_this_folder"] == []


def test_lost_gx_results_are_validated_again(evidence_run, monkeypatch, tmp_path: Path) -> None:
    evidence_run.environment(monkeypatch)
    docs = tmp_path / "docs"
    shutil.copytree(evidence_run.docs, docs)
    shutil.rmtree(docs / "gx" / END_DATE.isoformat())
    monkeypatch.setenv("COMPLIANCE_DOCS_DIR", str(docs))
    monkeypatch.setenv("COMPLIANCE_EVIDENCE_DIR", str(tmp_path / "evidence"))

    assert main(["evidence", "--date", END_DATE.isoformat()]) == 0
    folder = tmp_path / "evidence" / END_DATE.isoformat()
    metadata = json.loads((folder / layout.RUN_METADATA).read_text())
    assert sorted(metadata["gx_checkpoints_rerun_for_this_folder"]) == sorted(
        spec.checkpoint for spec in GX_CHECK_SPECS
    )
    assert all(validation["file"] for validation in metadata["gx_validations"])
    assert (folder / layout.GX_DATA_DOCS).is_file()
    original = evidence_run.day(END_DATE)
    for relative in POPULATION_STATUS_COVERAGE:
        assert (folder / relative).read_bytes() == (original / relative).read_bytes(), relative


def test_a_day_never_materialized_is_a_clear_error(evidence_run, monkeypatch, capsys) -> None:
    evidence_run.environment(monkeypatch)
    assert main(["evidence", "--date", "2020-01-01"]) == 1
    assert "materialize that day first" in capsys.readouterr().err
    assert not (evidence_run.evidence / "2020-01-01").exists()
