"""Dagster code location of the training-compliance pipeline (`dagster ... -m orchestration`)."""

from orchestration.definitions import defs

__all__ = ["defs"]
