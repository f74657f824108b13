"""The benchmark's table for the terminal and docs/benchmarks.md."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.run_benchmarks import Run, SizeResult

GIB = 2**30
TARGET_PEOPLE = 1_000_000


@dataclass(frozen=True)
class Target:
    name: str
    limit: float
    unit: str
    measured: Callable[[Sequence[SizeResult]], float | None]


def _at(people: int, pick: Callable[[SizeResult], float]) -> Callable[..., float | None]:
    def measured(results: Sequence[SizeResult]) -> float | None:
        row = next((r for r in results if r.people == people and r.label[0].isdigit()), None)
        return pick(row) if row else None

    return measured


def _sample(pick: Callable[[SizeResult], float]) -> Callable[..., float | None]:
    def measured(results: Sequence[SizeResult]) -> float | None:
        row = next((r for r in results if r.label.startswith("sample")), None)
        return pick(row) if row else None

    return measured


# The targets for a 2-core, 24 GiB machine.
TARGETS = (
    Target(
        "1M people end to end (wall)", 60, "s", _at(TARGET_PEOPLE, lambda r: r.full.wall_seconds)
    ),
    Target(
        "1M people peak memory (process tree RSS)",
        4,
        "GiB",
        _at(TARGET_PEOPLE, lambda r: r.full.peak_rss_bytes / GIB),
    ),
    Target(
        "1M people full pipeline / plain SQL",
        2.0,
        "x",
        _at(TARGET_PEOPLE, lambda r: r.full_over_plain),
    ),
    Target(
        "fixed cost: daily run of the 2,000-person sample",
        20,
        "s",
        _sample(lambda r: r.full.wall_seconds),
    ),
)


def _run_cells(run: Run) -> list[str]:
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
            f"{result.dbt_over_plain:.1f}",
            " / ".join(f"{run.load_before:.1f}" for run in (result.full, result.dbt, result.plain)),
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
    "plain: wall",
    "plain: peak RSS",
    "plain: CPU",
    "full / plain",
    "dbt / plain",
    "load avg before (full / dbt / plain)",
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


def _verdicts(results: Sequence[SizeResult]) -> tuple[list[list[str]], list[str], list[str]]:
    """Table rows, the missed targets (with by how much) and the targets not measured."""
    rows, missed, unmeasured = [], [], []
    for target in TARGETS:
        limit = f"<= {target.limit:g} {target.unit}"
        value = target.measured(results)
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
                f"({over:.0%} over)"
            )
    return rows, missed, unmeasured


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


def render_report(
    results: Sequence[SizeResult], machine: dict[str, str], started: datetime, arguments: str
) -> str:
    target_rows, missed, unmeasured = _verdicts(results)
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
    return "\n".join(
        [
            "# Benchmarks",
            "",
            f"Measured {started:%Y-%m-%d %H:%M} UTC in one invocation of "
            f"`{' '.join(['python -m benchmarks.run_benchmarks', arguments]).strip()}`.",
            "",
            "## Machine",
            "",
            _markdown_table(["", ""], [[key, value] for key, value in machine.items()]),
            "",
            "## Results",
            "",
            "Each size is a one-day landing zone from `orchestration.sample_data` with about",
            "20 LMS records per person (the sample row: the demo's 2,000 people, 3 days of",
            "exports, its default history; the measured run is the last day's, after the",
            "previous day's ran unmeasured on the same folders, as on a working deployment).",
            "On the same files: **full** is the data contract's `dagster asset materialize -m",
            "orchestration --select '*' --partition 2026-11-27` on fresh folders (ingestion,",
            "dbt build, GX checks, evidence pack); **dbt** is `dbt build` alone on the",
            "warehouse that run loaded (a rerun of the day, unit tests excluded);",
            "**plain** is `benchmarks/plain_rules.sql`, the rules in one DuckDB script",
            "straight from the CSVs. Peak RSS is summed over the process tree (sampled",
            "every 50 ms; shared pages count per process); CPU is user +",
            "system time of the tree, which other load on the machine barely changes, unlike",
            "wall time (see the load averages).",
            "",
            _markdown_table(HEADER, _rows(results)),
            "",
            "Floor check (pipeline's `compliance_coverage` against the plain SQL's): "
            + "; ".join(f"{r.label}: {r.agreement}" for r in results)
            + ".",
            "",
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
