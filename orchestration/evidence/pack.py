"""Builds one as-of date's evidence folder: the daily run and `compliance evidence` share it.

The folder is assembled in a scratch directory beside its final place and swapped in
whole, so a failed build never leaves a half-written or half-sealed day behind, and a
rebuild leaves no stale file from an earlier one.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from orchestration.csv_files import write_csv
from orchestration.evidence import layout, seal_log
from orchestration.evidence.coverage_history import coverage_document, read_summary, read_trend
from orchestration.evidence.dbt_docs import docs_fingerprint, publish_dbt_docs, warehouse_schema
from orchestration.evidence.files import write_json
from orchestration.evidence.gx_results import copy_gx_results, revalidate_missing
from orchestration.evidence.pages import DayPage, OwnerView, RunStamp, write_index
from orchestration.evidence.policy_record import read_policy_record, write_policy_file
from orchestration.evidence.run_metadata import build_run_metadata
from orchestration.evidence.sampling import SamplingWindow, write_samples
from orchestration.evidence.seal import sha256_of, write_sums
from orchestration.evidence.signing import configured_signing_key
from orchestration.evidence.table_exports import read_rows, write_table_exports
from orchestration.settings import (
    evidence_dir,
    evidence_includes_emails,
    sample_seed,
    sample_size,
)
from orchestration.statuses import read_statuses
from orchestration.warehouse import WarehouseResource
from orchestration.warehouse_reader import MartsConnection


@dataclass(frozen=True)
class EvidencePack:
    folder: Path
    as_of_date: date
    file_count: int
    sums_sha256: str
    coverage_pct: float | None
    control_passed: bool
    # The seal log entry this build appended (seal_log.py).
    seal_entry_sha256: str
    seconds_by_step: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.seconds_by_step.values())


@dataclass
class _Build:
    """One day's build in progress: where it writes and what the day page needs."""

    staging: Path
    as_of_date: date
    include_emails: bool
    seconds: dict[str, float] = field(default_factory=dict)
    page: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    # The shared dbt docs: the version of the project and schema, and the page's path.
    dbt_docs_fingerprint: str = ""
    dbt_docs: str = ""

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.seconds[step] = round(time.perf_counter() - started, 2)


def _write_warehouse_files(
    build: _Build,
    connection: MartsConnection,
    *,
    run_id: str,
    produced_by: str,
    revalidate_missing_gx: bool,
    log: Callable[[str], None],
) -> None:
    day, staging = build.as_of_date, build.staging
    with build.timed("exports"):
        summary = read_summary(connection, day)
        trend = read_trend(connection, day)
        coverage = coverage_document(connection, day)
        write_json(coverage, staging / layout.COVERAGE)
        write_csv(trend.table(), staging / layout.COVERAGE_TREND)
        file_rows = write_table_exports(connection, staging, day, build.include_emails)
        sampling = write_samples(
            connection,
            staging,
            day,
            seed=sample_seed(),
            size=sample_size(),
            window=SamplingWindow.ending(day),
        )
        policy = read_policy_record(connection, day)
        write_policy_file(policy, staging / layout.POLICY)
        build.dbt_docs_fingerprint = docs_fingerprint(warehouse_schema(connection))
    with build.timed("gx"):
        rerun = revalidate_missing(connection, day) if revalidate_missing_gx else []
        if rerun:
            log(f"re-ran GX checkpoints with no stored result: {', '.join(rerun)}")
        gx_validations = copy_gx_results(staging, day, log)
    build.metadata = build_run_metadata(
        connection,
        day,
        run_id=run_id,
        produced_by=produced_by,
        include_emails=build.include_emails,
        gx_validations=gx_validations,
        rerun_checkpoints=rerun,
        policy=policy,
    )
    build.page = {
        "summary": summary,
        "statuses": read_statuses(connection),
        "coverage": coverage,
        "trend": trend,
        "sampling": sampling,
        "gx_validations": gx_validations,
        "file_rows": file_rows,
        "unresolved_scope": read_rows(connection, layout.SCOPE_UNRESOLVED, day),
        "owner": read_owner_view(connection, day),
    }


