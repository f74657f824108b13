"""Where the pipeline reads and writes, from environment variables with project defaults.

Every path is made absolute: DuckDB, dbt and Dagster run from different working
directories, and a relative path would silently point at a different file in each.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
DATA_DIR = PROJECT_ROOT / "data"

LANDING_DIR_VAR = "COMPLIANCE_LANDING_DIR"
WAREHOUSE_VAR = "COMPLIANCE_WAREHOUSE"
PARTITIONS_START_VAR = "COMPLIANCE_PARTITIONS_START"
SCHEDULE_CRON_VAR = "COMPLIANCE_SCHEDULE_CRON"
TIMEZONE_VAR = "COMPLIANCE_TIMEZONE"
DOCS_DIR_VAR = "COMPLIANCE_DOCS_DIR"
FRESHNESS_DEADLINE_VAR = "COMPLIANCE_FRESHNESS_DEADLINE"

DEFAULTS: dict[str, str] = {
    LANDING_DIR_VAR: str(DATA_DIR / "sample_landing"),
    WAREHOUSE_VAR: str(DATA_DIR / "warehouse" / "compliance.duckdb"),
    PARTITIONS_START_VAR: "2024-01-01",
    # Exports land overnight; 06:00 leaves the HRIS and LMS jobs time to finish.
    SCHEDULE_CRON_VAR: "0 6 * * *",
    TIMEZONE_VAR: "UTC",
    DOCS_DIR_VAR: str(DATA_DIR / "docs"),
    # Today's run must have succeeded by then (HH:MM in COMPLIANCE_TIMEZONE).
    FRESHNESS_DEADLINE_VAR: "09:00",
}


def setting(name: str) -> str:
    """The environment's value for `name`, else the project default."""
    value = os.environ.get(name, "").strip()
    return value or DEFAULTS[name]


def landing_dir() -> Path:
    return Path(setting(LANDING_DIR_VAR)).expanduser().resolve()


def warehouse_path() -> Path:
    return Path(setting(WAREHOUSE_VAR)).expanduser().resolve()


def docs_dir() -> Path:
    return Path(setting(DOCS_DIR_VAR)).expanduser().resolve()
