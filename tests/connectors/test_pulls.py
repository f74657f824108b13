"""Each connector against a loopback emulator of its vendor: shapes, paging, retries, failures."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import time
from datetime import date
from pathlib import Path

import pytest

from orchestration.connectors.errors import ConnectorError
from orchestration.connectors.pull import pull, raw_folder
from orchestration.ingestion.contract import HR_EMPLOYEES, LMS_COMPLETIONS
from tests.connectors import emulators, people
from tests.connectors.conftest import SECRETS, WORKDAY_USER

DAY = date(2026, 12, 2)


def _export_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _as_contract_text(rows: list[dict[str, object]], columns: tuple[str, ...]) -> list[dict]:
    return [{column: str(row.get(column) or "") for column in columns} for row in rows]


def _manifest(landing: Path, source: str) -> dict:
    return json.loads((raw_folder(landing, source, DAY) / "manifest.json").read_text())


def _bamboohr(credentials: dict[str, str]):
    return emulators.bamboohr(
        credentials["COMPLIANCE_BAMBOOHR_API_KEY"],
        [people.as_bamboohr(row) for row in people.roster(DAY)],
    )


def test_bamboohr_report_gives_the_contract_rows(tmp_path, serve, credentials) -> None:
    emulator = serve("bamboohr", _bamboohr(credentials))
    result = pull("bamboohr", tmp_path, DAY)

    expected = _as_contract_text(people.roster(DAY), HR_EMPLOYEES.column_names)
    assert _export_rows(result.export) == expected
    # 0000-00-00 (BambooHR's empty date) became an empty termination_date.
    assert {row["termination_date"] for row in expected} >= {""}
    (request,) = emulator.requests
    assert (request.method, request.path, request.param("format")) == (
        "POST",
        "/v1/reports/custom",
        "JSON",
    )
    assert "workEmail" in request.json()["fields"]


def test_bamboohr_rate_limit_503_is_retried_after_its_retry_after(
    tmp_path, serve, credentials
) -> None:
    emulator = serve(
        "bamboohr",
        _bamboohr(credentials),
        faults={1: emulators.Reply(503, {"error": "busy"}, {"Retry-After": "1"})},
    )
    started = time.monotonic()
    result = pull("bamboohr", tmp_path, DAY)
    assert time.monotonic() - started >= 1
    assert len(emulator.requests) == 2
    assert result.record_count == len(people.roster(DAY))


def test_workday_report_with_left_out_keys_and_offset_dates(tmp_path, serve, credentials) -> None:
    entries = [people.as_workday(row) for row in people.roster(DAY)]
    assert "Termination_Date" not in entries[0] and "Manager_Employee_ID" not in entries[0]
    emulator = serve(
        "workday",
        emulators.workday(WORKDAY_USER, credentials["COMPLIANCE_WORKDAY_PASSWORD"], entries),
    )
    result = pull("workday", tmp_path, DAY)
    assert _export_rows(result.export) == _as_contract_text(
        people.roster(DAY), HR_EMPLOYEES.column_names
    )
    assert emulator.requests[0].param("format") == "json"


def test_an_empty_workday_report_is_an_empty_export(tmp_path, serve, credentials) -> None:
    serve(
        "workday", emulators.workday(WORKDAY_USER, credentials["COMPLIANCE_WORKDAY_PASSWORD"], [])
    )
    result = pull("workday", tmp_path, DAY)
    lines = result.export.read_text(encoding="utf-8").splitlines()
    assert lines == [",".join(HR_EMPLOYEES.column_names)]
    assert result.record_count == 0 and _manifest(tmp_path, "workday")["positions"] == []


def test_knowbe4_pages_until_empty_and_waits_out_a_429(tmp_path, serve, credentials) -> None:
    # 1,100 enrollments are three pages of 500; the API says 429 to the second page once.
    records = [
        {**people.completions(DAY)[0], "record_id": f"R{n}", "employee_id": str(2000 + n)}
        for n in range(1100)
    ]
    enrollments = [people.as_knowbe4(n, record) for n, record in enumerate(records)]
    enrollments[7]["user"]["employee_number"] = None
    emulator = serve(
        "knowbe4",
        emulators.knowbe4(credentials["COMPLIANCE_KNOWBE4_API_KEY"], enrollments),
        faults={2: emulators.Reply(429, {"message": "Too Many Requests"}, {"Retry-After": "1"})},
    )
    started = time.monotonic()
    result = pull("knowbe4", tmp_path, DAY)

    assert time.monotonic() - started >= 1
    assert [request.param("page") for request in emulator.requests] == ["1", "2", "2", "3", "4"]
    rows = _export_rows(result.export)
    assert len(rows) == 1100
    # A numeric employee_number is the HRIS id as text; a null one is empty.
    assert (rows[0]["employee_id"], rows[7]["employee_id"]) == ("2000", "")
    assert rows[0]["status"] == "completed"
    assert rows[0]["completed_at"] == f"{records[0]['completed_at']}T12:00:00Z"
    assert [r["file"] for r in _manifest(tmp_path, "knowbe4")["responses"]] == [
        f"enrollments-000{n}.json.gz" for n in range(1, 5)
    ]


def test_securecodewarrior_joins_progress_to_the_users_list(tmp_path, serve, credentials) -> None:
    users, progress = people.as_securecodewarrior(people.completions(DAY))
    emulator = serve(
        "securecodewarrior",
        emulators.securecodewarrior(credentials["COMPLIANCE_SCW_API_KEY"], users, progress),
    )
    result = pull("securecodewarrior", tmp_path, DAY)

    rows = _export_rows(result.export)
    by_email = {(row["user_email"], row["course_id"]): row for row in rows}
    for record in people.completions(DAY):
        row = by_email[(record["user_email"], record["course_id"])]
        assert row["status"] == record["status"]
        assert row["completed_at"][:10] == record["completed_at"]
        assert row["record_id"].startswith(f"{record['course_id']}:u-")
    paths = [(request.path, request.param("page")) for request in emulator.requests]
    # Four learners are two pages of two (links.total_pages); each course's progress is paged.
    assert paths[:3] == [
        ("/users", "1"),
        ("/users", "2"),
        ("/courses/SEC-CODE-101/developers-progress", "1"),
    ]
    assert ("/courses/SEC-CODE-101/developers-progress", "2") in paths
    assert ("/courses/SEC-CODE-OWASP/developers-progress", "1") in paths


@pytest.mark.parametrize("status", [401, 403])
@pytest.mark.parametrize("source", ["bamboohr", "workday", "knowbe4", "securecodewarrior"])
def test_refused_credentials_fail_at_once(tmp_path, serve, source, status) -> None:
    emulator = serve(source, lambda request: emulators.Reply(status, {"error": "denied"}))
    with pytest.raises(ConnectorError) as raised:
        pull(source, tmp_path, DAY)
    assert str(raised.value) == f"{source}: credentials refused by 127.0.0.1 ({status})"
    assert len(emulator.requests) == 1
    assert not any(secret in str(raised.value) for secret in SECRETS.values())
    assert (
        not list(tmp_path.rglob("*.csv"))
        and not (tmp_path / "raw" / source / "2026-12-02").exists()
    )


def test_server_errors_are_retried_a_bounded_number_of_times(
    tmp_path, serve, credentials, fast_retries
) -> None:
    emulator = serve("knowbe4", lambda request: emulators.Reply(500, {"error": "boom"}))
    with pytest.raises(ConnectorError, match=r"127\.0\.0\.1 answered 500 after 2 attempt\(s\)"):
        pull("knowbe4", tmp_path, DAY)
    assert len(emulator.requests) == 2


def test_an_interrupted_pull_leaves_the_landing_zone_as_it_was(
    tmp_path, serve, credentials, fast_retries
) -> None:
    users, progress = people.as_securecodewarrior(people.completions(DAY))
    responder = emulators.securecodewarrior(credentials["COMPLIANCE_SCW_API_KEY"], users, progress)
    serve("securecodewarrior", responder)
    first = pull("securecodewarrior", tmp_path, DAY)
    before = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}

    # The second pull loses its connection on the users list's second page, on every attempt.
    drop = emulators.Reply(drop=True)
    serve("securecodewarrior", responder, faults={2: drop, 3: drop})
    with pytest.raises(ConnectorError, match="could not be reached after 2 attempt"):
        pull("securecodewarrior", tmp_path, DAY)

    after = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    assert after == before
    assert first.export in after


def test_a_first_pull_that_fails_leaves_no_export(tmp_path, serve, credentials, fast_retries):
    enrollments = [people.as_knowbe4(n, r) for n, r in enumerate(people.completions(DAY))]
    responder = emulators.knowbe4(credentials["COMPLIANCE_KNOWBE4_API_KEY"], enrollments)
    drop = emulators.Reply(drop=True)
    serve("knowbe4", responder, faults={2: drop, 3: drop})
    with pytest.raises(ConnectorError, match=r"knowbe4: 127\.0\.0\.1 could not be reached"):
        pull("knowbe4", tmp_path, DAY)
    assert not LMS_COMPLETIONS.path_for(tmp_path, DAY).exists()
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


def test_unmappable_records_keep_their_raw_value_and_position(tmp_path, serve, credentials):
    entries = [people.as_workday(row) for row in people.roster(DAY)]
    entries[2]["Worker_Type"] = "Seasonal"
    del entries[4]["Employee_ID"]
    serve(
        "workday",
        emulators.workday(WORKDAY_USER, credentials["COMPLIANCE_WORKDAY_PASSWORD"], entries),
    )
    result = pull("workday", tmp_path, DAY)
    rows = _export_rows(result.export)
    # The contract check rejects them (unknown employment_type, missing employee_id).
    assert rows[2]["employment_type"] == "Seasonal" and rows[4]["employee_id"] == ""
    positions = _manifest(tmp_path, "workday")["positions"]
    assert positions[2] == "report.json.gz#/Report_Entry/2"


def test_raw_responses_are_kept_compressed_with_their_hashes(tmp_path, serve, credentials):
    serve("bamboohr", _bamboohr(credentials))
    result = pull("bamboohr", tmp_path, DAY)
    manifest = _manifest(tmp_path, "bamboohr")
    (response,) = manifest["responses"]
    kept = raw_folder(tmp_path, "bamboohr", DAY) / response["file"]
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == response["sha256"]
    body = gzip.decompress(kept.read_bytes())
    assert hashlib.sha256(body).hexdigest() == response["body_sha256"]
    assert len(json.loads(body)["employees"]) == result.record_count
    assert manifest["export_sha256"] == hashlib.sha256(result.export.read_bytes()).hexdigest()
