"""Runs a versioned GX checkpoint over a pandas frame and summarises the outcome.

GX is imported lazily: it takes seconds, and only the validation steps need it.
Results and Data Docs go to a folder per as-of date, so each day's docs show that
day and a rerun replaces it.
"""

from __future__ import annotations

import importlib
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from orchestration.settings import EXPECTATIONS_DIR

GX_OUTPUT_VAR = "COMPLIANCE_GX_OUTPUT_DIR"
_CONTEXT_LOCK = threading.Lock()


@dataclass(frozen=True)
class FailedExpectation:
    expectation_type: str
    column: str | None
    description: str
    severity: str
    unexpected_count: int | None


@dataclass(frozen=True)
class ValidationOutcome:
    name: str
    success: bool
    evaluated: int
    failed: tuple[FailedExpectation, ...]

    @property
    def has_critical_failure(self) -> bool:
        return any(failure.severity == "critical" for failure in self.failed)


def _forget_previous_results(name: str, output_dir: Path) -> None:
    """A rerun of a day replaces that validation's stored result and its docs page."""
    for folder in (
        output_dir / "validations" / name,
        output_dir / "data_docs" / "validations" / name,
    ):
        shutil.rmtree(folder, ignore_errors=True)


def import_in_background() -> None:
    """Starts importing GX on a daemon thread, for a caller about to wait on something else.

    The import takes seconds of mostly pure Python; overlapped with the dbt
    subprocess, the first check no longer pays for it.
    """
    threading.Thread(
        target=importlib.import_module,
        args=("great_expectations",),
        name="import-great-expectations",
        daemon=True,
    ).start()


@contextmanager
def _file_context(output_dir: Path) -> Iterator[Any]:
    """The file-backed GX project, storing results and docs under `output_dir`."""
    import great_expectations as gx

    output_dir.mkdir(parents=True, exist_ok=True)
    with _CONTEXT_LOCK:
        # great_expectations.yml reads the store and docs folders from this variable.
        os.environ[GX_OUTPUT_VAR] = str(output_dir)
        yield gx.get_context(mode="file", project_root_dir=str(EXPECTATIONS_DIR))


def run_checkpoint(
    name: str,
    frame: pd.DataFrame,
    output_dir: Path,
    parameters: dict[str, Any] | None = None,
) -> ValidationOutcome:
    """Runs one checkpoint. Its Data Docs page waits for build_data_docs (once a day).

    `parameters` fill the suites' `{"$PARAMETER": name}` values, such as the status
    lists that come from the warehouse's status seed rather than from the suite files.
    """
    _forget_previous_results(name, output_dir)
    with _file_context(output_dir) as context:
        checkpoint = context.checkpoints.get(name)
        result = checkpoint.run(
            batch_parameters={"dataframe": frame}, expectation_parameters=parameters or {}
        )

    (validation_result,) = result.run_results.values()
    failed = tuple(
        FailedExpectation(
            expectation_type=item.expectation_config.type,
            column=item.expectation_config.kwargs.get("column"),
            description=item.expectation_config.description or "",
            severity=str(item.expectation_config.severity.value),
            unexpected_count=item.result.get("unexpected_count"),
        )
        for item in validation_result.results
        if not item.success
    )
    return ValidationOutcome(
        name=name,
        success=bool(validation_result.success),
        evaluated=len(validation_result.results),
        failed=failed,
    )


def build_data_docs(output_dir: Path) -> Path:
    """Renders the Data Docs of every result stored under `output_dir`; returns the index.

    Rendering takes about a second whatever the number of results, so the day's
    docs are built once, after its checks, rather than by each checkpoint.
    """
    with _file_context(output_dir) as context:
        context.build_data_docs()
    site = output_dir / "data_docs"
    _drop_unreferenced_static_files(site)
    return site / "index.html"


def _drop_unreferenced_static_files(site: Path) -> None:
    """Removes the files GX copies into every site's static/ that no page or style uses.

    Two animated tutorial GIFs and a diagram (3.4 MB of the 4 MB) are copied into each
    day's docs and never shown, so they were most of the docs folder's daily growth.
    """
    for path in unreferenced_static_files(site):
        path.unlink()


def unreferenced_static_files(site: Path) -> list[Path]:
    """The files under a Data Docs site's static/ that no page, style or script names."""
    static = site / "static"
    if not static.is_dir():
        return []
    referring = [
        path.read_text(errors="replace")
        for path in site.rglob("*")
        if path.suffix in {".html", ".css", ".js"} and path.is_file()
    ]
    return [
        path
        for path in static.rglob("*")
        if path.is_file()
        and path.suffix not in {".css", ".js"}
        and not any(path.name in text for text in referring)
    ]
