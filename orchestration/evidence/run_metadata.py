"""run_metadata.json: which run produced the folder, from which inputs, rules and code."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from orchestration.evidence import layout
from orchestration.evidence.gx_results import GxValidation
from orchestration.evidence.policy_record import PolicyRecord
from orchestration.ingestion.file_facts import inspect_file
from orchestration.ingestion.landing_tables import AUDIT_TABLE
from orchestration.rule_settings import load_rule_settings
from orchestration.settings import PROJECT_ROOT
from orchestration.warehouse import marts_engine
from orchestration.warehouse_reader import MartsConnection

PROJECT_DISTRIBUTION = "training-compliance-pipeline"
REPORTED_PACKAGES = (
    "dagster",
    "dagster-dbt",
    "dbt-core",
    "dbt-duckdb",
    "duckdb",
    "great_expectations",
    "pandas",
    "pyarrow",
)


def _installed_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def code_version() -> dict[str, Any]:
    version: dict[str, Any] = {
        "package": PROJECT_DISTRIBUTION,
        "package_version": _installed_version(PROJECT_DISTRIBUTION),
    }
    commit = _git("rev-parse", "HEAD")
    if commit:
        # Untracked files (data/, local notes) are not code; changed tracked files are.
        changes = _git("status", "--porcelain", "--untracked-files=no")
        version |= {"git_commit": commit, "git_dirty": bool(changes)}
    return version


def package_versions() -> dict[str, str | None]:
    return {name: _installed_version(name) for name in REPORTED_PACKAGES}


def rule_configuration() -> dict[str, Any]:
    rules = load_rule_settings()
    return {
        "fingerprint_sha256": rules.fingerprint(),
        "variables": rules.variables,
        "seed_files": dict(sorted(rules.seed_files.items())),
    }


def _landing_file_now(source_file: str, loaded_sha256: str | None) -> dict[str, Any]:
    """Whether the export still in the landing zone is the one that was loaded."""
    path = Path(source_file)
    if not path.is_file():
        return {"exists": False, "sha256_matches_load": None}
    return {"exists": True, "sha256_matches_load": inspect_file(path).sha256 == loaded_sha256}


def input_files(connection: MartsConnection, as_of_date: date) -> list[dict[str, Any]]:
    """Every export of the day as the load recorded it (hashed when it was read)."""
    cursor = connection.execute(
        f"""
        select source, source_file, file_present, sha256, size_bytes, record_count,
               loaded_row_count, rejected_row_count, extra_columns, loaded_at,
               pulled_from, raw_responses
        from {AUDIT_TABLE}
        where as_of_date = ?
        order by source
        """,
        [as_of_date],
    )
    names = [column[0] for column in cursor.description]
    files = []
    for row in cursor.fetchall():
        record = dict(zip(names, row, strict=True))
        record["file_name"] = Path(record["source_file"]).name
        record["landing_zone_now"] = _landing_file_now(record["source_file"], record["sha256"])
        files.append(record)
    return files


def build_run_metadata(
    connection: MartsConnection,
    as_of_date: date,
    *,
    run_id: str,
    produced_by: str,
    include_emails: bool,
    gx_validations: list[GxValidation],
    rerun_checkpoints: list[str],
    policy: PolicyRecord | None,
) -> dict[str, Any]:
    return {
        "as_of_date": as_of_date,
        "run_id": run_id,
        "produced_by": produced_by,
        "generated_at_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "input_files": input_files(connection, as_of_date),
        "warehouse": marts_engine(),
        # null for a day whose run published no policy (before the policy file existed).
        "policy": policy.as_dict() if policy is not None else None,
        "rule_configuration": rule_configuration(),
        "code_version": code_version(),
        "package_versions": package_versions(),
        "gx_validations": [validation.as_dict() for validation in gx_validations],
        "gx_checkpoints_rerun_for_this_folder": rerun_checkpoints,
        "personal_data": {"full_names": False, "work_emails": include_emails},
        "run_stamped_files": list(layout.RUN_STAMPED),
    }
