"""The Jinja2 environment of the evidence pages: autoescaped, strict about missing values."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}%"


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader(__package__, "templates"),
        autoescape=True,
        # A missing value is a bug in the caller, never an empty cell on an auditor's page.
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["percent"] = percent
    return environment


# Every evidence page (the day, the index, the GX validation pages) renders through it.
PAGE_TEMPLATES = _environment()
