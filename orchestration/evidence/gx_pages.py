"""The day's GX validation results as pages the project renders: an index and one page per
checkpoint with every expectation, its verdict and what GX observed.

GX's own Data Docs draw their index with scripts and styles from CDNs and fetch a logo
from a remote server; these pages carry their style inline and load nothing, so an
auditor reads them from a disk or an archive with no network. GX's JSON results stay
in the folder beside them: the pages are a reading of those files, never a replacement.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from orchestration.evidence import layout
from orchestration.evidence.page_templates import PAGE_TEMPLATES

# What a cell shows of a long list of values or examples; the JSON result holds all of it.
MAX_CELL_CHARS = 300
EXAMPLES_SHOWN = 5


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def _observed(result: dict[str, Any]) -> str:
    """GX's observed value, or how many values broke the expectation with a few examples."""
    if "observed_value" in result:
        return _short(result["observed_value"])
    if "unexpected_count" in result:
        text = f"{result['unexpected_count']} of {result.get('element_count', '?')} unexpected"
        if result.get("unexpected_percent") is not None:
            text += f" ({result['unexpected_percent']:.2f}%)"
        examples = result.get("partial_unexpected_list") or []
        if examples:
            text += "; e.g. " + _short(examples[:EXAMPLES_SHOWN])
        return text
    return ""


@dataclass(frozen=True)
class ExpectationRow:
    number: int
    expectation: str
    arguments: str
    description: str
    severity: str
    success: bool
    observed: str
    error: str | None

    @classmethod
    def of(cls, number: int, item: dict[str, Any]) -> ExpectationRow:
        config = item.get("expectation_config", {})
        arguments = {
            key: value for key, value in config.get("kwargs", {}).items() if key != "batch_id"
        }
        exception = item.get("exception_info") or {}
        return cls(
            number=number,
            expectation=config.get("type", "?"),
            arguments=", ".join(f"{key}={_short(value)}" for key, value in arguments.items()),
            description=config.get("description") or "",
            severity=str(config.get("severity") or ""),
            success=bool(item.get("success")),
            observed=_observed(item.get("result") or {}),
            error=exception.get("exception_message") if exception.get("raised_exception") else None,
        )


@dataclass(frozen=True)
class ValidationPage:
    checkpoint: str
    check_name: str
    asset: str
    suite: str
    success: bool
    run_time: str
    rows: list[ExpectationRow]
    page: str  # relative to the index
    result_file: str  # relative to the validation's page

    @property
    def failed(self) -> int:
        return sum(not row.success for row in self.rows)


def page_name(checkpoint: str) -> str:
    return f"{checkpoint}.html"


def _relative(target: str, start: str) -> str:
    """target relative to the folder of start (both relative to the day folder)."""
    up = len(PurePosixPath(start).parent.parts)
    return "/".join([".."] * up + [target])


def validation_page(
    checkpoint: str, check_name: str, asset: str, result_file: str, result: dict[str, Any]
) -> ValidationPage:
    page = str(PurePosixPath(layout.GX_DATA_DOCS).parent / page_name(checkpoint))
    return ValidationPage(
        checkpoint=checkpoint,
        check_name=check_name,
        asset=asset,
        suite=result.get("suite_name") or checkpoint,
        success=bool(result.get("success")),
        run_time=str(result.get("meta", {}).get("run_id", {}).get("run_time") or ""),
        rows=[ExpectationRow.of(n, item) for n, item in enumerate(result.get("results", []), 1)],
        page=page_name(checkpoint),
        result_file=_relative(result_file, page),
    )


def write_validation_pages(
    folder: Path, as_of_date: str, pages: list[ValidationPage], missing: list[str]
) -> Path:
    """Writes the index (layout.GX_DATA_DOCS) and one page per validation; returns the index."""
    index = folder / layout.GX_DATA_DOCS
    index.parent.mkdir(parents=True, exist_ok=True)
    day_page = _relative(layout.DAY_PAGE, layout.GX_DATA_DOCS)
    for page in pages:
        html = PAGE_TEMPLATES.get_template("gx_validation.html.j2").render(
            as_of_date=as_of_date, validation=page, index=index.name, day_page=day_page
        )
        (index.parent / page.page).write_text(html, encoding="utf-8")
    html = PAGE_TEMPLATES.get_template("gx_index.html.j2").render(
        as_of_date=as_of_date, validations=pages, missing=missing, day_page=day_page
    )
    index.write_text(html, encoding="utf-8")
    return index
