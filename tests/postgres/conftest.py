"""A PostgreSQL server of the tests' own, started once per session when any test asks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.postgres.cluster import PostgresServer, postgres_bin_dir, running_cluster


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries: apt-get install postgresql (.ci/run does)")
    with running_cluster(bin_dir) as server:
        yield server
