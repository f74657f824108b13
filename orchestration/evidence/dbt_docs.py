"""dbt docs for the day: `dbt docs generate --static`, one self-contained HTML file.

The docs describe the warehouse the evidence was read from. On PostgreSQL that is the
project's own `postgres` output (dbt only reads the catalog there). On DuckDB, dbt gets
a profile of its own that attaches the file
READ_ONLY under the database name the models use, so generating docs takes no
DuckDB write lock and fits the warehouse's shared (reader) lock. dbt writes into a
temporary target path, never the project's target/ that the daily run uses.

The page embeds the manifest and catalog and carries its scripts and styles inline;
the only outside request it could make is dbt's usage tracker, which stays off.

The as-of date goes by environment, not --vars, so the parse of one day's docs
(kept in target/evidence_docs/) serves the next day's: dbt re-parses only what
changed instead of the whole project.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import yaml

from orchestration.settings import (
    AS_OF_DATE_VAR,
    DBT_PROJECT_DIR,
    POSTGRES_TARGET,
    marts_on_postgres,
)
from orchestration.transformation.project import (
    PARSE_STATE_FILE,
    dbt_executable,
    keep_parse_state,
    project_target_dir,
)

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
        if marts_on_postgres():
            profiles_dir, profile_target = DBT_PROJECT_DIR, POSTGRES_TARGET
        else:
            _read_only_profiles(work, warehouse_file)
            profiles_dir, profile_target = work, READ_ONLY_TARGET
        target = work / "target"
        target.mkdir()
        parse_state = project_target_dir() / "evidence_docs" / PARSE_STATE_FILE
        if parse_state.is_file():
            shutil.copyfile(parse_state, target / PARSE_STATE_FILE)
        command = [
            dbt_executable(),
            "--quiet",
            "docs",
            "generate",
            "--static",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(profiles_dir),
            "--target",
            profile_target,
            "--target-path",
            str(target),
            "--log-path",
            str(work / "logs"),
        ]
        result = subprocess.run(
            command,
            cwd=DBT_PROJECT_DIR,
            env={
                **os.environ,
                # Compiled SQL in the docs shows the exact as-of date the models ran for.
                AS_OF_DATE_VAR: as_of_date.isoformat(),
                # The page loads a tracker from a CDN when the manifest says usage stats
                # are on; evidence pages open offline and never call out.
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            },
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        static_index = target / "static_index.html"
        if result.returncode != 0 or not static_index.is_file():
            raise DbtDocsError(
                f"dbt docs generate failed (exit {result.returncode}):\n"
                + (result.stdout + result.stderr)[-4000:]
            )
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(static_index, destination)
        keep_parse_state(target, parse_state)
