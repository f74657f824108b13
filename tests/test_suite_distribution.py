"""The suite's split over pytest-xdist workers keeps each module (and each shared
session fixture) on one worker, so no expensive fixture is built twice."""

from __future__ import annotations

import os

import pytest


def test_this_test_carries_its_module_as_its_xdist_group(request: pytest.FixtureRequest) -> None:
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.skip("the groups exist only when the suite runs on pytest-xdist workers")
    # pytest-xdist schedules by the group it appends to the id; without it, a module's
    # tests spread over the workers and its module fixtures are built on each.
    assert request.node.nodeid.endswith("@tests/test_suite_distribution.py")
