"""Where each file of an evidence folder lives, relative to the day's folder.

`<evidence>/<YYYY-MM-DD>/` is the sealed unit: SHA256SUMS covers every file in it, and
the one file it shares with other days, the dbt docs page under
`<evidence>/dbt_docs/<fingerprint>/` (one per version of the dbt project and warehouse
schema, written once and never changed), listed by its path from the day's folder.
`<evidence>/index.html` lists the days and changes whenever a day is added, so it
stays outside every seal. `<evidence>/seal_log.jsonl` chains every seal of every day
(seal_log.py): it is appended to, never rewritten.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

DAY_PAGE = "index.html"
ROOT_INDEX = "index.html"
SEAL_LOG = "seal_log.jsonl"
SUMS = "SHA256SUMS"

# The day's populations, each as Parquet and as gzipped CSV (no uncompressed copy: at
# 100k people they are tens of MB a day). Every other table is small and plain CSV.
IN_SCOPE = "population/in_scope"  # .csv.gz and .parquet
SCOPE_DECISIONS = "population/scope_decisions"  # .csv.gz and .parquet
POPULATION_CSV = ".csv.gz"
EXCEPTIONS_IN_FORCE = "exceptions_in_force.csv"
UNMATCHED_LMS_RECORDS = "unmatched_lms_records.csv"
SCOPE_UNRESOLVED = "scope_unresolved.csv"
REJECTS = "rejects.csv"
CHASE_LIST = "chase_list.csv"
MANAGER_FOLLOW_UP = "manager_follow_up.csv"
COVERAGE_FORECAST = "forecast/coverage_forecast.csv"
LAPSES_BY_DEPARTMENT = "forecast/lapses_by_department.csv"
LAPSES_BY_MANAGER = "forecast/lapses_by_manager.csv"
COVERAGE = "coverage.json"
COVERAGE_TREND = "coverage_trend.csv"
SAMPLES_DIR = "samples"
SAMPLING = "samples/sampling.json"
GX_VALIDATIONS_DIR = "gx/validations"
GX_DATA_DOCS = "gx/data_docs/index.html"
# Shared by the days built from the same dbt project: <evidence>/dbt_docs/<fingerprint>/.
DBT_DOCS_ROOT = "dbt_docs"
DBT_DOCS_PAGE = "index.html"
RUN_METADATA = "run_metadata.json"
# The policy file the day's run applied, byte for byte (its SHA-256 is in run_metadata.json).
POLICY = "policy.yml"

# Files whose bytes depend on when (not only for which day) they were produced.
# Every other file is a function of the warehouse history up to the as-of date,
# so regenerating a past day reproduces it byte for byte. The day page shows the
# run that wrote it (run id, commit, time) in one marked block; the rest of it is
# reproducible like the data files (RUN_STAMP_START .. RUN_STAMP_END).
RUN_STAMPED: tuple[str, ...] = (RUN_METADATA, SUMS, "gx/", DAY_PAGE)
RUN_STAMP_START = "<!-- run stamp -->"
RUN_STAMP_END = "<!-- /run stamp -->"


def is_run_stamped(relative_path: str) -> bool:
    return any(
        relative_path == stamped or (stamped.endswith("/") and relative_path.startswith(stamped))
        for stamped in RUN_STAMPED
    )


def shared_dbt_docs(fingerprint: str) -> str:
    """The shared dbt docs page as a day folder's page links it and SHA256SUMS lists it."""
    return f"../{DBT_DOCS_ROOT}/{fingerprint}/{DBT_DOCS_PAGE}"


def day_folder(root: Path, as_of_date: date) -> Path:
    return root / as_of_date.isoformat()


def evidence_days(root: Path) -> list[date]:
    """As-of dates that have a sealed evidence folder under root, oldest first."""
    days = []
    for child in root.iterdir() if root.is_dir() else ():
        try:
            day = date.fromisoformat(child.name)
        except ValueError:
            continue
        if (child / SUMS).is_file() and (child / COVERAGE).is_file():
            days.append(day)
    return sorted(days)
