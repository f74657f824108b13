"""The default install (README command 1: `pip install -e .`, no `postgres` extra) has no
PostgreSQL driver: the CLI and the Dagster definitions must load without it."""

from __future__ import annotations

import subprocess
import sys

from orchestration.settings import PROJECT_ROOT

# A None entry in sys.modules makes `import psycopg2` raise ImportError, as when the
# package is not installed.
WITHOUT_DRIVER = """
import sys
sys.modules["psycopg2"] = None
import orchestration.cli
from orchestration.definitions import defs
from orchestration.warehouse_reader import PostgresUnavailableError, connect_postgres
assert defs.resolve_job_def("daily_compliance_job")
try:
    connect_postgres({"host": "127.0.0.1", "port": "1", "user": "u", "dbname": "d"})
except PostgresUnavailableError as error:
    print(error)
"""


def test_cli_and_definitions_load_without_the_postgres_driver() -> None:
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_DRIVER],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "needs the PostgreSQL driver" in result.stdout
