"""What `compliance evidence`, `compliance verify` and `compliance sample` do."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from orchestration.csv_files import write_csv, write_csv_to
from orchestration.evidence import seal_log
from orchestration.evidence.coverage_history import MissingDayError
from orchestration.evidence.layout import SUMS
from orchestration.evidence.pack import write_evidence_pack
from orchestration.evidence.sampling import SamplingWindow, draw_sample, read_population
from orchestration.evidence.seal import VerifyReport, sealed_folders, sha256_of, verify_folder
from orchestration.evidence.signing import KeyFileError, configured_signing_key
from orchestration.settings import warehouse_path
from orchestration.warehouse import WarehouseResource


def _warehouse() -> WarehouseResource:
    return WarehouseResource(path=str(warehouse_path()))


def regenerate_evidence(as_of_date: date) -> int:
    """Rebuilds a day's folder from the warehouse history and stored GX results (no dbt run)."""
    from orchestration.ingestion.verify_landing import verify_landing

    try:
        # A configured key that cannot be read stops regeneration before any work.
        configured_signing_key()
    except KeyFileError as error:
        print(error, file=sys.stderr)
        return 1
    # The day's exports must come back from the landing history exactly as loaded.
    if verify_landing(warehouse_path(), as_of_date, out=sys.stderr) != 0:
        return 1
    try:
        pack = write_evidence_pack(
            _warehouse(),
            as_of_date,
            run_id="cli",
            produced_by="compliance evidence",
            revalidate_missing_gx=True,
            seal_reason=seal_log.REGENERATION,
            log=lambda message: print(message, file=sys.stderr),
        )
    except (MissingDayError, FileNotFoundError, KeyFileError, seal_log.SealLogError) as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"Evidence for {as_of_date.isoformat()}: {pack.folder} ({pack.file_count} files), "
        f"seal log entry {pack.seal_entry_sha256}"
    )
    return verify(pack.folder)


def verify(
    path: Path,
    out: TextIO | None = None,
    public_key: Ed25519PublicKey | None = None,
    known_entries: Sequence[str] = (),
) -> int:
    """0 when every sealed folder matches its SHA256SUMS and the seal log, 1 otherwise.

    path is the evidence root (every day and the whole log) or one day's folder (that
    day, against the log beside it when there is one).
    """
    out = out or sys.stdout
    if not path.is_dir():
        print(f"FAILED  {path}: not a folder", file=out)
        return 1
    folders = sealed_folders(path)
    one_day = folders == [path]
    root = path.parent if one_day else path
    if not folders and not seal_log.log_path(root).is_file():
        print(f"FAILED  {path}: no SHA256SUMS here or in its day folders", file=out)
        return 1
    chain = None
    if not one_day or seal_log.log_path(root).is_file() or public_key or known_entries:
        chain = seal_log.verify_chain(root, public_key)
        print(chain.render(), file=out)
    broken_days = {chain.first_broken.day} if chain and chain.first_broken else set()
    broken_days.discard(None)
    ok = chain is None or chain.ok
    for known in known_entries:
        if chain is not None and known.lower() not in chain.hashes:
            print(f"FAILED  entry {known} kept outside is not in the trusted seal log", file=out)
            ok = False
    for folder in folders:
        report = verify_folder(folder)
        if chain is not None:
            _check_against_log(report, chain)
        print(report.render(), file=out)
        if not report.ok:
            broken_days.add(folder.name)
    if chain is not None and not one_day:
        sealed = {folder.name for folder in folders}
        for day, entry in sorted(chain.latest.items()):
            if day not in sealed:
                print(
                    f"FAILED  {root / day}: sealed by seal log entry {entry['sequence']} "
                    "but no sealed folder is there",
                    file=out,
                )
                broken_days.add(day)
    if chain is None:
        print(f"NOTE  no {seal_log.SEAL_LOG} beside {path}: checked against {SUMS} only", file=out)
    if broken_days:
        print(f"First broken day: {min(broken_days)}", file=out)
    return 0 if ok and not broken_days else 1


def _check_against_log(report: VerifyReport, chain: seal_log.ChainReport) -> None:
    entry = chain.latest.get(report.folder.name)
    if entry is None:
        report.problems.append(
            "no trusted seal log entry for this day"
            + ("" if chain.ok else " (the log is broken before any)")
        )
        return
    described = f"seal log entry {entry['sequence']} ({entry['reason']}, {entry['sealed_at']})"
    sums = report.folder / SUMS
    if sums.is_file() and sha256_of(sums) != entry["sums_sha256"]:
        report.problems.append(
            f"{SUMS} is not the one sealed in {described}: the folder was rewritten after sealing"
        )
    else:
        report.sealed = f"as sealed in {described}"


def sample(
    as_of_date: date,
    population: str,
    seed: int,
    size: int,
    window: SamplingWindow,
    output: Path | None,
) -> int:
    with _warehouse().marts() as connection:
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
