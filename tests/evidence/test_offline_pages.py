"""Every page of the evidence opened in a headless Chromium with the network blocked:
complete and styled content, and not one request that leaves the machine.

The validation pages show every expectation of every GX result kept in the folder,
with the verdict GX gave it."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from orchestration.evidence import layout
from tests.evidence.browser import OFFLINE_FLAGS, Chromium, chromium_executable
from tests.evidence.conftest import DAYS

LOCAL_SCHEMES = {"file", "data", "about", "blob"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
# The project's pages carry style.css inline: its body width and verdict colours.
STYLE_JS = """(() => {
  const verdict = document.getElementById('verdict');
  return {
    bodyMaxWidth: getComputedStyle(document.body).maxWidth,
    verdict: verdict ? verdict.textContent.trim() : null,
    verdictBackground: verdict ? getComputedStyle(verdict).backgroundColor : null,
  };
})()"""
ROWS_JS = """Array.from(document.querySelectorAll('tr.%s')).map(row => ({
  success: row.dataset.success,
  cells: Array.from(row.cells).map(cell => cell.innerText.trim()),
  visible: row.getBoundingClientRect().height > 0,
}))"""
PASS_RGB, FAIL_RGB = "rgb(26, 127, 55)", "rgb(198, 40, 40)"
# dbt's docs are an app that builds its pages in the browser: wait until it shows `text`.
DBT_RENDERED_JS = """new Promise(resolve => {
  const started = Date.now();
  const poll = () => {
    const shown = document.body ? document.body.innerText : '';
    if (shown.includes(%(text)s) || Date.now() - started > 20000) {
      resolve({text: shown.includes(%(text)s),
               sheets: document.styleSheets.length,
               font: getComputedStyle(document.body).fontFamily});
    } else { setTimeout(poll, 100); }
  };
  poll();
})"""
DBT_OVERVIEW = "Welcome to the auto-generated documentation"
DBT_MODEL_PAGE = "#!/model/model.training_compliance.fct_training_compliance"


def _dbt_rendered(browser: Chromium, text: str) -> dict:
    return browser.evaluate(DBT_RENDERED_JS % {"text": json.dumps(text)})


def _leaves_the_machine(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return parts.scheme == "file" and parts.netloc not in ("", "localhost")
    return parts.hostname not in LOOPBACK_HOSTS


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory):
    if chromium_executable() is None:
        pytest.fail("Chromium is required for the auditor-page tests (.ci/run installs it)")
    with Chromium(
        tmp_path_factory.mktemp("offline-profile"), extra_flags=OFFLINE_FLAGS
    ) as chromium:
        yield chromium


def _open(browser: Chromium, page: Path) -> None:
    browser.requests.clear()
    browser.errors.messages.clear()
    browser.open(page.as_uri())


def test_the_harness_sees_and_blocks_outside_requests(offline: Chromium, tmp_path: Path) -> None:
    """Control: a page that calls out must be caught, or a clean result would mean nothing."""
    page = tmp_path / "calls-out.html"
    page.write_text(
        '<!DOCTYPE html><html><head><link rel="stylesheet" href="https://cdn.example.com/x.css">'
        '<script src="https://cdn.example.com/jquery.js"></script></head><body>'
        '<img src="http://203.0.113.7/logo.png"><img src="//cdn.example.com/p.gif"></body></html>'
    )
    _open(offline, page)
    outside = [url for url in offline.requests if _leaves_the_machine(url)]
    assert "https://cdn.example.com/jquery.js" in outside
    assert "http://203.0.113.7/logo.png" in outside
    assert "file://cdn.example.com/p.gif" in outside  # protocol-relative, from a file
    assert offline.evaluate("typeof window.jQuery") == "undefined"  # nothing got through


def _dbt_docs(folder: Path) -> str:
    """The shared dbt docs page a day's folder seals (its path from the folder)."""
    (page,) = [
        line.split("  ", 1)[1]
        for line in (folder / layout.SUMS).read_text().splitlines()
        if "  ../" in line
    ]
    return page


def _evidence_pages(evidence_run) -> list[Path]:
    return sorted(evidence_run.evidence.rglob("*.html"))


