"""The auditor pages in a real headless Chromium: no console error, the coverage figure
visible, the trend charts drawn, and every link resolving to a file of the folder."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from orchestration.evidence import layout
from tests.evidence.browser import Chromium, chromium_executable
from tests.evidence.conftest import DAYS, END_DATE

FIGURE_JS = """(() => {
  const element = document.getElementById('coverage-value');
  if (!element) return null;
  const box = element.getBoundingClientRect();
  const style = getComputedStyle(element);
  return {
    text: element.textContent.trim(),
    visible: style.visibility === 'visible' && style.display !== 'none'
      && Number(style.opacity) > 0 && box.width > 0 && box.height > 0
      && box.top >= 0 && box.bottom <= window.innerHeight,
  };
})()"""
LINKS_JS = """Array.from(document.querySelectorAll('a[href], [src], link[href]'))
  .map(element => element.href || element.src)"""
CHARTS_JS = """Array.from(document.querySelectorAll('#trend-overall svg, #trend-departments svg'))
  .map(svg => ({
    points: svg.querySelectorAll('circle').length,
    width: svg.getBoundingClientRect().width,
  }))"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    if chromium_executable() is None:
        pytest.fail("Chromium is required for the auditor-page tests (.ci/run installs it)")
    with Chromium(tmp_path_factory.mktemp("chromium-profile")) as chromium:
        yield chromium


@pytest.fixture(autouse=True)
def fresh_errors(browser: Chromium) -> None:
    browser.errors.messages.clear()


def _pages(evidence_run) -> dict[str, Path]:
    return {
        "index over days": evidence_run.evidence / layout.ROOT_INDEX,
        **{f"day {day}": evidence_run.day(day) / layout.DAY_PAGE for day in DAYS},
    }


def test_the_harness_reports_console_errors(browser: Chromium, tmp_path: Path) -> None:
    """Control: a page with errors must be reported, or a clean result would mean nothing."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html><body><img src="absent.png">'
        '<script>console.error("boom"); notDefined();</script></body></html>'
    )
    browser.open(page.as_uri())
    messages = " | ".join(browser.errors.messages)
    assert "boom" in messages and "notDefined" in messages and "absent.png" in messages


@pytest.mark.parametrize("name", ["index over days", *(f"day {day}" for day in DAYS)])
def test_page_renders_with_coverage_trend_and_no_console_error(
    browser: Chromium, evidence_run, name: str
) -> None:
    page = _pages(evidence_run)[name]
    browser.open(page.as_uri())
    assert browser.errors.messages == []

    day = END_DATE if name == "index over days" else date.fromisoformat(page.parent.name)
    coverage = json.loads((evidence_run.day(day) / layout.COVERAGE).read_text())["coverage_pct"]
    figure = browser.evaluate(FIGURE_JS)
    assert figure == {"text": f"{coverage:.2f}%", "visible": True}

    overall, *departments = browser.evaluate(CHARTS_JS)
    # The index charts every day with evidence; a day page every day up to its own.
    days_shown = len(DAYS) if name == "index over days" else DAYS.index(day) + 1
    assert overall["points"] == days_shown and overall["width"] > 300
    assert departments and all(chart["points"] >= 1 for chart in departments)


def _resolves(browser: Chromium, page: Path, target: str) -> bool:
    """A file of the folder (and the anchor on this page); nothing on the network."""
    parts = urlsplit(target)
    path = Path(unquote(parts.path))
    if parts.scheme != "file" or not path.is_file():
        return False
    if parts.fragment and path == page:
        return bool(browser.evaluate(f"!!document.getElementById({json.dumps(parts.fragment)})"))
    return True


@pytest.mark.parametrize("name", ["index over days", f"day {END_DATE}"])
def test_every_link_resolves_offline(browser: Chromium, evidence_run, name: str) -> None:
    page = _pages(evidence_run)[name]
    browser.open(page.as_uri())
    targets = [target for target in browser.evaluate(LINKS_JS) if not target.startswith("data:")]
    assert len(targets) >= 3 * len(DAYS)
    assert [target for target in targets if not _resolves(browser, page, target)] == []
    if name.startswith("day"):
        linked = {Path(unquote(urlsplit(target).path)) for target in targets}
        folder = page.parent
        for relative in (
            layout.DBT_DOCS,
            layout.GX_DATA_DOCS,
            layout.RUN_METADATA,
            layout.SUMS,
            f"{layout.IN_SCOPE}.csv",
            layout.EXCEPTIONS_IN_FORCE,
        ):
            assert folder / relative in linked, relative


def test_screenshot_of_the_day_page(browser: Chromium, evidence_run) -> None:
    browser.open((evidence_run.day(END_DATE) / layout.DAY_PAGE).as_uri())
    shot = browser.screenshot(evidence_run.root / "day_page.png")
    assert shot.stat().st_size > 20_000
    assert browser.errors.messages == []
