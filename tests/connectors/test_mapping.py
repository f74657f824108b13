"""Mappings as configuration: the defaults, an override file, and the errors a bad one gives."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from orchestration.connectors.errors import ConnectorError, MappingError
from orchestration.connectors.mapping import load_mapping, map_record
from orchestration.connectors.pull import pull
from orchestration.ingestion.contract import HR_EMPLOYEES
from tests.connectors import emulators, people

DAY = date(2026, 12, 2)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_job_family_from_a_bamboohr_custom_field(tmp_path, monkeypatch, serve, credentials):
    employees = [
        {**people.as_bamboohr(row), "customJobFamily": f"Family {index}"}
        for index, row in enumerate(people.roster(DAY))
    ]
    mapping = _write(tmp_path, "bamboohr:\n  columns:\n    job_family: {field: customJobFamily}\n")
    monkeypatch.setenv("COMPLIANCE_CONNECTOR_MAPPING", str(mapping))
    emulator = serve(
        "bamboohr", emulators.bamboohr(credentials["COMPLIANCE_BAMBOOHR_API_KEY"], employees)
    )
    result = pull("bamboohr", tmp_path / "landing", DAY)

    # The report asks for the custom field, and job_family comes from it; the rest is default.
    assert "customJobFamily" in emulator.requests[0].json()["fields"]
    with result.export.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["job_family"] for row in rows] == [f"Family {i}" for i in range(len(rows))]
    assert rows[0]["job_title"] == people.roster(DAY)[0]["job_title"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "bamboohr:\n  columns:\n    job_family: {feild: x}\n",
            'bamboohr.columns.job_family: unknown field "feild"',
        ),
        (
            "bamboohr:\n  columns:\n    favourite_colour: {field: x}\n",
            "bamboohr.columns.favourite_colour: is not a column of the HR roster",
        ),
        (
            "workday:\n  columns:\n    employment_type:\n      field: Worker_Type\n"
            "      rules: [{equals: A, contains: B, value: employee}]\n",
            "workday.columns.employment_type.rules[0]: give exactly one of equals or contains",
        ),
        (
            "bamboohr:\n  columns:\n    hire_date: {}\n",
            "bamboohr.columns.hire_date: give a field, or an otherwise value",
        ),
        ("sap:\n  columns: {}\n", 'unknown field "sap"'),
        ("bamboohr:\n  columns:\n    id: {field: a}\n    id: {field: b}\n", 'duplicate key "id"'),
    ],
)
def test_a_bad_mapping_file_names_the_key_and_the_problem(tmp_path, text, problem) -> None:
    mapping = _write(tmp_path, text)
    source = "workday" if text.startswith("workday") else "bamboohr"
    with pytest.raises(MappingError) as raised:
        load_mapping(source, mapping)
    assert str(mapping) in str(raised.value)
    assert problem in str(raised.value)


def test_a_bad_mapping_fails_the_pull_before_any_request(tmp_path, monkeypatch, serve) -> None:
    emulator = serve("bamboohr", lambda request: emulators.Reply(500))
    mapping = _write(tmp_path, "bamboohr:\n  columns:\n    job_family: {feild: x}\n")
    monkeypatch.setenv("COMPLIANCE_CONNECTOR_MAPPING", str(mapping))
    with pytest.raises(ConnectorError, match=r"^bamboohr: mapping: "):
        pull("bamboohr", tmp_path / "landing", DAY)
    assert emulator.requests == []


def test_default_rules_give_the_documented_values() -> None:
    mapping = load_mapping("bamboohr", None)

    def mapped(**fields: str) -> dict[str, str | None]:
        return map_record(
            {"status": "Active", "employmentHistoryStatus": "Full-Time", **fields},
            mapping,
            HR_EMPLOYEES,
        )

    assert mapped(employmentHistoryStatus="Part-Time Contractor")["employment_type"] == (
        "contractor"
    )
    assert mapped(employmentHistoryStatus="Summer INTERN")["employment_type"] == "intern"
    assert mapped(employmentHistoryStatus="Leave of absence")["employment_status"] == "leave"
    assert mapped(status="Inactive", employmentHistoryStatus="Leave")["employment_status"] == (
        "terminated"
    )
    assert mapped(hireDate="0000-00-00")["hire_date"] is None
    workday = load_mapping("workday", None)
    entry = {
        "Worker_Type": "Seasonal",
        "Worker_Status": "On Leave",
        "Hire_Date": "2021-02-03-07:00",
    }
    row = map_record(entry, workday, HR_EMPLOYEES)
    # An unknown worker type stays as it came: the contract check rejects it with its reason.
    assert (row["employment_type"], row["employment_status"], row["hire_date"]) == (
        "Seasonal",
        "leave",
        "2021-02-03",
    )
