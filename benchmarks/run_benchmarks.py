"""Benchmark: the daily run at 10k, 100k and 1M people against a plain-SQL floor.

    python -m benchmarks.run_benchmarks [--sizes 10000 100000 1000000] [--keep]

For each size it generates a one-day landing zone (orchestration.sample_data, about
20 LMS records per person), then measures on the same files, one after another:

1. full pipeline: the data contract's command, `dagster asset materialize -m
   orchestration --select '*' --partition D`, on fresh landing/warehouse/docs/
   DAGSTER_HOME folders (ingestion, dbt build, GX checks, evidence pack). For the
   demo sample (3 days of exports) the previous day runs first, unmeasured, on the
   same folders: its fixed cost is that of a daily run on a working deployment;
2. dbt build alone on the warehouse that run loaded (same vars, no unit tests);
3. the floor: plain_rules.sql in DuckDB straight from the CSVs (plain_sql.py).

Each gets wall time, peak RSS of its whole process tree and CPU time. The 2,000-
person demo sample is measured too (the fixed cost of a daily run). The table is
printed and written with the machine, the date and the profile of the largest
full run to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from benchmarks.machine import describe_machine, describe_source, load_average
from benchmarks.measure import Measurement, measure
from benchmarks.report import render_report, render_table
from benchmarks.run_profile import (
    DbtTimings,
    Phase,
    dagster_run_results,
    dbt_timings,
    pipeline_phases,
    run_id,
)
from orchestration.cli import materialize_command
from orchestration.dagster_home import INSTANCE_TEMPLATE
from orchestration.settings import (
    DBT_PROJECT_DIR,
    DOCS_DIR_VAR,
    LANDING_DIR_VAR,
    PROJECT_ROOT,
    WAREHOUSE_VAR,
    policy_file,
)
from orchestration.statuses import load_statuses
from orchestration.transformation.project import dbt_executable

AS_OF = date(2026, 11, 27)
RECORDS_PER_PERSON = 20.0
SAMPLE_PEOPLE = 2000
SAMPLE_DAYS = 3
COVERAGE_COLUMNS = (
    "in_scope_count",
    *(status.count_column for status in load_statuses()),
    "due_soon_count",
    "unmatched_lms_record_count",
    "coverage_pct",
    "completion_pct",
)


@dataclass(frozen=True)
class Run:
    wall_seconds: float
    peak_rss_bytes: int
    cpu_seconds: float
    load_before: float


@dataclass(frozen=True)
class SizeResult:
    label: str
    people: int
    hr_rows: int
    lms_rows: int
    landing_bytes: int
    full: Run
    dbt: Run
    plain: Run
    agreement: str
    phases: tuple[Phase, ...]
    peak_processes: tuple[tuple[str, int], ...]
    dagster_dbt: DbtTimings | None
    dbt_alone: DbtTimings | None

    @property
    def full_over_plain(self) -> float:
        return self.full.wall_seconds / self.plain.wall_seconds

    @property
    def dbt_over_plain(self) -> float:
        return self.dbt.wall_seconds / self.plain.wall_seconds


def _environment(**overrides: str) -> dict[str, str]:
    # A COMPLIANCE_* setting of the caller's shell must not leak into a measured run.
    clean = {key: value for key, value in os.environ.items() if not key.startswith("COMPLIANCE_")}
    return {**clean, **overrides}


def _measured(
    command: list[str], *, env: dict[str, str], cwd: Path, log: Path
) -> tuple[Measurement, Run]:
    load = load_average()
    result = measure(command, env=env, cwd=cwd, log_path=log)
    if result.returncode != 0:
        tail = "\n".join(text for _, text in result.lines[-40:])
        raise RuntimeError(f"{' '.join(command)} exited {result.returncode}; log {log}\n{tail}")
    return result, Run(result.wall_seconds, result.peak_rss_bytes, result.cpu_seconds, load)


def generate(landing: Path, people: int, days: int, records: float | None) -> tuple[int, int]:
    """Writes the landing zone in a child process; HR and LMS row counts of the as-of date."""
    command = [
        sys.executable,
        "-m",
        "orchestration.cli",
        "generate-sample",
        "--landing",
        str(landing),
        "--people",
        str(people),
        "--days",
        str(days),
        "--end-date",
        AS_OF.isoformat(),
    ]
    if records is not None:
        command += ["--lms-records-per-person", str(records)]
    output = subprocess.run(
        command, cwd=PROJECT_ROOT, check=True, capture_output=True, text=True
    ).stdout
    counts = {
        kind: int(match[1])
        for kind in ("employees", "completions")
        if (match := re.search(rf"{kind}_{AS_OF.isoformat()}\.csv\s+([0-9]+) rows", output))
    }
    return counts.get("employees", 0), counts.get("completions", 0)


def run_full_pipeline(root: Path, as_of: date = AS_OF) -> tuple[Measurement, Run]:
    dagster_home = root / "dagster_home"
    if not dagster_home.exists():
        dagster_home.mkdir(parents=True)
        shutil.copyfile(INSTANCE_TEMPLATE, dagster_home / "dagster.yaml")
    env = _environment(
        **{
            LANDING_DIR_VAR: str(root / "landing"),
            WAREHOUSE_VAR: str(root / "warehouse" / "compliance.duckdb"),
            DOCS_DIR_VAR: str(root / "docs"),
            "DAGSTER_HOME": str(dagster_home),
        }
    )
    command = materialize_command(as_of)
    log = root / "logs" / f"full_{as_of.isoformat()}.log"
    return _measured(command, env=env, cwd=PROJECT_ROOT, log=log)


def run_dbt_alone(root: Path) -> tuple[Measurement, Run]:
    command = [
        dbt_executable(),
        "build",
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(root / "dbt_target"),
        "--log-path",
        str(root / "logs"),
        "--vars",
        json.dumps({"as_of_date": AS_OF.isoformat()}),
        "--exclude-resource-type",
        "unit_test",
    ]
    env = _environment(**{WAREHOUSE_VAR: str(root / "warehouse" / "compliance.duckdb")})
    return _measured(command, env=env, cwd=DBT_PROJECT_DIR, log=root / "logs" / "dbt.log")


def run_plain_sql(root: Path) -> tuple[Run, dict[str, object]]:
    command = [
        sys.executable,
        "-m",
        "benchmarks.plain_sql",
        "--landing",
        str(root / "landing"),
        "--date",
        AS_OF.isoformat(),
        "--database",
        str(root / "plain.duckdb"),
        "--policy",
        str(policy_file()),
    ]
    result, run = _measured(
        command, env=_environment(), cwd=PROJECT_ROOT, log=root / "logs" / "plain.log"
    )
    return run, json.loads(result.lines[-1][1])


def compare_coverage(root: Path, plain: dict[str, object]) -> str:
    """Whether the floor computed the pipeline's coverage (it is a check on the floor)."""
    with duckdb.connect(str(root / "warehouse" / "compliance.duckdb"), read_only=True) as db:
        row = db.execute(
            f"select {', '.join(COVERAGE_COLUMNS)} from main.compliance_coverage "
            "where as_of_date = ?",
            [AS_OF],
        ).fetchone()
    pipeline = dict(zip(COVERAGE_COLUMNS, row, strict=True))
    differences = [
        f"{name} {pipeline[name]} vs {plain[name]}"
        for name in COVERAGE_COLUMNS
        if pipeline[name] != plain[name]
    ]
    return "same coverage row" if not differences else "differs: " + "; ".join(differences)


