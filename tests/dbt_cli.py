"""dbt itself, run on a scratch DuckDB file, as the dbt-level tests invoke it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR
from orchestration.transformation.project import dbt_executable


def run_dbt(
    arguments: list[str], warehouse: Path, work: Path
) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    """`dbt <arguments>` on `warehouse`, target and logs under `work`; the process and
    run_results.json's results."""
    target = work / "target"
    result = subprocess.run(
        [
            dbt_executable(),
            *arguments,
            "--profiles-dir",
            ".",
            "--target-path",
            str(target),
            "--log-path",
            str(work / "logs"),
        ],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "COMPLIANCE_WAREHOUSE": str(warehouse)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    results_file = target / "run_results.json"
    results = json.loads(results_file.read_text())["results"] if results_file.is_file() else []
    return result, results
