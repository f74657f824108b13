"""Each day's evidence holds the policy its run applied: the file, its SHA-256 and text."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from orchestration.cli import main
from orchestration.evidence import layout
from orchestration.settings import DEFAULTS, POLICY_FILE_VAR
from tests.evidence.conftest import DAYS, END_DATE

SHIPPED_POLICY = Path(DEFAULTS[POLICY_FILE_VAR])


def test_policy_file_and_its_hash_are_sealed_in_each_day(evidence_run) -> None:
    shipped = SHIPPED_POLICY.read_bytes()
    for day in DAYS:
        folder = evidence_run.day(day)
        assert (folder / layout.POLICY).read_bytes() == shipped
        metadata = json.loads((folder / layout.RUN_METADATA).read_text())
        policy = metadata["policy"]
        assert policy["sha256"] == hashlib.sha256(shipped).hexdigest()
        assert policy["file"] == str(SHIPPED_POLICY)
        assert policy["text"] == shipped.decode("utf-8")
        assert (policy["control"], policy["text_matches_sha256"]) == ("TRN.2.01", True)
        sums = (folder / layout.SUMS).read_text().splitlines()
        assert f"{policy['sha256']}  {layout.POLICY}" in sums


def test_a_regenerated_day_shows_the_policy_that_ran(
    evidence_run, monkeypatch, tmp_path: Path
) -> None:
    changed = tmp_path / "changed.yml"
    changed.write_text(SHIPPED_POLICY.read_text().replace("grace_days: 30", "grace_days: 45"))
    evidence_run.environment(monkeypatch)
    monkeypatch.setenv(POLICY_FILE_VAR, str(changed))
    monkeypatch.setenv("COMPLIANCE_EVIDENCE_DIR", str(tmp_path / "evidence"))

    assert main(["evidence", "--date", END_DATE.isoformat()]) == 0
    folder = tmp_path / "evidence" / END_DATE.isoformat()
    assert (folder / layout.POLICY).read_bytes() == SHIPPED_POLICY.read_bytes()
    metadata = json.loads((folder / layout.RUN_METADATA).read_text())
    assert metadata["policy"]["sha256"] == hashlib.sha256(SHIPPED_POLICY.read_bytes()).hexdigest()