def test_every_evidence_page_is_there_to_open(evidence_run) -> None:
    relative = {
        page.relative_to(evidence_run.evidence).as_posix() for page in _evidence_pages(evidence_run)
    }
    assert layout.ROOT_INDEX in relative
    for day in DAYS:
        folder = evidence_run.day(day)
        for name in (layout.DAY_PAGE, layout.GX_DATA_DOCS):
            assert f"{day.isoformat()}/{name}" in relative
        assert (folder / _dbt_docs(folder)).resolve().is_file()
        results = sorted((folder / layout.GX_VALIDATIONS_DIR).glob("*.json"))
        pages = sorted((folder / layout.GX_DATA_DOCS).parent.glob("*.html"))
        assert len(pages) == len(results) + 1 >= 2  # one per result, and the index


def test_no_evidence_page_makes_an_outside_request(offline: Chromium, evidence_run) -> None:
    opened = {}
    for page in _evidence_pages(evidence_run):
        _open(offline, page)
        if page.name == layout.DBT_DOCS_PAGE and page.parent.parent.name == layout.DBT_DOCS_ROOT:
            assert _dbt_rendered(offline, DBT_OVERVIEW)["text"], page
        opened[page.relative_to(evidence_run.evidence).as_posix()] = list(offline.requests)
    outside = {
        name: [url for url in requests if _leaves_the_machine(url)]
        for name, requests in opened.items()
    }
    assert {name: urls for name, urls in outside.items() if urls} == {}
    assert len(opened) >= 3 + 2 * len(DAYS)


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_validation_index_lists_every_result(offline: Chromium, evidence_run, day) -> None:
    folder = evidence_run.day(day)
    results = {
        path.stem: json.loads(path.read_text())
        for path in (folder / layout.GX_VALIDATIONS_DIR).glob("*.json")
    }
    _open(offline, folder / layout.GX_DATA_DOCS)
    assert offline.errors.messages == []
    assert offline.evaluate(STYLE_JS)["bodyMaxWidth"] == "960px"
    rows = offline.evaluate(ROWS_JS % "validation")
    assert all(row["visible"] for row in rows)
    shown = {row["cells"][0]: row for row in rows}
    assert set(shown) == set(results)
    for checkpoint, result in results.items():
        row = shown[checkpoint]
        assert row["success"] == ("true" if result["success"] else "false")
        assert row["cells"][2] == ("passed" if result["success"] else "failed")
        assert row["cells"][3] == str(len(result["results"]))


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_each_validation_page_shows_every_expectation(offline: Chromium, evidence_run, day) -> None:
    folder = evidence_run.day(day)
    pages_folder = (folder / layout.GX_DATA_DOCS).parent
    failures_seen = 0
    for path in sorted((folder / layout.GX_VALIDATIONS_DIR).glob("*.json")):
        result = json.loads(path.read_text())
        _open(offline, pages_folder / f"{path.stem}.html")
        assert offline.errors.messages == [], path.stem
        style = offline.evaluate(STYLE_JS)
        assert style["bodyMaxWidth"] == "960px"
        assert (style["verdict"], style["verdictBackground"]) == (
            ("PASSED", PASS_RGB) if result["success"] else ("FAILED", FAIL_RGB)
        )
        rows = offline.evaluate(ROWS_JS % "expectation")
        assert len(rows) == len(result["results"]) >= 1
        for row, item in zip(rows, result["results"], strict=True):
            assert row["visible"]
            assert row["cells"][1] == item["expectation_config"]["type"]
            assert row["cells"][5] == ("passed" if item["success"] else "failed")
            observed = item["result"].get("observed_value", item["result"].get("unexpected_count"))
            if observed is not None:
                assert (
                    str(observed if not isinstance(observed, list) else observed[0])
                    in row["cells"][6]
                )
            failures_seen += not item["success"]
    # The sample data has people out of compliance: the coverage gate's expectations fail.
    assert failures_seen >= 1


def test_dbt_docs_render_offline(offline: Chromium, evidence_run) -> None:
    """The docs' model page: description and columns, styled, from the file alone."""
    folder = evidence_run.day(DAYS[-1])
    page = (folder / _dbt_docs(folder)).resolve()
    offline.requests.clear()
    offline.open(page.as_uri() + DBT_MODEL_PAGE)
    rendered = _dbt_rendered(offline, "One row per in-scope person per as-of date")
    assert rendered["text"], "the model's page never rendered"
    assert rendered["sheets"] >= 1 and "Times" not in rendered["font"]
    shown = offline.evaluate("document.body.innerText")
    assert "last_completed_on" in shown and "Columns" in shown
    assert [url for url in offline.requests if _leaves_the_machine(url)] == []
