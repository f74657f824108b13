"""The Dagster UI, opened with the command `compliance run` prints, shows the day's verdict.

The command runs as printed (`dagster dev`, webserver and daemon) on loopback, in an
environment without the project's variables: what it needs must be in the command.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator

import pytest

from orchestration.daily_run import DAILY_JOB
from orchestration.verdict.assets import VERDICT_ASSET
from orchestration.verdict.tags import COVERAGE_TAG, FAILING_TAG, VERDICT_TAG
from tests.conftest import CliRun
from tests.network import free_port

pytestmark = pytest.mark.slow

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

RUNS_QUERY = """
query Runs($job: String!) {
  runsOrError(filter: {pipelineName: $job}) {
    ... on Runs { results { jobName status tags { key value } } }
  }
}
"""

VERDICT_QUERY = """
query Verdict($asset: [String!]!, $day: String!) {
  assetNodeOrError(assetKey: {path: $asset}) {
    ... on AssetNode {
      partitionKeys
      assetMaterializations(partitions: [$day]) {
        metadataEntries {
          label
          ... on BoolMetadataEntry { boolValue }
          ... on FloatMetadataEntry { floatValue }
          ... on IntMetadataEntry { intValue }
        }
      }
    }
  }
}
"""


def _post_graphql(base_url: str, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{base_url}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def _without_project_settings() -> dict[str, str]:
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("COMPLIANCE_") and name != "DAGSTER_HOME"
    }


@pytest.fixture(scope="module")
def webserver_url(cli_run: CliRun) -> Iterator[str]:
    ui_line = cli_run.lines[-1]
    assert ui_line.startswith("Dagster UI: "), ui_line
    port = free_port()
    command = f"{ui_line.removeprefix('Dagster UI: ')} -h 127.0.0.1 -p {port}"
    log = (cli_run.folders.root / "dagster_dev.log").open("wb")
    # Its own session: `dagster dev` starts the webserver, the daemon and a code server.
    process = subprocess.Popen(
        ["bash", "-c", command],
        cwd=cli_run.folders.root,
        env=_without_project_settings(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/server_info", timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command!r} did not start: see {log.name}") from None
                time.sleep(0.5)
        yield base_url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        log.close()


def _asset_nodes(base_url: str) -> list[dict]:
    deadline = time.monotonic() + 120
    while True:
        # The code location loads in the background after the server answers.
        nodes = _post_graphql(base_url, ASSETS_QUERY).get("data", {}).get("assetNodes")
        if nodes or time.monotonic() > deadline:
            return nodes or []
        time.sleep(1)


def test_webserver_lists_assets_and_checks(webserver_url: str) -> None:
    by_key = {"/".join(node["assetKey"]["path"]): node for node in _asset_nodes(webserver_url)}

    assert by_key["landing/hr_employees"]["groupName"] == "ingestion"
    assert by_key["fct_training_compliance"]["groupName"] == "marts"
    fact_checks = {
        check["name"] for check in by_key["fct_training_compliance"]["assetChecksOrError"]["checks"]
    }
    assert any(
        # status is held to the status seed by a relationships test (no literal list).
        name.startswith("relationships_fct_training_compliance_status")
        for name in fact_checks
    )
    assert "compliance_coverage" in by_key
    assert by_key[VERDICT_ASSET]["groupName"] == "verdict"


def test_the_runs_list_shows_the_failing_days_verdict(webserver_url: str, cli_run: CliRun) -> None:
    _asset_nodes(webserver_url)
    failing, coverage, passed = cli_run.folders.query(
        "select failing_count, coverage_pct, control_passed from main.compliance_coverage "
        "where as_of_date = ?",
        [cli_run.as_of_date],
    )[0]
    assert not passed and failing > 0

    runs = _post_graphql(webserver_url, RUNS_QUERY, {"job": DAILY_JOB})["data"]["runsOrError"][
        "results"
    ]
    # The run belongs to the daily job (its page and the timeline show it).
    assert [(run["jobName"], run["status"]) for run in runs] == [(DAILY_JOB, "SUCCESS")]
    tags = {tag["key"]: tag["value"] for tag in runs[0]["tags"]}
    assert tags[VERDICT_TAG] == "FAILED"
    assert tags[FAILING_TAG] == str(failing)
    assert tags[COVERAGE_TAG] == f"{coverage:.2f}%"
    assert tags["dagster/partition"] == cli_run.as_of_date.isoformat()

    day = cli_run.as_of_date.isoformat()
    answer = _post_graphql(webserver_url, VERDICT_QUERY, {"asset": [VERDICT_ASSET], "day": day})
    node = answer["data"]["assetNodeOrError"]
    # The partitions start at the landing zone's first export (the sample has two days).
    assert node["partitionKeys"][:2] == ["2026-11-26", "2026-11-27"]
    (materialization,) = node["assetMaterializations"]
    metadata = {
        entry["label"]: entry.get("boolValue", entry.get("floatValue", entry.get("intValue")))
        for entry in materialization["metadataEntries"]
    }
    assert metadata["control_passed"] is False
    assert metadata["failing_count"] == failing
    assert metadata["coverage_pct"] == round(coverage, 2)
