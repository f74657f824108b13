"""The benchmark's floor (benchmarks/plain_rules.sql) against the pipeline, under policies
that use every scope feature: globs over several fields, an explicit exclude, a rule on a
column the export lacks, overrides in and out of force, employment types, a course with
its own validity, the return-from-leave grace, and an annual cycle. Real pipeline runs
(in process, no evidence pack) and the floor in its own DuckDB file."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml

from benchmarks.plain_sql import glob_to_like, normalise
from benchmarks.run_benchmarks import COVERAGE_COLUMNS
from orchestration.sample_data import generate_landing_zone
from orchestration.settings import POLICY_DIR, POLICY_FILE_VAR, PROJECT_ROOT
from tests.in_process import materialize_day, step_failure_messages

pytestmark = pytest.mark.slow

END_DATE = date(2026, 11, 27)
DAYS = (END_DATE - timedelta(days=1), END_DATE)
PEOPLE = 400


def _hr_rows(landing: Path) -> list[dict[str, str]]:
    with (landing / "hr" / f"employees_{END_DATE}.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _policy(landing: Path, *, annual: bool) -> dict:
    policy = yaml.safe_load((POLICY_DIR / "trn-2-01.yml").read_text())
    rows = _hr_rows(landing)
    analyst = next(r["employee_id"] for r in rows if r["job_family"] == "Finance Analyst")
    engineer = next(
        r["employee_id"]
        for r in rows
        if r["job_family"] == "Backend Engineer" and r["employment_status"] == "active"
    )
    approval = {"approved_by": "M0001", "approved_on": "2026-01-01"}
    policy["scope"] = {
        "employment_types": ["employee", "contractor"],
        "rules": [
            {
                "id": "managers-out",
                "decision": "exclude",
                "reason": "managers are trained elsewhere",
                "match": {"job_title": ["*manager*"]},
            },
            {
                "id": "codes",
                "decision": "include",
                "reason": "role codes (the export has none)",
                "match": {"job_code": ["development_*"]},
            },
            {
                "id": "engineers",
                "decision": "include",
                "reason": "engineers of the engineering and infrastructure departments",
                "match": {
                    "job_family": ["*engineer"],
                    "department": ["eng*", "infra?tructure"],
                },
            },
            {
                "id": "security",
                "decision": "include",
                "reason": "security people anywhere",
                "match": {"job_title": ["*SECURITY*"]},
            },
        ],
        "otherwise": "exclude",
        "overrides": [
            {"employee_id": analyst, "decision": "include", "reason": "owns a service"} | approval,
            {"employee_id": engineer, "decision": "exclude", "reason": "on secondment"} | approval,
        ],
    }
    training = policy["training"]
    training["grace_days"] = 45
    training["due_soon_days"] = 60
    if annual:
        training["cycle"] = {"mode": "annual", "starts": "02-01"}
    else:
        training["qualifying_courses"][0]["validity_days"] = 730
        training["return_from_leave_grace_days"] = 30
    return policy


def _floor(landing: Path, policy: Path, work: Path) -> dict:
    output = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.plain_sql",
            "--landing",
            str(landing),
            "--date",
            END_DATE.isoformat(),
            "--database",
            str(work / "plain.duckdb"),
            "--policy",
            str(policy),
        ],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.splitlines()[-1])


@pytest.fixture(scope="module", params=["rolling", "annual"])
def policy_run(request, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict, dict]:
    """(pipeline coverage row, floor under that policy, floor under the shipped policy)."""
    root = tmp_path_factory.mktemp(f"floor_{request.param}")
    generate_landing_zone(root / "landing", people=PEOPLE, days=len(DAYS), end_date=END_DATE)
    policy_path = root / "policy.yml"
    policy_path.write_text(
        yaml.safe_dump(_policy(root / "landing", annual=request.param == "annual"))
    )
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv(POLICY_FILE_VAR, str(policy_path))
        # The return-from-leave grace reads the earlier day's export the warehouse holds.
        days = DAYS if request.param == "rolling" else DAYS[-1:]
        for as_of_date in days:
            result = materialize_day(monkeypatch, root, as_of_date)
            assert result.success, step_failure_messages(result)
    with duckdb.connect(str(root / "warehouse" / "compliance.duckdb"), read_only=True) as db:
        row = db.execute(
            f"select {', '.join(COVERAGE_COLUMNS)} from main.compliance_coverage "
            "where as_of_date = ?",
            [END_DATE],
        ).fetchone()
    pipeline = dict(zip(COVERAGE_COLUMNS, row, strict=True))
    floor = _floor(root / "landing", policy_path, root)
    shipped = _floor(root / "landing", POLICY_DIR / "trn-2-01.yml", root)
    return pipeline, floor, shipped


def test_floor_gives_the_pipelines_coverage_row_under_the_policy(policy_run) -> None:
    pipeline, floor, shipped = policy_run
    assert {name: floor[name] for name in pipeline} == pipeline
    # The policy changed who is in scope: the floor really read it.
    assert floor["in_scope_count"] != shipped["in_scope_count"]


def test_floor_normalises_and_reads_globs_as_the_rules_say() -> None:
    assert normalise("\uff22ack\u200bend\u00a0\u00a0Engineer ") == "backend engineer"
    assert glob_to_like("Dev_*  Eng?") == "dev\\_% eng_"
    assert glob_to_like("100%") == "100\\%"
