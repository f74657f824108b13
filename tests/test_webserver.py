"""The Dagster webserver, started on loopback, lists the assets and their checks."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from collections.abc import Iterator

import pytest

from tests.conftest import BIN_DIR, PROJECT_ROOT, PipelineFolders
from tests.network import free_port

ASSETS_QUERY = """
{
  assetNodes {
    assetKey { path }
    groupName
    assetChecksOrError {
      ... on AssetChecks { checks { name } }
    }
  }
}
"""


def _post_graphql(base_url: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{base_url}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


@pytest.fixture
def webserver_url(pipeline_folders: PipelineFolders) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN_DIR / "dagster-webserver"),
            "-w",
            "workspace.yaml",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=PROJECT_ROOT,
        env=pipeline_folders.environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/server_info", timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("dagster-webserver did not start") from None
                time.sleep(0.5)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_webserver_lists_assets_and_checks(webserver_url: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        # The code location loads in the background after the server answers.
        nodes = _post_graphql(webserver_url, ASSETS_QUERY).get("data", {}).get("assetNodes")
        if nodes or time.monotonic() > deadline:
            break
        time.sleep(1)
    by_key = {"/".join(node["assetKey"]["path"]): node for node in nodes or []}

    assert by_key["landing/hr_employees"]["groupName"] == "ingestion"
    assert by_key["fct_training_compliance"]["groupName"] == "marts"
    fact_checks = {
        check["name"] for check in by_key["fct_training_compliance"]["assetChecksOrError"]["checks"]
    }
    assert any(
        # status is held to the status seed by a relationships test (no literal list).
        name.startswith("relationships_fct_training_compliance_status") for name in fact_checks
    )
    assert "compliance_coverage" in by_key
