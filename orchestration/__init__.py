"""Dagster code location of the training-compliance pipeline (`dagster ... -m orchestration`)."""

import warnings

from dagster import BetaWarning

# The daily assets' one-partition-per-run backfill policy is a beta parameter of @asset;
# its warning, printed whenever the definitions load, would open every `compliance`
# command's output (an argument error included) with lines that are not for people.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=BetaWarning)

from orchestration.definitions import defs  # noqa: E402 (after the filter, on purpose)

__all__ = ["defs"]
