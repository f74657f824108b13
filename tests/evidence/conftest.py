"""One real pipeline history shared by the evidence tests: two consecutive sample days,
each materialized in process with every asset and check (the evidence asset included)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from dagster import DagsterInstance, ExecuteInProcessResult

from orchestration.evidence.layout import day_folder
from orchestration.sample_data import generate_landing_zone
from tests.conftest import FolderLayout
from tests.in_process import materialize_day

END_DATE = date(2026, 11, 27)
DAYS = (END_DATE - timedelta(days=1), END_DATE)
PEOPLE = 300


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder by relative POSIX path."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@dataclass
class EvidenceRun(FolderLayout):
    root: Path
    instance: DagsterInstance
    results: dict[date, ExecuteInProcessResult]
    # The first day's folder as its own run wrote it, before the later days ran.
    first_day_as_built: dict[str, bytes]

    def day(self, as_of_date: date) -> Path:
        return day_folder(self.evidence, as_of_date)

    def environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Points the settings at this history, as the in-process runs did."""
        monkeypatch.setenv("COMPLIANCE_LANDING_DIR", str(self.landing))
        monkeypatch.setenv("COMPLIANCE_WAREHOUSE", str(self.warehouse))
        monkeypatch.setenv("COMPLIANCE_DOCS_DIR", str(self.docs))
        monkeypatch.setenv("COMPLIANCE_EVIDENCE_DIR", str(self.evidence))

    def hr_values(self, column: str) -> set[str]:
        values = set()
        for path in sorted((self.landing / "hr").glob("employees_*.csv")):
            with path.open(newline="", encoding="utf-8-sig") as handle:
                values |= {row[column].strip() for row in csv.DictReader(handle) if row[column]}
        return values


@pytest.fixture(scope="session")
def evidence_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EvidenceRun]:
    root = tmp_path_factory.mktemp("evidence_run")
    generate_landing_zone(root / "landing", people=PEOPLE, days=len(DAYS), end_date=END_DATE)
    instance = DagsterInstance.ephemeral()
    results: dict[date, ExecuteInProcessResult] = {}
    first_day_as_built: dict[str, bytes] = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        for as_of_date in DAYS:
            result = materialize_day(monkeypatch, root, as_of_date, instance, with_evidence=True)
            assert result.success, f"run of {as_of_date} failed"
            results[as_of_date] = result
            if as_of_date == DAYS[0]:
                first_day_as_built = snapshot(day_folder(root / "evidence", as_of_date))
    yield EvidenceRun(root, instance, results, first_day_as_built)
