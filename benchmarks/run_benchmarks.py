"""Benchmark: the daily run against a plain-SQL floor, and what the work folder grows by.

    python -m benchmarks.run_benchmarks [--sizes 1000000] [--growth-people 100000] [--keep]

One invocation measures, in this order:

1. the sample: the demo's 2,000 people with 3 days of exports; the day before the
   as-of date runs first, unmeasured, so the measured run is a daily run on a working
   deployment (the fixed cost);
2. storage growth: three consecutive days at `--growth-people` people (day_series.py:
   0.5% of people and 1% of LMS records change per day), each day's full run on the same
   folders; the size of the warehouse, evidence, docs and Dagster instance folders after
   each day. Day 3's run is also that size's row of the results table;
3. each of `--sizes` (1M by default): a one-day landing zone, full run on fresh folders.

For every row: **full** is the data contract's command, `dagster asset materialize -m
orchestration --select '*' --partition D` (ingestion, dbt build, GX checks, evidence
pack); **floor** is plain_rules.sql (plain_sql.py) on the same files. Each gets wall
time, peak RSS of its whole process tree and CPU time. `--dbt-alone` adds dbt build on
its own for each row. The table, the targets and the profiles go to docs/benchmarks.md.
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

from benchmarks.day_series import DayExport, changed_share, write_day_series
from benchmarks.machine import describe_machine, describe_source, load_average
from benchmarks.measure import Measurement, measure
from benchmarks.report import Benchmark, render_report, render_table
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
    EVIDENCE_DIR_VAR,
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
GROWTH_DAYS = 3
# The folders a deployment keeps, as the full run's environment places them under a root.
WORK_FOLDERS = {
    "warehouse": "warehouse",
    "evidence": "evidence",
    "docs": "docs",
    "Dagster instance": "dagster_home",
}
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
    dbt: Run | None
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
    def dbt_over_plain(self) -> float | None:
        return None if self.dbt is None else self.dbt.wall_seconds / self.plain.wall_seconds


@dataclass(frozen=True)
class StorageDay:
    export: DayExport
    # Bytes of each work folder (WORK_FOLDERS) after the day's run.
    folder_bytes: dict[str, int]
    wall_seconds: float


@dataclass(frozen=True)
class StorageGrowth:
    people: int
    days: tuple[StorageDay, ...]
    hr_changed_share: float
    lms_changed_share: float

    @property
    def last_day_growth(self) -> dict[str, int]:
        before, after = self.days[-2].folder_bytes, self.days[-1].folder_bytes
        return {name: after[name] - before[name] for name in after}

    @property
    def growth_over_export(self) -> float:
        return sum(self.last_day_growth.values()) / self.days[-1].export.export_bytes


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
            EVIDENCE_DIR_VAR: str(root / "evidence"),
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


def folder_bytes(folder: Path) -> int:
    """Bytes a folder takes on disk (allocated blocks: a DuckDB file grows in blocks)."""
    if not folder.exists():
        return 0
    return sum(path.stat().st_blocks * 512 for path in folder.rglob("*") if path.is_file())


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


def measure_row(
    root: Path,
    label: str,
    people: int,
    counts: tuple[int, int],
    full_output: Measurement,
    full: Run,
    with_dbt_alone: bool,
) -> SizeResult:
    """The floor (and dbt alone, when asked) on the files the full run just read."""
    dbt = None
    if with_dbt_alone:
        _, dbt = run_dbt_alone(root)
        print(f"[{label}] dbt build {dbt.wall_seconds:.1f} s", flush=True)
    plain, plain_coverage = run_plain_sql(root)
    print(f"[{label}] floor {plain.wall_seconds:.1f} s", flush=True)
    landing_bytes = sum(path.stat().st_size for path in (root / "landing").rglob("*.csv"))
    dagster_run = run_id(full_output.lines)
    results_file = dagster_run_results(DBT_PROJECT_DIR / "target", dagster_run or "-")
    result = SizeResult(
        label=label,
        people=people,
        hr_rows=counts[0],
        lms_rows=counts[1],
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
        dbt_alone=dbt_timings(root / "dbt_target" / "run_results.json") if dbt else None,
    )
    if results_file:
        shutil.rmtree(results_file.parent, ignore_errors=True)
    return result


def measure_size(
    work: Path, label: str, people: int, days: int, records: float | None, with_dbt_alone: bool
) -> SizeResult:
    root = work / label.split()[0].replace(",", "")
    counts = generate(root / "landing", people, days, records)
    print(f"[{label}] landing zone: {counts[0]:,} HR rows, {counts[1]:,} LMS records", flush=True)
    if days > 1:
        # A daily run follows the previous day's on the same deployment: run that
        # day first, unmeasured, so the measured run is the steady state.
        run_full_pipeline(root, AS_OF - timedelta(days=1))
    full_output, full = run_full_pipeline(root)
    print(f"[{label}] full pipeline {full.wall_seconds:.1f} s", flush=True)
    return measure_row(root, label, people, counts, full_output, full, with_dbt_alone)


def measure_growth(
    work: Path, people: int, with_dbt_alone: bool
) -> tuple[StorageGrowth, SizeResult]:
    """Three consecutive days on one deployment; the last day's run is also a results row."""
    root = work / f"growth_{people}"
    exports = write_day_series(root / "landing", people=people, days=GROWTH_DAYS, end_date=AS_OF)
    label = f"{people:,} people (day {GROWTH_DAYS} of {GROWTH_DAYS})"
    days = []
    for export in exports:
        full_output, full = run_full_pipeline(root, export.as_of_date)
        sizes = {name: folder_bytes(root / folder) for name, folder in WORK_FOLDERS.items()}
        days.append(StorageDay(export, sizes, full.wall_seconds))
        total = sum(sizes.values()) / 2**20
        print(
            f"[{label}] {export.as_of_date}: full pipeline {full.wall_seconds:.1f} s, "
            f"work folders {total:,.0f} MiB",
            flush=True,
        )
    hr_share, lms_share = changed_share(root / "landing", AS_OF)
    growth = StorageGrowth(people, tuple(days), hr_share, lms_share)
    last = exports[-1]
    row = measure_row(
        root, label, people, (last.hr_rows, last.lms_rows), full_output, full, with_dbt_alone
    )
    return growth, row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000_000])
    parser.add_argument(
        "--growth-people", type=int, default=100_000, help="people of the 3-day storage series"
    )
    parser.add_argument("--no-sample", action="store_true", help="skip the 2,000-person sample")
    parser.add_argument("--dbt-alone", action="store_true", help="also time dbt build alone")
    parser.add_argument("--work-dir", type=Path, help="where landing zones and warehouses go")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)

    work = args.work_dir or Path(tempfile.mkdtemp(prefix="compliance-benchmark-"))
    work.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    machine = describe_machine() | describe_source(PROJECT_ROOT)
    results: list[SizeResult] = []
    growth: StorageGrowth | None = None

    def write_report() -> None:
        # After every stage: a run cut short still leaves the stages it finished.
        benchmark = Benchmark(tuple(results), growth, started, datetime.now(UTC))
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(render_report(benchmark, machine, " ".join(sys.argv[1:])))

    try:
        if not args.no_sample:
            sample = f"sample ({SAMPLE_PEOPLE:,} people, demo history)"
            results.append(
                measure_size(work, sample, SAMPLE_PEOPLE, SAMPLE_DAYS, None, args.dbt_alone)
            )
            write_report()
        if args.growth_people:
            growth, row = measure_growth(work, args.growth_people, args.dbt_alone)
            results.append(row)
            write_report()
        for people in args.sizes:
            label = f"{people:,} people"
            results.append(measure_size(work, label, people, 1, RECORDS_PER_PERSON, args.dbt_alone))
            write_report()
            if not args.keep:
                shutil.rmtree(work / label.split()[0].replace(",", ""), ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(render_table(results))
    minutes = (datetime.now(UTC) - started).total_seconds() / 60
    print(f"written {args.output} ({minutes:.1f} min)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
