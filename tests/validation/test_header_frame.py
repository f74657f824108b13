"""The header check's view of an export: the optional job_code's absence is no drift."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.ingestion.contract import CONTRACTS, HR_EMPLOYEES
from orchestration.ingestion.loader import load_export
from orchestration.settings import EXPECTATIONS_DIR
from orchestration.validation.frames import header_frame

AS_OF = date(2026, 11, 27)
CLASSIC_HEADER = [name for name in HR_EMPLOYEES.column_names if name != "job_code"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (CLASSIC_HEADER, HR_EMPLOYEES.column_names),
        ([*CLASSIC_HEADER, "job_code"], HR_EMPLOYEES.column_names),
        ([*CLASSIC_HEADER, "Shoe Size"], (*HR_EMPLOYEES.column_names, "shoe size")),
    ],
    ids=["without_job_code", "with_job_code", "extra_column"],
)
def test_header_frame(tmp_path: Path, header: list[str], expected: tuple[str, ...]) -> None:
    path = HR_EMPLOYEES.path_for(tmp_path, AS_OF)
    path.parent.mkdir(parents=True)
    path.write_text(",".join(header) + "\n")
    with duckdb.connect() as connection:
        load_export(connection, HR_EMPLOYEES, tmp_path, AS_OF)
        frame = header_frame(connection, HR_EMPLOYEES, AS_OF)
    assert sorted(frame.columns) == sorted(expected)


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda contract: contract.source)
def test_header_suites_expect_the_contract_columns(contract) -> None:
    suite = (
        EXPECTATIONS_DIR / "gx" / "expectations" / f"landing_{contract.landing_table}__header.json"
    )
    (expectation,) = json.loads(suite.read_text())["expectations"]
    assert expectation["kwargs"]["column_set"] == list(contract.column_names)
