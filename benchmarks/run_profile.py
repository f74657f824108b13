"""Where the time of one run goes, from its time-stamped output and dbt's run_results.json.

The Dagster run's event lines (RUN_START, STEP_START/STEP_SUCCESS of each step,
the loader's per-export lines, dagster-dbt's "Running dbt command") and dbt's own
lines ("Running with dbt", "Concurrency", "Done.") split the wall time into phases;
run_results.json gives dbt's execution time and its slowest nodes.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_STEP_EVENT = re.compile(r" - (?P<step>[A-Za-z0-9_]+) - STEP_(?P<kind>START|SUCCESS|FAILURE) - ")
_RUN_ID = re.compile(r" - __ASSET_JOB - (?P<run_id>[0-9a-f]{8}-[0-9a-f-]{27}) - ")
_EXPORT_LOADED = re.compile(r" - landing_exports - (?P<source>\w+): [0-9]+ records")
DBT_STEP = "compliance_dbt_models"
LOAD_STEP = "landing_exports"


@dataclass(frozen=True)
class Phase:
    name: str
    seconds: float
    detail: str = ""
    # Highest process-tree RSS while the phase ran (None for scattered phases).
    peak_rss_bytes: int | None = None


@dataclass(frozen=True)
class DbtTimings:
    elapsed_seconds: float
    seconds_by_type: dict[str, float]
    slowest: tuple[tuple[str, float], ...]


def _first(lines: Sequence[tuple[float, str]], needle: str, after: float = 0.0) -> float | None:
    return next((at for at, text in lines if at >= after and needle in text), None)


def _step_spans(lines: Sequence[tuple[float, str]]) -> dict[str, tuple[float, float]]:
    starts: dict[str, float] = {}
    spans: dict[str, tuple[float, float]] = {}
    for at, text in lines:
        match = _STEP_EVENT.search(text)
        if not match:
            continue
        if match["kind"] == "START":
            starts[match["step"]] = at
        elif match["step"] in starts:
            spans[match["step"]] = (starts[match["step"]], at)
    return spans


def run_id(lines: Sequence[tuple[float, str]]) -> str | None:
    return next((m["run_id"] for _, text in lines if (m := _RUN_ID.search(text))), None)


def _peak(samples: Sequence[tuple[float, int]], start: float, end: float) -> int | None:
    return max((rss for at, rss in samples if start <= at <= end), default=None)


def pipeline_phases(
    lines: Sequence[tuple[float, str]],
    wall_seconds: float,
    rss_samples: Sequence[tuple[float, int]] = (),
) -> list[Phase]:
    """The full run's wall time split into start-up, steps, gaps and shut-down."""
    phases: list[Phase] = []
    run_start = _first(lines, " - RUN_START - ")
    run_end = _first(lines, " - RUN_SUCCESS - ") or _first(lines, " - RUN_FAILURE - ")
    if run_start is None or run_end is None:
        return [Phase("whole run (no Dagster run events found)", wall_seconds)]
    phases.append(
        Phase(
            "CLI start-up until RUN_START",
            run_start,
            "imports, code location, dbt manifest",
            _peak(rss_samples, 0, run_start),
        )
    )
    spans = _step_spans(lines)
    in_steps = 0.0
    if LOAD_STEP in spans:
        start, end = spans[LOAD_STEP]
        in_steps += end - start
        previous = start
        parts = []
        for at, text in lines:
            if start <= at <= end and (match := _EXPORT_LOADED.search(text)):
                parts.append(f"{match['source']} {at - previous:.1f} s")
                previous = at
        phases.append(
            Phase(
                "step landing_exports (CSV loading)",
                end - start,
                ", ".join(parts),
                _peak(rss_samples, start, end),
            )
        )
    if DBT_STEP in spans:
        start, end = spans[DBT_STEP]
        in_steps += end - start
        command = _first(lines, "Running dbt command", start)
        first_node = _first(lines, "Concurrency:", start)
        done = _first(lines, "Done. PASS=", start)
        detail = []
        if command is not None:
            detail.append(f"dagster-dbt before dbt starts {command - start:.1f} s")
        if command is not None and first_node is not None:
            detail.append(f"dbt start-up and parse {first_node - command:.1f} s")
        if first_node is not None and done is not None:
            detail.append(f"dbt nodes {done - first_node:.1f} s")
        if done is not None:
            detail.append(f"after dbt until step end {end - done:.1f} s")
        phases.append(
            Phase(
                f"step {DBT_STEP} (dbt build)",
                end - start,
                "; ".join(detail),
                _peak(rss_samples, start, end),
            )
        )
    gx = {step: span for step, span in spans.items() if "_gx_" in step}
    if gx:
        gx_seconds = sum(end - start for start, end in gx.values())
        in_steps += gx_seconds
        first_step = min(gx, key=lambda step: gx[step][0])
        first_seconds = gx[first_step][1] - gx[first_step][0]
        phases.append(
            Phase(
                f"{len(gx)} GX check steps",
                gx_seconds,
                f"first ({first_step}, includes importing GX) {first_seconds:.1f} s",
                _peak(
                    rss_samples,
                    min(start for start, _ in gx.values()),
                    max(end for _, end in gx.values()),
                ),
            )
        )
    for step, (start, end) in sorted(spans.items(), key=lambda item: item[1][0]):
        if step not in (LOAD_STEP, DBT_STEP) and step not in gx:
            in_steps += end - start
            phases.append(Phase(f"step {step}", end - start, "", _peak(rss_samples, start, end)))
    phases.append(
        Phase("Dagster between steps", (run_end - run_start) - in_steps, "events, step set-up")
    )
    phases.append(
        Phase(
            "after RUN_SUCCESS until exit",
            wall_seconds - run_end,
            "",
            _peak(rss_samples, run_end, wall_seconds),
        )
    )
    return phases


def dbt_timings(run_results: Path, top: int = 5) -> DbtTimings | None:
    if not run_results.is_file():
        return None
    document = json.loads(run_results.read_text())
    by_type: dict[str, float] = defaultdict(float)
    nodes = []
    for result in document["results"]:
        kind = result["unique_id"].split(".")[0]
        by_type[kind] += result["execution_time"]
        nodes.append((result["unique_id"].split(".", 2)[-1], result["execution_time"]))
    nodes.sort(key=lambda node: node[1], reverse=True)
    return DbtTimings(document["elapsed_time"], dict(by_type), tuple(nodes[:top]))


def dagster_run_results(dbt_target_dir: Path, dagster_run_id: str) -> Path | None:
    """run_results.json of the dbt invocation dagster-dbt made for the run."""
    candidates = sorted(dbt_target_dir.glob(f"{DBT_STEP}-{dagster_run_id[:7]}-*/run_results.json"))
    return candidates[-1] if candidates else None
