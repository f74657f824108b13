"""Shared set-up: a freshly parsed dbt manifest and real runs of the pipeline in temp folders."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

# No `orchestration` import at this module's level: importing the package loads the
# Dagster definitions, which read target/manifest.json, and that must be re-parsed first.

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BIN_DIR = Path(sys.executable).parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


# Tests that share one of these (expensive, session-scoped) stay in one process under
# pytest-xdist; any other test stays with its module, as module-scoped fixtures need.
# The PostgreSQL server is not one of them: a cluster starts in seconds, and the
# PostgreSQL modules (minutes each) balance better across the workers apart.
SHARED_SESSION_FIXTURES = ("evidence_run", "cli_run")


def _parse_dbt_project() -> None:
    """Parses the dbt project as it is now, once: in the process that runs the tests or,
    under pytest-xdist, in the controller before any worker starts (two parses writing the
    same target/ at once would clash). It runs in a subprocess while this conftest loads,
    before any other conftest or test module imports the definitions, so a manifest left
    by another checkout is never the one loaded."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    subprocess.run(
        [str(BIN_DIR / "dbt"), "--quiet", "parse"],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR)},
        check=True,
    )


_parse_dbt_project()


def _xdist_group(item: pytest.Item) -> str:
    shared = [name for name in SHARED_SESSION_FIXTURES if name in item.fixturenames]
    return shared[0] if shared else item.nodeid.split("::")[0]


# Before pytest-xdist's own hook, which reads the groups.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Workers collect too, and the groups must be set there (their nodeids carry the
    # group), yet a worker's own -n is empty: the worker variable says it is one.
    under_xdist = bool(os.environ.get("PYTEST_XDIST_WORKER") or config.getoption("numprocesses"))
    if not config.pluginmanager.hasplugin("xdist") or not under_xdist:
        return
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_xdist_group(item)))
    # Groups with slow scenarios first, so no long one is left to run alone at the end.
    slow_groups = {_xdist_group(item) for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: _xdist_group(item) not in slow_groups)


def _materialize_command(as_of_date: date) -> list[str]:
    from orchestration.cli import materialize_command

    return materialize_command(as_of_date)


class FolderLayout:
    """Where a test's landing zone, warehouse, Dagster home, docs and evidence live under root."""

    root: Path

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "compliance.duckdb"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def evidence(self) -> Path:
        return self.root / "evidence"


@dataclass(frozen=True)
class PipelineFolders(FolderLayout):
    """A landing zone, a warehouse and a Dagster home of one test, all in tmp."""

    root: Path

    def environment(self) -> dict[str, str]:
        # As `compliance` does: the storage exists before any of the test's processes start.
        from orchestration.dagster_home import prepare_dagster_home

        prepare_dagster_home(self.dagster_home)
        return {
            **os.environ,
            "COMPLIANCE_LANDING_DIR": str(self.landing),
            "COMPLIANCE_WAREHOUSE": str(self.warehouse),
            "DAGSTER_HOME": str(self.dagster_home),
            # Per-test outputs: the defaults under data/ are shared by concurrent test runs.
            "COMPLIANCE_DOCS_DIR": str(self.docs),
            "COMPLIANCE_EVIDENCE_DIR": str(self.evidence),
        }

    def materialize(self, as_of_date: date) -> subprocess.CompletedProcess[str]:
        """The data contract's command, exactly as a user runs it."""
        return subprocess.run(
            _materialize_command(as_of_date),
            cwd=PROJECT_ROOT,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )

    def materialize_ok(self, as_of_date: date) -> None:
        result = self.materialize(as_of_date)
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-8000:]

    def query(self, sql: str, parameters: list[object] | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as connection:
            return connection.execute(sql, parameters or []).fetchall()


@pytest.fixture
def pipeline_folders(tmp_path: Path) -> Iterator[PipelineFolders]:
    yield PipelineFolders(tmp_path)


@dataclass(frozen=True)
class CliRun:
    """`compliance run` of a failing sample day, as a user types it, output captured."""

    folders: PipelineFolders
    as_of_date: date
    environment: dict[str, str]
    result: subprocess.CompletedProcess[str]

    @property
    def lines(self) -> list[str]:
        return self.result.stdout.splitlines()


@pytest.fixture(scope="session")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    """One run shared by the command-line and the Dagster UI tests (the UI reads its instance)."""
    from orchestration.cli import SAMPLE_END_DATE
    from orchestration.sample_data import generate_landing_zone

    folders = PipelineFolders(tmp_path_factory.mktemp("cli_run"))
    generate_landing_zone(folders.landing, people=150, days=2, end_date=SAMPLE_END_DATE)
    environment = {
        **folders.environment(),
        "COMPLIANCE_LOG_DIR": str(folders.root / "logs"),
    }
    # The first partition comes from the landing zone, as for a user.
    environment.pop("COMPLIANCE_PARTITIONS_START", None)
    result = subprocess.run(
        [str(BIN_DIR / "compliance"), "run", "--date", SAMPLE_END_DATE.isoformat()],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return CliRun(folders, SAMPLE_END_DATE, environment, result)
