"""The day's GX validation results, copied into the evidence folder, and their pages.

The daily run's GX asset checks write them to gx_output_dir(D); the evidence step runs
after those checks (lower op priority), so it copies the results of its own run.
Results are stored flat as gx/validations/<checkpoint>.json. The pages that show them
(gx_pages.py) are the project's own, not GX's Data Docs, which load their scripts,
styles and logo from the internet; those are still built, in the docs folder only.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from orchestration.evidence import layout
from orchestration.evidence.gx_pages import ValidationPage, validation_page, write_validation_pages
from orchestration.validation.checks import GX_CHECK_SPECS, gx_output_dir
from orchestration.validation.gx_runner import build_data_docs, run_checkpoint
from orchestration.warehouse_reader import MartsConnection


@dataclass(frozen=True)
class GxValidation:
    checkpoint: str
    check_name: str
    asset: str
    file: str | None  # relative to the day folder; None when no result exists
    success: bool | None
    run_time: str | None
    evaluated: int | None
    failed: int | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _latest_result(output_dir: Path, checkpoint: str) -> Path | None:
    # GX names result folders by run time (YYYYMMDDTHHMMSS.ffffffZ): the last sorts latest.
    results = sorted((output_dir / "validations" / checkpoint).rglob("*.json"))
    return results[-1] if results else None


def revalidate_missing(connection: MartsConnection, as_of_date: date) -> list[str]:
    """Runs the checkpoints that left no result for the day (e.g. the docs folder was lost)."""
    output_dir = gx_output_dir(as_of_date)
    rerun = []
    for spec in GX_CHECK_SPECS:
        if _latest_result(output_dir, spec.checkpoint) is None:
            frame = spec.load_frame(connection, as_of_date)
            run_checkpoint(spec.checkpoint, frame, output_dir, spec.parameters(connection))
            rerun.append(spec.checkpoint)
    return rerun


def copy_gx_results(
    folder: Path, as_of_date: date, log: Callable[[str], None] = print
) -> list[GxValidation]:
    output_dir = gx_output_dir(as_of_date)
    validations = []
    pages: list[ValidationPage] = []
    for spec in GX_CHECK_SPECS:
        source = _latest_result(output_dir, spec.checkpoint)
        common = {
            "checkpoint": spec.checkpoint,
            "check_name": spec.check_name,
            "asset": spec.asset_key.to_user_string(),
        }
        if source is None:
            log(f"no GX result for {spec.checkpoint} on {as_of_date} in {output_dir}")
            validations.append(
                GxValidation(
                    **common, file=None, success=None, run_time=None, evaluated=None, failed=None
                )
            )
            continue
        relative = f"{layout.GX_VALIDATIONS_DIR}/{spec.checkpoint}.json"
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, folder / relative)
        result = json.loads(source.read_text())
        pages.append(
            validation_page(spec.checkpoint, spec.check_name, common["asset"], relative, result)
        )
        outcomes = [item["success"] for item in result.get("results", [])]
        validations.append(
            GxValidation(
                **common,
                file=relative,
                success=bool(result.get("success")),
                run_time=result.get("meta", {}).get("run_id", {}).get("run_time"),
                evaluated=len(outcomes),
                failed=outcomes.count(False),
            )
        )
    if pages:
        missing = [validation.checkpoint for validation in validations if validation.file is None]
        write_validation_pages(folder, as_of_date.isoformat(), pages, missing)
        # GX's own Data Docs stay in the docs folder, for operators: the asset checks'
        # metadata links them. They load from the internet, so no evidence page does.
        build_data_docs(output_dir)
    else:
        log(f"no GX results, so no validation pages, for {as_of_date} in {output_dir}")
    return validations
