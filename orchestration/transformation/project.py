"""The dbt project, built once, and the preparation of its manifest."""

from __future__ import annotations

import os
import shutil
import sys
from functools import cache
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from orchestration.settings import (
    DBT_PROJECT_DIR,
    DBT_TARGET_VAR,
    WAREHOUSE_VAR,
    setting,
    warehouse_path,
)


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


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable())


def prepare_manifest(force: bool = False) -> None:
    """Runs `dbt parse` so target/manifest.json exists before definitions load."""
    if force or not dbt_project().manifest_path.exists():
        dbt_resource().cli(["--quiet", "parse"], target_path=dbt_project().target_path).wait()


def dbt_executable() -> str:
    """dbt from this interpreter's environment, so an unactivated venv still works."""
    beside_python = Path(sys.executable).parent / "dbt"
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("dbt") or "dbt"