def measure_size(
    work: Path, label: str, people: int, days: int, records: float | None
) -> SizeResult:
    root = work / label.split()[0]
    hr_rows, lms_rows = generate(root / "landing", people, days, records)
    landing_bytes = sum(path.stat().st_size for path in (root / "landing").rglob("*.csv"))
    print(f"[{label}] landing zone: {hr_rows:,} HR rows, {lms_rows:,} LMS records", flush=True)

    if days > 1:
        # A daily run follows the previous day's on the same deployment: run that
        # day first, unmeasured, so the measured run is the steady state.
        run_full_pipeline(root, AS_OF - timedelta(days=1))
    full_output, full = run_full_pipeline(root)
    print(f"[{label}] full pipeline {full.wall_seconds:.1f} s", flush=True)
    _, dbt = run_dbt_alone(root)
    print(f"[{label}] dbt build {dbt.wall_seconds:.1f} s", flush=True)
    plain, plain_coverage = run_plain_sql(root)
    print(f"[{label}] plain SQL {plain.wall_seconds:.1f} s", flush=True)

    dagster_run = run_id(full_output.lines)
    results_file = dagster_run_results(DBT_PROJECT_DIR / "target", dagster_run or "-")
    result = SizeResult(
        label=label,
        people=people,
        hr_rows=hr_rows,
        lms_rows=lms_rows,
        landing_bytes=landing_bytes,
        full=full,
        dbt=dbt,
        plain=plain,
        agreement=compare_coverage(root, plain_coverage),
        phases=tuple(
            pipeline_phases(full_output.lines, full.wall_seconds, full_output.rss_samples)
        ),
        peak_processes=full_output.peak_processes,
        dagster_dbt=dbt_timings(results_file) if results_file else None,
        dbt_alone=dbt_timings(root / "dbt_target" / "run_results.json"),
    )
    if results_file:
        shutil.rmtree(results_file.parent, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--no-sample", action="store_true", help="skip the 2,000-person sample")
    parser.add_argument("--work-dir", type=Path, help="where landing zones and warehouses go")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)

    work = args.work_dir or Path(tempfile.mkdtemp(prefix="compliance-benchmark-"))
    work.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    machine = describe_machine() | describe_source(PROJECT_ROOT)
    plan: list[tuple[str, int, int, float | None]] = []
    if not args.no_sample:
        sample = f"sample ({SAMPLE_PEOPLE:,} people, demo history)"
        plan.append((sample, SAMPLE_PEOPLE, SAMPLE_DAYS, None))
    plan += [(f"{people:,} people", people, 1, RECORDS_PER_PERSON) for people in args.sizes]
    results = []
    try:
        for label, people, days, records in plan:
            results.append(measure_size(work, label, people, days, records))
            if not args.keep:
                shutil.rmtree(work / label.split()[0], ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(render_table(results))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render_report(results, machine, started, " ".join(sys.argv[1:])))
    print(f"written {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
