"""The connector assets with the landing step (no dbt): which day pulls, what is recorded."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, materialize

from orchestration.connectors.assets import hr_export, lms_export
from orchestration.connectors.pull import raw_folder, today
from orchestration.ingestion.assets import landing_exports
from orchestration.ingestion.contract import HR_EMPLOYEES, LMS_COMPLETIONS
from orchestration.landing import LandingZoneResource
from orchestration.warehouse import WarehouseResource
from tests.connectors import emulators, people
from tests.connectors.conftest import WORKDAY_USER, leaks_under
from tests.in_process import step_failure_messages
from tests.landing_builder import write_day


def _instance_on_disk(root: Path) -> DagsterInstance:
    """An instance whose run and event storage are files under root, to be scanned after."""
    folder = root / "dagster"
    folder.mkdir(parents=True, exist_ok=True)
    return DagsterInstance.local_temp(tempdir=str(folder))


def _land(root: Path, day, instance=None, refresh: bool = False):
    run_config = {
        "ops": {
            name: {"config": {"refresh": refresh}}
            for name in ("connectors__hr_export", "connectors__lms_export")
        }
    }
    return materialize(
        assets=[hr_export, lms_export, landing_exports],
        partition_key=day.isoformat(),
        resources={
            "warehouse": WarehouseResource(path=str(root / "warehouse.duckdb")),
            "landing_zone": LandingZoneResource(path=str(root / "landing")),
        },
        run_config=run_config,
        instance=instance or DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def _query(root: Path, sql: str, parameters=None) -> list[tuple]:
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as connection:
        return connection.execute(sql, parameters or []).fetchall()


@pytest.fixture
def pulled_sources(monkeypatch, serve, credentials):
    """BambooHR and KnowBe4 emulators holding the test population; one Worker is unmappable."""
    day = today()
    employees = [people.as_bamboohr(row) for row in people.roster(day)]
    employees[3]["hireDate"] = "0000-00-00"  # a required date BambooHR left empty
    enrollments = [people.as_knowbe4(n, r) for n, r in enumerate(people.completions(day), 1)]
    monkeypatch.setenv("COMPLIANCE_HR_SOURCE", "bamboohr")
    monkeypatch.setenv("COMPLIANCE_LMS_SOURCE", "knowbe4")
    hr = serve(
        "bamboohr", emulators.bamboohr(credentials["COMPLIANCE_BAMBOOHR_API_KEY"], employees)
    )
    lms = serve(
        "knowbe4", emulators.knowbe4(credentials["COMPLIANCE_KNOWBE4_API_KEY"], enrollments)
    )
    return hr, lms


def test_csv_sources_pull_nothing_and_load_as_before(tmp_path, monkeypatch) -> None:
    day = today()
    write_day(tmp_path / "landing", day, people.roster(day), people.completions(day))
    result = _land(tmp_path, day)
    assert result.success, step_failure_messages(result)
    assert not (tmp_path / "landing" / "raw").exists()
    assert _query(
        tmp_path,
        "select source, pulled_from, raw_responses from landing.load_audit "
        "where source <> 'exceptions' order by source",
    ) == [("hr", None, None), ("lms", None, None)]


def test_todays_pull_is_traced_in_load_audit_rejects_and_metadata(tmp_path, pulled_sources) -> None:
    day = today()
    with _instance_on_disk(tmp_path) as instance:
        result = _land(tmp_path, day, instance)
    assert result.success, step_failure_messages(result)

    landing = tmp_path / "landing"
    audit = dict(_query(tmp_path, "select source, raw_responses from landing.load_audit"))
    hr_raw = raw_folder(landing, "bamboohr", day)
    assert audit["hr"][0].endswith(f"  {hr_raw.relative_to(landing).as_posix()}/report.json.gz")
    assert audit["hr"][-1].endswith("/manifest.json")
    assert len(audit["lms"]) == 3  # two pages of enrollments (the second empty) + manifest
    for line in audit["hr"] + audit["lms"]:
        digest, _, relative = line.partition("  ")
        assert hashlib.sha256((landing / relative).read_bytes()).hexdigest() == digest

    # The empty hire date is a contract reject that names the raw record behind it.
    ((line, column, reason),) = _query(
        tmp_path, "select line, column_name, reason from landing.load_rejects"
    )
    assert (line, column) == (5, "hire_date")
    assert reason.endswith(f"(raw record raw/bamboohr/{day}/report.json.gz#/employees/3)")

    metadata = result.asset_materializations_for_node("landing_exports")
    hr_metadata = next(m for m in metadata if m.asset_key.path[-1] == "hr_employees").metadata
    assert hr_metadata["raw_responses"].value == audit["hr"]
    assert leaks_under(tmp_path) == []


def test_another_day_uses_its_export_or_fails_naming_source_and_date(
    tmp_path, pulled_sources
) -> None:
    hr, lms = pulled_sources
    earlier = today().replace(day=1) if today().day > 1 else today().replace(month=1)
    result = _land(tmp_path, earlier)
    assert not result.success
    message = step_failure_messages(result)
    assert f"bamboohr: no export for {earlier}" in message
    assert f"pulled only for today ({today()})" in message
    assert hr.requests == [] and lms.requests == []
    assert not HR_EMPLOYEES.path_for(tmp_path / "landing", earlier).exists()

    write_day(tmp_path / "landing", earlier, people.roster(earlier), people.completions(earlier))
    result = _land(tmp_path, earlier)
    assert result.success, step_failure_messages(result)
    assert hr.requests == [] and lms.requests == []


def test_today_reuses_its_pull_unless_refresh_is_asked(tmp_path, pulled_sources) -> None:
    hr, lms = pulled_sources
    day = today()
    assert _land(tmp_path, day).success
    assert (len(hr.requests), len(lms.requests)) == (1, 2)
    assert _land(tmp_path, day).success
    assert (len(hr.requests), len(lms.requests)) == (1, 2)
    assert _land(tmp_path, day, refresh=True).success
    assert (len(hr.requests), len(lms.requests)) == (2, 4)


def test_a_refused_pull_fails_the_run_and_leaks_nothing(
    tmp_path, monkeypatch, serve, credentials
) -> None:
    day = today()
    monkeypatch.setenv("COMPLIANCE_HR_SOURCE", "workday")
    serve("workday", lambda request: emulators.Reply(401, {"error": "invalid user"}))
    write_day(tmp_path / "landing", day, people.roster(day), people.completions(day))
    HR_EMPLOYEES.path_for(tmp_path / "landing", day).unlink()
    with _instance_on_disk(tmp_path) as instance:
        result = _land(tmp_path, day, instance)
    assert not result.success
    assert "pull failed: workday: credentials refused by 127.0.0.1 (401)" in (
        step_failure_messages(result)
    )
    assert not HR_EMPLOYEES.path_for(tmp_path / "landing", day).exists()
    assert leaks_under(tmp_path) == []
    assert WORKDAY_USER  # the user name is no secret; the password never left the process


def test_an_export_changed_after_its_pull_fails_the_load(tmp_path, pulled_sources) -> None:
    day = today()
    assert _land(tmp_path, day).success
    export = LMS_COMPLETIONS.path_for(tmp_path / "landing", day)
    export.write_text(
        export.read_text(encoding="utf-8") + '"X","x@example.com",,"C","C",'
        '"completed","2026-01-01",\n',
        encoding="utf-8",
    )
    result = _land(tmp_path, day)
    assert not result.success
    assert "it was changed after the pull" in step_failure_messages(result)


def test_an_unknown_source_is_refused_naming_the_setting(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COMPLIANCE_LMS_SOURCE", "moodle")
    result = _land(tmp_path, today())
    assert not result.success
    assert 'COMPLIANCE_LMS_SOURCE: "moodle" is not a source of the LMS training records' in (
        step_failure_messages(result)
    )
