"""The dbt project, built once, and the preparation of its manifest."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from functools import cache, cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging.version import Version

from orchestration.settings import (
    DBT_PROJECT_DIR,
    DBT_TARGET_VAR,
    WAREHOUSE_VAR,
    setting,
    warehouse_path,
)

PARSE_STATE_FILE = "partial_parse.msgpack"

# Each run's target folder (dbt.log, run_results.json) is kept for a while to look into.
RUN_FOLDERS_KEPT = 10


@cache
def dbt_project() -> DbtProject:
    # dbt reads the warehouse path from the environment in profiles.yml; pin it to
    # the same absolute path the Python side resolved, whatever dbt's working directory.
    os.environ[WAREHOUSE_VAR] = str(warehouse_path())
    return DbtProject(
        project_dir=DBT_PROJECT_DIR,
        profiles_dir=DBT_PROJECT_DIR,
        target=setting(DBT_TARGET_VAR),
    )


class ComplianceDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without two per-run costs this pipeline does not use."""

    @cached_property
    def _cli_version(self) -> Version:
        # dbt_executable() is the dbt of this interpreter's environment, so the
        # installed dbt-core is the version `dbt --version` would print, 2-4 s sooner.
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        # The in-process adapter only serves fetch_row_counts/fetch_column_metadata,
        # which the assets never call; loading the profile for it costs 2-3 s a run.
        return None


def project_target_dir() -> Path:
    """The project's own target/: the prepared manifest and the parse state runs start from."""
    return dbt_project().project_dir / dbt_project().target_path


def dbt_resource() -> DbtCliResource:
    # The target as the environment says now (dbt_project() is built once per process).
    return ComplianceDbtCliResource(
        project_dir=dbt_project(), dbt_executable=dbt_executable(), target=setting(DBT_TARGET_VAR)
    )


def keep_parse_state(run_target_path: Path, destination: Path | None = None) -> None:
    """Makes an invocation's parse the starting point of the next one's partial parse.

    dagster-dbt seeds each run's target folder from target/partial_parse.msgpack
    (the default `destination`); refreshing it means a daily run re-parses only
    what changed since the last one.
    """
    state = run_target_path / PARSE_STATE_FILE
    if not state.is_file():
        return
    destination = destination or project_target_dir() / state.name
    destination.parent.mkdir(parents=True, exist_ok=True)
    staged = destination.with_name(f"{destination.name}.{os.getpid()}")
    shutil.copyfile(state, staged)
    os.replace(staged, destination)


def prepare_manifest(force: bool = False) -> None:
    """Runs `dbt parse` so target/manifest.json exists before definitions load."""
    if force or not dbt_project().manifest_path.exists():
        dbt_resource().cli(["--quiet", "parse"], target_path=dbt_project().target_path).wait()


def prune_run_folders(keep: int = RUN_FOLDERS_KEPT) -> None:
    """Removes all but the newest `keep` per-run target folders dagster-dbt leaves."""
    run_folders = project_target_dir().glob("compliance_dbt_models-*")
    folders = sorted(
        (folder for folder in run_folders if folder.is_dir()),
        key=lambda folder: folder.stat().st_mtime,
        reverse=True,
    )
    for folder in folders[keep:]:
        shutil.rmtree(folder, ignore_errors=True)


def dbt_executable() -> str:
    """dbt from this interpreter's environment, so an unactivated venv still works."""
    beside_python = Path(sys.executable).parent / "dbt"
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("dbt") or "dbt"
