"""GX's own Data Docs, kept in the docs folder for operators: each day's site keeps the
static files its pages use, and only those (GX copies 4 MB of unused tutorial images
into every site)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orchestration.validation.gx_runner import unreferenced_static_files
from tests.evidence.conftest import DAYS

LOCAL_REFERENCE = re.compile(r"""(?:src|href)=["']((?:\./|\.\./)*static/[^"'#?]+)""")


def _site(evidence_run, day) -> Path:
    return evidence_run.docs / "gx" / day.isoformat() / "data_docs"


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_every_static_file_a_page_uses_is_there(evidence_run, day) -> None:
    site = _site(evidence_run, day)
    pages = sorted(site.rglob("*.html"))
    assert site / "index.html" in pages
    kept = {path.name for path in (site / "static").rglob("*") if path.is_file()}
    # By name: GX's validation pages point one folder too high for their favicon.
    used = {
        reference.rsplit("/", 1)[-1]
        for page in pages
        for reference in LOCAL_REFERENCE.findall(page.read_text())
    }
    assert used and used <= kept


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_no_static_file_is_kept_that_nothing_uses(evidence_run, day) -> None:
    site = _site(evidence_run, day)
    unused = [path.relative_to(site).as_posix() for path in unreferenced_static_files(site)]
    assert unused == []
    assert sum(path.stat().st_size for path in site.rglob("*") if path.is_file()) < 1_500_000
