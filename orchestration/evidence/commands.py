"""What `compliance evidence`, `compliance verify` and `compliance sample` do."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from orchestration.csv_files import write_csv, write_csv_to
from orchestration.evidence.coverage_history import MissingDayError
from orchestration.evidence.pack import write_evidence_pack
from orchestration.evidence.sampling import SamplingWindow, draw_sample, read_population
from orchestration.evidence.seal import sealed_folders, verify_folder
from orchestration.settings import warehouse_path
from orchestration.warehouse import WarehouseResource


def _warehouse() -> WarehouseResource:
    return WarehouseResource(path=str(warehouse_path()))


def regenerate_evidence(as_of_date: date) -> int:
    """Rebuilds a day's folder from the warehouse history and stored GX results (no dbt run)."""
    try:
        pack = write_evidence_pack(
            _warehouse(),
            as_of_date,
            run_id="cli",
            produced_by="compliance evidence",
            revalidate_missing_gx=True,
            log=lambda message: print(message, file=sys.stderr),
        )
    except (MissingDayError, FileNotFoundError) as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Evidence for {as_of_date.isoformat()}: {pack.folder} ({pack.file_count} files)")
    return verify(pack.folder)


def verify(path: Path, out: TextIO | None = None) -> int:
    """0 when every sealed folder at path matches its SHA256SUMS, 1 otherwise."""
    out = out or sys.stdout
    if not path.is_dir():
        print(f"FAILED  {path}: not a folder", file=out)
        return 1
    folders = sealed_folders(path)
    if not folders:
        print(f"FAILED  {path}: no SHA256SUMS here or in its day folders", file=out)
        return 1
    reports = [verify_folder(folder) for folder in folders]
    for report in reports:
        print(report.render(), file=out)
    return 0 if all(report.ok for report in reports) else 1


def sample(
    as_of_date: date,
    population: str,
    seed: int,
    size: int,
    window: SamplingWindow,
    output: Path | None,
) -> int:
    with _warehouse().reader() as connection:
        people = read_population(connection, population, as_of_date, window)
    drawn = draw_sample(people, seed, size)
    described = (
        f"{drawn.num_rows} of {people.num_rows} people ({population} on {as_of_date}, "
        f"seed {seed}"
        + (f", window {window.start} to {window.end})" if population != "in_scope" else ")")
    )
    if output is None:
        write_csv_to(drawn, sys.stdout)
    else:
        write_csv(drawn, output)
        described += f" written to {output}"
    print(described, file=sys.stderr)
    return 0
