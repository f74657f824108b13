"""The benchmark's table for the terminal and docs/benchmarks.md."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.run_benchmarks import Run, SizeResult, StorageGrowth

GIB = 2**30
MIB = 2**20
TARGET_PEOPLE = 1_000_000


@dataclass(frozen=True)
class Benchmark:
    """Everything one invocation measured."""

    results: tuple[SizeResult, ...]
    growth: StorageGrowth | None
    started: datetime
    finished: datetime


@dataclass(frozen=True)
class Target:
    name: str
    limit: float
    unit: str
    measured: Callable[[Benchmark], float | None]
    # What to change first when the target is missed (the profile says where time goes).
    next_lever: str


def _at(people: int, pick: Callable[[SizeResult], float]) -> Callable[[Benchmark], float | None]:
    def measured(benchmark: Benchmark) -> float | None:
        rows = (r for r in benchmark.results if r.people == people and r.label[0].isdigit())
        row = next(rows, None)
        return pick(row) if row else None

    return measured


def _sample(pick: Callable[[SizeResult], float]) -> Callable[[Benchmark], float | None]:
    def measured(benchmark: Benchmark) -> float | None:
        row = next((r for r in benchmark.results if r.label.startswith("sample")), None)
        return pick(row) if row else None

    return measured


def _growth_share(benchmark: Benchmark) -> float | None:
    return None if benchmark.growth is None else 100 * benchmark.growth.growth_over_export


# The targets for this 2-core machine.
TARGETS = (
    Target(
        "1M people: full pipeline / floor (wall, same files, same run)",
        4.0,
        "x",
        _at(TARGET_PEOPLE, lambda r: r.full_over_plain),
        "CSV loading and the dbt models dominate (profile below): validate and load each "
        "CSV in one pass, and let the models read only the day's qualifying records",
    ),
    Target(
        "1M people peak memory (process tree RSS)",
        4,
        "GiB",
        _at(TARGET_PEOPLE, lambda r: r.full.peak_rss_bytes / GIB),
        "the phase at the peak (profile below) holds a whole export in memory: stream it",
    ),
    Target(
        "daily run of the 2,000-person sample (wall)",
        15,
        "s",
        _sample(lambda r: r.full.wall_seconds),
        "fixed costs (profile below): CLI and code location start-up, dbt start-up and "
        "parse, GX import; run dbt in process and parse the manifest once per code version",
    ),
    Target(
        "work folder growth on day 3 of 3 / that day's export size",
        10,
        "%",
        _growth_share,
        "the warehouse keeps another full copy of the landing rows each day: store each "
        "record once with its validity interval and a row hash",
    ),
)


def _run_cells(run: Run | None) -> list[str]:
    if run is None:
        return ["", "", ""]
    return [
        f"{run.wall_seconds:.1f} s",
        f"{run.peak_rss_bytes / GIB:.2f} GiB",
        f"{run.cpu_seconds:.0f} s",
    ]


def _rows(results: Sequence[SizeResult]) -> list[list[str]]:
    return [
        [
            result.label,
            f"{result.hr_rows:,}",
            f"{result.lms_rows:,}",
            *_run_cells(result.full),
            *_run_cells(result.dbt),
            *_run_cells(result.plain),
            f"{result.full_over_plain:.1f}",
            "" if result.dbt_over_plain is None else f"{result.dbt_over_plain:.1f}",
            " / ".join(
                f"{run.load_before:.1f}" if run else "-"
                for run in (result.full, result.dbt, result.plain)
            ),
        ]
        for result in results
    ]


HEADER = [
    "size",
    "HR rows",
    "LMS records",
    "full: wall",
    "full: peak RSS",
    "full: CPU",
    "dbt: wall",
    "dbt: peak RSS",
    "dbt: CPU",
    "floor: wall",
    "floor: peak RSS",
    "floor: CPU",
    "full / floor",
    "dbt / floor",
    "load avg before (full / dbt / floor)",
]


def _markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def render_table(results: Sequence[SizeResult]) -> str:
    rows = [HEADER, *_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    return "\n".join(
        "  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows
    )


def _verdicts(benchmark: Benchmark) -> tuple[list[list[str]], list[str], list[str]]:
    """Table rows, the missed targets (with by how much and the next lever), the unmeasured."""
    rows, missed, unmeasured = [], [], []
    for target in TARGETS:
        limit = f"<= {target.limit:g} {target.unit}"
        value = target.measured(benchmark)
        if value is None:
            rows.append([target.name, limit, "not measured", ""])
            unmeasured.append(target.name)
            continue
        over = value / target.limit - 1
        verdict = "met" if value <= target.limit else f"missed by {over:.0%}"
        rows.append([target.name, limit, f"{value:.2f} {target.unit}", verdict])
        if value > target.limit:
            missed.append(
                f"{target.name}: {value:.2f} {target.unit} against {target.limit:g} {target.unit} "
                f"({over:.0%} over). Next lever: {target.next_lever}."
            )
    return rows, missed, unmeasured


def _mib(size: int) -> str:
    return f"{size / MIB:,.1f} MiB"


def _storage_section(growth: StorageGrowth) -> list[str]:
    names = list(growth.days[0].folder_bytes)
    header = ["day", "export (HR + LMS)", "full run", *names, "total"]
    rows = []
    for day in growth.days:
        sizes = [day.folder_bytes[name] for name in names]
        rows.append(
            [
                day.export.as_of_date.isoformat(),
                _mib(day.export.export_bytes),
                f"{day.wall_seconds:.1f} s",
                *(_mib(size) for size in sizes),
                _mib(sum(sizes)),
            ]
        )
    added = growth.last_day_growth
    export = growth.days[-1].export.export_bytes
    rows.append(
        [
            f"growth on day {len(growth.days)}",
            "",
            "",
            *(f"+{_mib(added[name])} ({100 * added[name] / export:.1f}%)" for name in names),
            f"+{_mib(sum(added.values()))} ({100 * growth.growth_over_export:.1f}%)",
        ]
    )
    return [
        "## Storage growth",
        "",
        f"{growth.people:,} people over {len(growth.days)} consecutive days on one deployment "
        "(`orchestration.sample_data.changed_day_series`): on the last day "
        f"{100 * growth.hr_changed_share:.2f}% "
        f"of the HR rows and {100 * growth.lms_changed_share:.2f}% of the LMS records differ "
        "from the day before. Sizes are the folders' allocated bytes after each day's full "
        "run; the growth on the last day is shown against that day's export size (in "
        "brackets). The dbt project's own `target/` (run folders, partial parse) is outside "
        "the work folder and not counted.",
        "",
        _markdown_table(header, rows),
    ]


def _gib(size: int | None) -> str:
    return "" if size is None else f"{size / GIB:.2f} GiB"


def _profile_section(title: str, result: SizeResult) -> str:
    phases = sorted(result.phases, key=lambda phase: phase.seconds, reverse=True)
    total = result.full.wall_seconds
    rows = [
        [p.name, f"{p.seconds:.1f} s", f"{p.seconds / total:.0%}", _gib(p.peak_rss_bytes), p.detail]
        for p in phases
    ]
    peak_makeup = ", ".join(f"`{label}` {_gib(rss)}" for label, rss in result.peak_processes[:5])
    parts = [
        f"## {title}: {result.label}",
        "",
        f"Wall time {total:.1f} s, split by the run's own event lines (time-stamped as they",
        "were printed); peak RSS is the highest process-tree sample during the phase.",
        "",
        _markdown_table(["phase", "time", "share", "peak RSS", "detail"], rows),
        "",
        f"At the run's peak ({_gib(result.full.peak_rss_bytes)}) the tree was: {peak_makeup}.",
    ]
    for name, timings in (
        ("dbt inside the Dagster run", result.dagster_dbt),
        ("dbt build alone", result.dbt_alone),
    ):
        if timings is None:
            continue
        by_type = ", ".join(
            f"{kind} {seconds:.1f} s" for kind, seconds in sorted(timings.seconds_by_type.items())
        )
        slowest = ", ".join(f"`{node}` {seconds:.1f} s" for node, seconds in timings.slowest)
        parts += [
            "",
            f"**{name}** (run_results.json): execution {timings.elapsed_seconds:.1f} s "
            f"(node time summed over 2 threads: {by_type}); slowest nodes: {slowest}.",
        ]
    if result.dbt_alone is not None:
        overhead = result.dbt.wall_seconds - result.dbt_alone.elapsed_seconds
        parts += [
            "",
            f"dbt build alone spends {overhead:.1f} s of its {result.dbt.wall_seconds:.1f} s "
            "outside node execution (start-up and a full parse: the vars and the profile's "
            "warehouse path differ from the saved manifest's).",
        ]
    return "\n".join(parts)


def render_report(benchmark: Benchmark, machine: dict[str, str], arguments: str) -> str:
    results = benchmark.results
    target_rows, missed, unmeasured = _verdicts(benchmark)
    largest = max(results, key=lambda result: result.people)
    sample = next((result for result in results if result.label.startswith("sample")), None)
    top = sorted(largest.phases, key=lambda phase: phase.seconds, reverse=True)[:3]
    closing = ["All measured targets are met."]
    if missed:
        closing = ["Missed targets:", "", *(f"- {line}" for line in missed)]
    if unmeasured:
        closing += ["", "Not measured in this run: " + "; ".join(unmeasured) + "."]
    closing += [
        "",
        f"The profile at {largest.label} puts most of the time in "
        + "; ".join(f"{p.name} ({p.seconds:.1f} s)" for p in top)
        + ".",
    ]
    minutes = (benchmark.finished - benchmark.started).total_seconds() / 60
    return "\n".join(
        [
            "# Benchmarks",
            "",
            f"Measured {benchmark.started:%Y-%m-%d %H:%M} UTC in one invocation of "
            f"`{' '.join(['python -m benchmarks.run_benchmarks', arguments]).strip()}`, "
            f"which took {minutes:.0f} minutes.",
            "",
            "## Machine",
            "",
            _markdown_table(["", ""], [[key, value] for key, value in machine.items()]),
            "",
            "## Results",
            "",
            "Each row is a landing zone from `orchestration.sample_data`: the sample row is",
            "the demo's 2,000 people with 3 days of exports (the measured run is the last",
            "day's, after the previous day's ran unmeasured on the same folders, as on a",
            "working deployment); the growth series' row is its third day's run (see Storage",
            "growth); the other rows are one-day landing zones with about 20 LMS records per",
            "person, run on fresh folders. On the same files: **full** is the data contract's",
            "`dagster asset materialize -m orchestration --select '*' --partition <day>`",
            "(ingestion, dbt build, GX checks, evidence pack); **floor** is",
            "`benchmarks/plain_rules.sql`, the rules of docs/rules.md under the policy in",
            "force as one DuckDB query straight from the CSVs, which filters the LMS records",
            "to qualifying ones before it joins or aggregates; **dbt** (with `--dbt-alone`)",
            "is `dbt build` alone on the warehouse the full run loaded. Peak RSS is summed",
            "over the process tree (sampled every 50 ms; shared pages count per process);",
            "CPU is user + system time of the tree, which other load on the machine barely",
            "changes, unlike wall time (see the load averages).",
            "",
            _markdown_table(HEADER, _rows(results)),
            "",
            "Floor check (pipeline's `compliance_coverage` against the floor's): "
            + "; ".join(f"{r.label}: {r.agreement}" for r in results)
            + ".",
            "",
            *([*_storage_section(benchmark.growth), ""] if benchmark.growth is not None else []),
            "## Targets",
            "",
            _markdown_table(["target", "limit", "measured", "verdict"], target_rows),
            "",
            _profile_section("Profile of the full run", largest),
            *(
                ["", _profile_section("Fixed cost: profile of the daily run", sample)]
                if sample is not None and sample is not largest
                else []
            ),
            "",
            "## Closing note",
            "",
            *closing,
            "",
        ]
    )
