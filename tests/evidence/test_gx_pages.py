"""The validation pages from GX results as plain data: every expectation shown with its
verdict and observation, values taken from the data escaped, every link inside the folder."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from orchestration.evidence import layout
from orchestration.evidence.gx_pages import MAX_CELL_CHARS, validation_page, write_validation_pages

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"&'


def _item(success: bool, result: dict, description: str = "", raised: str | None = None) -> dict:
    return {
        "success": success,
        "expectation_config": {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"batch_id": "b", "column": "status", "value_set": ["a", "b"]},
            "description": description,
            "severity": "critical",
        },
        "result": result,
        "exception_info": {"raised_exception": raised is not None, "exception_message": raised},
    }


RESULT = {
    "success": False,
    "suite_name": "hr_rows",
    "meta": {"run_id": {"run_time": "2026-11-27T06:00:00+00:00"}},
    "results": [
        _item(True, {"observed_value": 12}),
        _item(
            False,
            {
                "element_count": 40,
                "unexpected_count": 3,
                "unexpected_percent": 7.5,
                "partial_unexpected_list": [HOSTILE, "E2", "E3"],
            },
            description=HOSTILE,
        ),
        _item(False, {}, raised="column status is missing"),
        _item(True, {"observed_value": "x" * (2 * MAX_CELL_CHARS)}),
    ],
}


def _write(tmp_path: Path) -> Path:
    relative = f"{layout.GX_VALIDATIONS_DIR}/hr_rows.json"
    page = validation_page("hr_rows", "gx_hr_rows", "landing/hr", relative, RESULT)
    return write_validation_pages(tmp_path, "2026-11-27", [page], ["lms_rows"])


def test_every_expectation_with_its_verdict_and_observation(tmp_path: Path) -> None:
    index = _write(tmp_path)
    html = (index.parent / "hr_rows.html").read_text()
    rows = re.findall(r'<tr class="expectation" data-success="(true|false)">(.*?)</tr>', html)
    assert [success for success, _ in rows] == ["true", "false", "false", "true"]
    assert ">12<" in rows[0][1]
    assert "3 of 40 unexpected (7.50%); e.g. " in rows[1][1]
    assert "error: column status is missing" in rows[2][1]
    assert "…" in rows[3][1] and "x" * (MAX_CELL_CHARS + 1) not in rows[3][1]
    assert 'column=status, value_set=["a", "b"]' in unescape(rows[0][1])
    assert "batch_id" not in html
    assert '<span id="verdict" class="verdict fail">FAILED</span>' in html


def test_values_from_the_data_are_escaped(tmp_path: Path) -> None:
    index = _write(tmp_path)
    for page in (index, index.parent / "hr_rows.html"):
        html = page.read_text()
        assert "<script>" not in html and "<img" not in html
    html = (index.parent / "hr_rows.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_index_lists_results_and_missing_ones_with_links_in_the_folder(
    tmp_path: Path,
) -> None:
    index = _write(tmp_path)
    html = index.read_text()
    assert re.findall(r'data-checkpoint="([^"]+)" data-success="([^"]+)"', html) == [
        ("hr_rows", "false"),
        ("lms_rows", "missing"),
    ]
    (tmp_path / layout.GX_VALIDATIONS_DIR).mkdir(parents=True)
    (tmp_path / layout.GX_VALIDATIONS_DIR / "hr_rows.json").write_text("{}")
    (tmp_path / layout.DAY_PAGE).write_text("day")
    for page in index.parent.glob("*.html"):
        for target in re.findall(r'<a href="([^"#]+)"', page.read_text()):
            assert not re.match(r"[a-z]+:", target), target  # relative, no scheme
            assert (page.parent / target).resolve().is_file(), (page.name, target)
