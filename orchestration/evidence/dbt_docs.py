"""dbt docs for the day: `dbt docs generate --static`, one self-contained HTML file.

The docs describe the DuckDB warehouse the evidence was read from, whatever
COMPLIANCE_DBT_TARGET says. dbt gets a profile of its own that attaches that file
READ_ONLY under the database name the models use, so generating docs takes no
DuckDB write lock and fits the warehouse's shared (reader) lock. dbt writes into a
temporary target path, never the project's target/ that the daily run uses.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import yaml

from orchestration.settings import DBT_PROJECT_DIR
from orchestration.transformation.project import dbt_executable

READ_ONLY_TARGET = "evidence_read_only"
TIMEOUT_SECONDS = 600


class DbtDocsError(RuntimeError):
    pass


def _read_only_profiles(directory: Path, warehouse_file: Path) -> None:
    # dbt-duckdb names the database after the file's stem; the attach keeps that name.
    database = warehouse_file.stem
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    profile = {
        project["profile"]: {
            "target": READ_ONLY_TARGET,
            "outputs": {
                READ_ONLY_TARGET: {
                    "type": "duckdb",
                    "path": ":memory:",
                    "database": database,
                    "attach": [{"path": str(warehouse_file), "alias": database, "read_only": True}],
                    "schema": "main",
                    "threads": 2,
                }
            },
        }
    }
    (directory / "profiles.yml").write_text(yaml.safe_dump(profile))


def generate_dbt_docs(as_of_date: date, destination: Path, warehouse_file: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="evidence-dbt-docs-") as scratch:
        work = Path(scratch)
        _read_only_profiles(work, warehouse_file)
        command = [
            dbt_executable(),
            "--quiet",
            "docs",
            "generate",
            "--static",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(work),
            "--target",
            READ_ONLY_TARGET,
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
            # Compiled SQL in the docs shows the exact as-of date the models ran for.
            "--vars",
            json.dumps({"as_of_date": as_of_date.isoformat()}),
        ]
        result = subprocess.run(
            command,
            cwd=DBT_PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        static_index = work / "target" / "static_index.html"
        if result.returncode != 0 or not static_index.is_file():
            raise DbtDocsError(
                f"dbt docs generate failed (exit {result.returncode}):\n"
                + (result.stdout + result.stderr)[-4000:]
            )
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(static_index, destination)
