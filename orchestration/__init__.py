"""Dagster code location of the training-compliance pipeline (`dagster ... -m orchestration`).

`defs` loads on first access (PEP 562), not when the package is imported: the
definitions bring Dagster, dagster-dbt and dbt (seconds), which `compliance` commands
such as `run`, `coverage` or `--help` do not need in their own process. Dagster finds
`defs` all the same, as it looks up the module's members by name.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dagster import Definitions

# The daily assets' one-partition-per-run backfill policy is a beta parameter of @asset;
# its warning, printed whenever the definitions load, would open every `compliance`
# command's output (an argument error included) with lines that are not for people.
# Matched by its text alone: naming the category would mean importing Dagster here.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`")

__all__ = ["defs"]


def __getattr__(name: str) -> Any:
    if name == "defs":
        from orchestration.definitions import defs

        return defs
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), "defs"])


defs: Definitions  # provided by __getattr__
