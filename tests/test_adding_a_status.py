"""Adding a status is one seed row plus one CASE line: everything else picks it up.

A scratch copy of the dbt project gets a made-up failing status; the real loader, dbt,
GX and the command-line summary then run on a small landing zone, and each must show
the new status with no other edit.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.coverage import read_coverage
from orchestration.evidence.coverage_history import coverage_document, read_summary, read_trend
from orchestration.evidence.pack import read_owner_view
from orchestration.evidence.pages import DayPage, RunStamp
from orchestration.evidence.sampling import SamplingWindow, write_samples
from orchestration.ingestion.contract import CONTRACTS
from orchestration.ingestion.loader import load_export
from orchestration.policy.loading import load_policy
from orchestration.policy.tables import publish_policy
from orchestration.settings import DBT_PROJECT_DIR, policy_file
from orchestration.statuses import STATUS_SEED, read_statuses
from orchestration.transformation.project import dbt_executable
from orchestration.validation import frames
from orchestration.validation.checks import suite_parameters
from orchestration.validation.gx_runner import run_checkpoint
from tests.landing_builder import completion, person, write_day

AS_OF = date(2026, 11, 27)
NEW_STATUS = "made_up_failing"
CASE_MODEL = Path("models") / "intermediate" / "int_training_status_assigned.sql"


def _scratch_project(root: Path) -> Path:
    """The dbt project with the new status: a seed row and a CASE line, nothing else."""
    project = root / "dbt_project"
    shutil.copytree(
        DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
    )
    seed = project / "seeds" / STATUS_SEED
    seed.write_text(
        seed.read_text("utf-8") + f"{NEW_STATUS},99,true,false,made up by a test\n", "utf-8"
    )
    case = project / CASE_MODEL
    text = case.read_text("utf-8")
    assert text.count("            else '") == 1
    case.write_text(
        text.replace(
            "            else '",
            f"            when employee_id = 'E_MADE_UP' then '{NEW_STATUS}'\n            else '",
        ),
        "utf-8",
    )
    return project


def _build(project: Path, warehouse: Path, logs: Path) -> None:
    result = subprocess.run(
        [
            dbt_executable(),
            "build",
            "--profiles-dir",
            str(project),
            "--target-path",
            str(logs / "target"),
            "--log-path",
            str(logs),
            "--exclude-resource-type",
            "unit_test",
        ],
        cwd=project,
        env={
            **os.environ,
            "COMPLIANCE_WAREHOUSE": str(warehouse),
            "COMPLIANCE_AS_OF_DATE": AS_OF.isoformat(),
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:]


@pytest.fixture(scope="module")
def made_up_status_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("new_status")
    landing = root / "landing"
    write_day(
        landing,
        AS_OF,
        [person("E_TRAINED"), person("E_MADE_UP"), person("E_NEVER")],
        [completion("R1", "E_TRAINED", "2026-06-01")],
    )
    warehouse = root / "compliance.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        for contract in CONTRACTS:
            load_export(connection, contract, landing, AS_OF)
        publish_policy(connection, load_policy(policy_file()), AS_OF)
    _build(_scratch_project(root), warehouse, root / "logs")
    return warehouse


def test_the_warehouse_counts_the_new_status(made_up_status_warehouse: Path) -> None:
    with duckdb.connect(str(made_up_status_warehouse), read_only=True) as connection:
        statuses = {status.name: status for status in read_statuses(connection)}
        row = connection.execute(
            f"select {NEW_STATUS}_count, failing_count, covered_count, in_scope_count, "
            "coverage_pct, control_passed from main.compliance_coverage"
        ).fetchone()
        days_overdue = connection.execute(
            "select days_overdue from main.fct_training_compliance where employee_id = ?",
            ["E_MADE_UP"],
        ).fetchone()
    assert statuses[NEW_STATUS].is_failing
    assert row == (1, 2, 1, 3, 33.3333, False)
    assert days_overdue is not None and days_overdue[0] > 0


def test_the_summary_lists_the_new_status(made_up_status_warehouse: Path) -> None:
    with duckdb.connect(str(made_up_status_warehouse), read_only=True) as connection:
        summary = read_coverage(connection, AS_OF)
    assert summary is not None
    assert summary.status_counts[NEW_STATUS] == 1
    assert summary.failing_count == 2
    assert any(line.split() == [NEW_STATUS, "1"] for line in summary.render().splitlines()), (
        summary.render()
    )


def test_the_gx_suites_take_the_new_status_from_the_seed(
    made_up_status_warehouse: Path, tmp_path: Path
) -> None:
    with duckdb.connect(str(made_up_status_warehouse), read_only=True) as connection:
        parameters = suite_parameters(read_statuses(connection))
        fact = frames.fact_frame(connection, AS_OF)
        coverage = frames.coverage_frame(connection, AS_OF)

    integrity = run_checkpoint("fct_training_compliance__integrity", fact, tmp_path, parameters)
    assert not [failure for failure in integrity.failed if failure.column == "status"]

    gate = run_checkpoint("fct_training_compliance__coverage_gate", fact, tmp_path, parameters)
    (status_failure,) = [failure for failure in gate.failed if failure.column == "status"]
    assert status_failure.unexpected_count == 2  # E_MADE_UP and E_NEVER

    verdict = run_checkpoint("compliance_coverage__verdict", coverage, tmp_path, parameters)
    # Below 100% the verdict fails, but the counts still add up with the new status.
    assert not verdict.success
    assert not [
        failure
        for failure in verdict.failed
        if failure.expectation_type == "expect_column_pair_values_to_be_equal"
    ]


def test_the_day_page_shows_the_new_status(made_up_status_warehouse: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(made_up_status_warehouse), read_only=True) as connection:
        page = DayPage(
            as_of_date=AS_OF,
            summary=read_summary(connection, AS_OF),
            statuses=read_statuses(connection),
            coverage=coverage_document(connection, AS_OF),
            trend=read_trend(connection, AS_OF),
            sampling=write_samples(
                connection, tmp_path, AS_OF, seed=1, size=5, window=SamplingWindow.ending(AS_OF)
            ),
            gx_validations=[],
            file_rows={},
            unresolved_scope=[],
            has_gx_data_docs=False,
            rule_fingerprint="scratch",
            include_emails=False,
            owner=read_owner_view(connection, AS_OF),
            run_stamp=RunStamp("scratch-run", None, f"{AS_OF.isoformat()}T06:00:00Z"),
            dbt_docs="../dbt_docs/scratch/index.html",
        )
    html = page.render(AS_OF.isoformat())
    rows = [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td.*?</td>", row)]
        for row in re.findall(r"<tr>.*?</tr>", html, re.DOTALL)
        if NEW_STATUS in row
    ]
    # The status table counts it; the owner's failing list names the person holding it.
    (counted,) = [cells for cells in rows if cells[:1] == [NEW_STATUS]]
    assert counted[1] == "1" and "made up by a test" in counted, counted
    assert any("E_MADE_UP" in cells for cells in rows), rows
