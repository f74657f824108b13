"""Wall time and peak memory of a command and every process it starts.

Memory is the resident set size (RSS) summed over the process and all its
descendants, sampled every 50 ms: the Dagster run starts dbt, which starts its
own threads and DuckDB, so the parent's RSS alone would miss most of it. Pages
shared between processes are counted in each, so the sum is an upper bound.
"""

from __future__ import annotations

import resource
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Measurement:
    wall_seconds: float
    peak_rss_bytes: int
    # User + system CPU of the whole tree: unlike wall time, barely moved by other load.
    cpu_seconds: float
    returncode: int
    # Each output line with the seconds since the command started, as it was printed.
    lines: tuple[tuple[float, str], ...]
    # (seconds since start, tree RSS) every POLL_SECONDS, to find which phase peaks.
    rss_samples: tuple[tuple[float, int], ...]
    # The processes making up the peak: (short command line, RSS), largest first.
    peak_processes: tuple[tuple[str, int], ...]


def _label(process: psutil.Process) -> str:
    """`dagster asset ...`, `dbt build`, `python -m benchmarks.plain_sql`: enough to tell."""
    words = [Path(word).name if "/" in word else word for word in process.cmdline()[:4]]
    if words and words[0].startswith("python") and len(words) > 1:
        words = words[1:]
    return " ".join(words[:3])[:48]


def tree_members(process: psutil.Process) -> list[tuple[str, int]]:
    """(label, RSS) of `process` and its descendants; processes that exit meanwhile are left out."""
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []
    sizes = []
    for member in members:
        try:
            sizes.append((_label(member), member.memory_info().rss))
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return sizes


def measure(
    command: Sequence[str], *, env: Mapping[str, str], cwd: Path, log_path: Path
) -> Measurement:
    """Runs `command` to completion; stdout and stderr go, time-stamped, to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    cpu_before = _children_cpu_seconds()
    started = time.perf_counter()
    process = psutil.Popen(
        list(command),
        cwd=cwd,
        env={**env, "PYTHONUNBUFFERED": "1"},  # lines arrive when printed, not in blocks
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    samples: list[tuple[float, int]] = []
    peak_members: list[tuple[str, int]] = []
    finished = threading.Event()

    def sample() -> None:
        nonlocal peak_members
        while not finished.is_set():
            members = tree_members(process)
            total = sum(rss for _, rss in members)
            if total > max((rss for _, rss in samples), default=0):
                peak_members = members
            samples.append((time.perf_counter() - started, total))
            finished.wait(POLL_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    lines: list[tuple[float, str]] = []
    with log_path.open("w", encoding="utf-8") as log:
        assert process.stdout is not None
        for line in process.stdout:
            at = time.perf_counter() - started
            lines.append((at, line.rstrip("\n")))
            log.write(f"{at:9.3f} {line}")
    returncode = process.wait()
    wall = time.perf_counter() - started
    finished.set()
    sampler.join()
    cpu = _children_cpu_seconds() - cpu_before
    peak = max((rss for _, rss in samples), default=0)
    return Measurement(
        wall_seconds=wall,
        peak_rss_bytes=peak,
        cpu_seconds=cpu,
        returncode=returncode,
        lines=tuple(lines),
        rss_samples=tuple(samples),
        peak_processes=tuple(sorted(peak_members, key=lambda member: member[1], reverse=True)),
    )


def _children_cpu_seconds() -> float:
    """CPU of every waited-for descendant of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