def read_owner_view(connection: MartsConnection, day: date) -> OwnerView:
    # The page shows the same rows, in the same order, as the files it links.
    return OwnerView(
        chase_list=read_rows(connection, layout.CHASE_LIST, day),
        manager_follow_up=read_rows(connection, layout.MANAGER_FOLLOW_UP, day),
        forecast=read_rows(connection, layout.COVERAGE_FORECAST, day),
        lapses_by_department=read_rows(connection, layout.LAPSES_BY_DEPARTMENT, day),
    )


def _seal(build: _Build) -> Path:
    write_json(build.metadata, build.staging / layout.RUN_METADATA)
    page = DayPage(
        as_of_date=build.as_of_date,
        has_gx_data_docs=(build.staging / layout.GX_DATA_DOCS).is_file(),
        rule_fingerprint=build.metadata["rule_configuration"]["fingerprint_sha256"],
        include_emails=build.include_emails,
        run_stamp=RunStamp.of(build.metadata),
        dbt_docs=build.dbt_docs,
        **build.page,
    )
    (build.staging / layout.DAY_PAGE).write_text(
        page.render(build.as_of_date.isoformat()), encoding="utf-8"
    )
    return write_sums(build.staging, shared=(build.dbt_docs,))


def _swap_in(staging: Path, final: Path) -> None:
    previous = None
    if final.exists():
        previous = final.with_name(f".{final.name}.replaced-{time.time_ns()}")
        final.rename(previous)
    staging.rename(final)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


def write_evidence_pack(
    warehouse: WarehouseResource,
    as_of_date: date,
    *,
    run_id: str,
    produced_by: str,
    root: Path | None = None,
    revalidate_missing_gx: bool = False,
    seal_reason: str = seal_log.DAILY_RUN,
    log: Callable[[str], None] = print,
) -> EvidencePack:
    root = root or evidence_dir()
    # A configured key that cannot be read fails the build before any work, not at the seal.
    signing_key = configured_signing_key()
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{as_of_date.isoformat()}.building-", dir=root))
    staging.chmod(0o755)  # mkdtemp's 0700 would hide the folder from auditors' accounts
    build = _Build(staging, as_of_date, evidence_includes_emails())
    try:
        # One shared lock over every read, dbt's included: no run writes the warehouse
        # in between, so every file describes the same state of it.
        with warehouse.marts_snapshot_lock():
            with warehouse.marts() as connection:
                _write_warehouse_files(
                    build,
                    connection,
                    run_id=run_id,
                    produced_by=produced_by,
                    revalidate_missing_gx=revalidate_missing_gx,
                    log=log,
                )
            with build.timed("dbt_docs"):
                build.dbt_docs, generated = publish_dbt_docs(
                    root, build.dbt_docs_fingerprint, as_of_date, warehouse.file
                )
            if not generated:
                log(f"dbt docs unchanged: reusing {build.dbt_docs}")
        with build.timed("pages_and_seal"):
            sums = _seal(build)
            file_count = len(sums.read_text().splitlines())
            final = layout.day_folder(root, as_of_date)
            sums_sha256 = sha256_of(sums)
            with seal_log.locked(root):
                seal_log.last_entry(seal_log.log_path(root))  # refuses a broken log first
                _swap_in(staging, final)
                entry = seal_log.append_seal(
                    root, as_of_date, sums_sha256, seal_reason, signing_key
                )
                write_index(root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    summary = build.page["summary"]
    return EvidencePack(
        folder=final,
        as_of_date=as_of_date,
        file_count=file_count,
        sums_sha256=sums_sha256,
        seal_entry_sha256=entry["entry_sha256"],
        coverage_pct=summary.coverage_pct,
        control_passed=summary.control_passed,
        seconds_by_step=build.seconds,
    )
