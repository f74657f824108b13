"""dlt is pinned exactly, and installing it kept the warehouse's one duckdb version (<2)."""

from __future__ import annotations

import os
import tomllib
from importlib import metadata

from packaging.requirements import Requirement
from packaging.version import Version

from orchestration.connectors.http import rest_client
from orchestration.settings import DATA_DIR, PROJECT_ROOT


def _pins() -> dict[str, str]:
    lines = (PROJECT_ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("==") for line in lines if line and not line.startswith("#")]
    return {name.lower(): version for name, version in pairs}


def test_dlt_is_pinned_exactly_and_duckdb_stays_one_version_below_2() -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = {
        Requirement(line).name: Requirement(line) for line in project["project"]["dependencies"]
    }
    (dlt_pin,) = requirements["dlt"].specifier
    assert dlt_pin.operator == "=="
    pins = _pins()
    assert pins["dlt"] == dlt_pin.version == metadata.version("dlt")
    assert Version(pins["duckdb"]) < Version("2")
    assert metadata.version("duckdb") == pins["duckdb"]
    assert list(requirements["duckdb"].specifier.filter([pins["duckdb"]])) == [pins["duckdb"]]


def test_dlt_runs_without_telemetry_and_keeps_its_files_in_the_data_folder() -> None:
    rest_client("http://127.0.0.1:9", auth=None)
    assert os.environ["RUNTIME__DLTHUB_TELEMETRY"] == "false"
    assert os.environ["DLT_DATA_DIR"] == str(DATA_DIR / "dlt")
    assert os.environ["DLT_PROJECT_DIR"] == str(DATA_DIR / "dlt")
