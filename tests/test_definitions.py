"""The code location loads the way users load it: as a module and from workspace.yaml."""

from __future__ import annotations

import subprocess

from dagster import AssetKey

from tests.conftest import BIN_DIR, PROJECT_ROOT

CONTRACT_TABLES = ("fct_training_compliance", "compliance_coverage")


def test_definitions_expose_the_pipeline() -> None:
    from orchestration import defs

    repository = defs.get_repository_def()
    keys = set(repository.asset_graph.get_all_asset_keys())
    for key in (
        AssetKey(["landing", "hr_employees"]),
        AssetKey(["landing", "lms_completions"]),
        AssetKey(["landing", "training_exceptions"]),
        AssetKey(["landing", "load_rejects"]),
        *(AssetKey([table]) for table in CONTRACT_TABLES),
        AssetKey(["fct_population_scope_decisions"]),
        AssetKey(["fct_unmatched_lms_records"]),
    ):
        assert key in keys, key

    check_keys = repository.asset_graph.asset_check_keys
    fact_checks = {
        check.name for check in check_keys if check.asset_key.path == [CONTRACT_TABLES[0]]
    }
    # status is held to the status seed (no literal list of statuses).
    assert any(name.startswith("relationships") for name in fact_checks), fact_checks
    assert any(name.startswith("unique_on_as_of_date") for name in fact_checks), fact_checks

    assert defs.resolve_schedule_def("daily_compliance_schedule").cron_schedule
    partitions = defs.resolve_job_def("daily_compliance_job").partitions_def
    assert partitions is not None and partitions.has_partition_key("2026-11-27")


def test_dagster_validates_module_and_workspace() -> None:
    for target in (["-m", "orchestration"], ["-w", "workspace.yaml"]):
        result = subprocess.run(
            [str(BIN_DIR / "dagster"), "definitions", "validate", *target],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
