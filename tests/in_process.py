"""Runs the real Dagster definitions in this process against tmp folders (faster than the CLI)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from dagster import (
    AssetCheckEvaluation,
    AssetSelection,
    DagsterInstance,
    Definitions,
    ExecuteInProcessResult,
)

from orchestration.daily_run import DAILY_JOB
from orchestration.definitions import defs
from orchestration.landing import LandingZoneResource
from orchestration.transformation.project import dbt_resource
from orchestration.warehouse import WarehouseResource


def materialize_day(
    monkeypatch: pytest.MonkeyPatch,
    root: Path,
    as_of_date: date,
    instance: DagsterInstance | None = None,
    with_evidence: bool = False,
) -> ExecuteInProcessResult:
    """daily_compliance_job for one as-of date, reading root/landing, writing root/warehouse.

    The evidence pack (its dbt docs take seconds) is left out unless a test is about it;
    tests that run the data contract's command still build it.
    """
    selection = AssetSelection.all()
    if not with_evidence:
        selection = selection - AssetSelection.groups("evidence")
    warehouse = root / "warehouse" / "compliance.duckdb"
    # dbt runs as a subprocess and reads these from the environment.
    monkeypatch.setenv("COMPLIANCE_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("COMPLIANCE_DOCS_DIR", str(root / "docs"))
    monkeypatch.setenv("COMPLIANCE_EVIDENCE_DIR", str(root / "evidence"))
    # The daily job itself (as the schedule and `compliance run` run it), on this root.
    test_defs = Definitions(
        assets=defs.assets,
        asset_checks=defs.asset_checks,
        jobs=defs.jobs,
        resources={
            "warehouse": WarehouseResource(path=str(warehouse)),
            "landing_zone": LandingZoneResource(path=str(root / "landing")),
            "dbt": dbt_resource(),
        },
        executor=defs.executor,
    )
    job = test_defs.resolve_job_def(DAILY_JOB)
    return job.execute_in_process(
        partition_key=as_of_date.isoformat(),
        asset_selection=list(selection.resolve(test_defs.resolve_asset_graph())),
        instance=instance or DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def check_evaluations(
    result: ExecuteInProcessResult,
) -> dict[tuple[str, str], AssetCheckEvaluation]:
    """(asset path, check name) -> evaluation."""
    return {
        ("/".join(evaluation.asset_key.path), evaluation.check_name): evaluation
        for evaluation in result.get_asset_check_evaluations()
    }


def step_failure_messages(result: ExecuteInProcessResult) -> str:
    """Every step failure's error message of the run, joined (empty when none failed)."""
    return "\n".join(
        event.step_failure_data.error.message
        for event in result.all_events
        if event.is_step_failure and event.step_failure_data.error is not None
    )
