"""The machine and software a benchmark ran on, for the report."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import psutil

PACKAGES = (
    "dagster",
    "dagster-dbt",
    "dbt-core",
    "dbt-duckdb",
    "duckdb",
    "great-expectations",
    "pandas",
    "pyarrow",
)


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _os_name() -> str:
    release = Path("/etc/os-release")
    if release.exists():
        for line in release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    return platform.system()


def describe_machine() -> dict[str, str]:
    usable_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "CPU": _cpu_model(),
        "cores": f"{usable_cores or os.cpu_count()} usable ({os.cpu_count()} online)",
        "RAM": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "OS": f"{_os_name()}, kernel {platform.release()}",
        "Python": platform.python_version(),
        "packages": ", ".join(f"{name} {metadata.version(name)}" for name in PACKAGES),
    }


# The folders whose content the measured runs execute.
PIPELINE_PATHS = ("orchestration", "dbt_project", "expectations")


def describe_source(project_root: Path) -> dict[str, str]:
    """The commit measured and any uncommitted change to the pipeline's code."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=project_root, capture_output=True, text=True, check=False
        ).stdout.strip()

    changed = git("status", "--porcelain", "--", *PIPELINE_PATHS).splitlines()
    shown = ", ".join(line[3:] for line in changed[:12]) + (", ..." if len(changed) > 12 else "")
    return {
        "commit": git("rev-parse", "--short", "HEAD") or "unknown",
        "uncommitted pipeline changes": f"{len(changed)}: {shown}" if changed else "none",
    }


def load_average() -> float:
    """1-minute load average: other work on the machine inflates wall times."""
    return os.getloadavg()[0]
