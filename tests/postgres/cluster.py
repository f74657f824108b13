"""A throwaway PostgreSQL server for tests: Debian's binaries, a tmp cluster, a loopback port.

initdb and the server refuse to run as root (CI and containers run tests as root),
so when root, every server command runs as the `postgres` system user that Debian's
package creates, on a directory handed over to that user.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import psycopg2

from orchestration.settings import (
    PG_DATABASE_VAR,
    PG_HOST_VAR,
    PG_PASSWORD_VAR,
    PG_PORT_VAR,
    PG_USER_VAR,
)
from tests.network import free_port

SERVER_USER = "postgres"
SUPERUSER = "compliance"
DATABASE = "compliance"
# Durability is pointless for a cluster deleted after the test; skipping it saves time.
TEST_SERVER_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def postgres_bin_dir() -> Path | None:
    """bin/ of the newest PostgreSQL installed from Debian's packages, if any."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda initdb: int(initdb.parts[-3]) if initdb.parts[-3].isdigit() else 0,
    )
    return versions[-1].parent if versions else None


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    database: str
    # TCP logins need it (scram-sha-256), as on a real server: a wrong one is refused.
    password: str = field(repr=False)

    def connection(self) -> dict[str, str]:
        """libpq keyword arguments, as orchestration.settings.postgres_connection gives."""
        return {
            "host": self.host,
            "port": str(self.port),
            "user": self.user,
            "password": self.password,
            "dbname": self.database,
        }

    def with_new_database(self, name: str) -> PostgresServer:
        """The same server with a fresh, empty database `name` (one per scenario)."""
        admin = {**self.connection(), "dbname": "postgres"}
        with closing(psycopg2.connect(**admin)) as connection:
            connection.autocommit = True  # create database cannot run in a transaction
            with connection.cursor() as cursor:
                cursor.execute(f"create database {name}")
        return replace(self, database=name)

    def environment(self) -> dict[str, str]:
        """The COMPLIANCE_PG_* variables pointing dbt and the publisher at this server."""
        return {
            PG_HOST_VAR: self.host,
            PG_PORT_VAR: str(self.port),
            PG_USER_VAR: self.user,
            PG_PASSWORD_VAR: self.password,
            PG_DATABASE_VAR: self.database,
        }


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", SERVER_USER, "--", *command]
    return command


def _run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(
        _as_server_user(command), cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")


@contextmanager
def running_cluster(bin_dir: Path) -> Iterator[PostgresServer]:
    """A new cluster with database `compliance`, stopped and deleted on exit."""
    # Not pytest's tmp_path: its parents are private to root, unreadable by `postgres`.
    root = Path(tempfile.mkdtemp(prefix="compliance-postgres-"))
    data = root / "data"
    if os.geteuid() == 0:
        account = pwd.getpwnam(SERVER_USER)
        os.chown(root, account.pw_uid, account.pw_gid)
    port = free_port()
    password = secrets.token_urlsafe(18)
    password_file = root / "password"
    password_file.write_text(password + "\n")
    if os.geteuid() == 0:
        os.chown(password_file, account.pw_uid, account.pw_gid)
    try:
        _run(
            [
                str(bin_dir / "initdb"),
                "--pgdata",
                str(data),
                "--username",
                SUPERUSER,
                # The socket (server commands) trusts; TCP on loopback wants the password.
                "--auth-local",
                "trust",
                "--auth-host",
                "scram-sha-256",
                "--pwfile",
                str(password_file),
                "--encoding",
                "UTF8",
                "--no-locale",
            ],
            cwd=root,
        )
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 {TEST_SERVER_OPTIONS}"
        log = root / "server.log"
        try:
            _run(
                [
                    str(bin_dir / "pg_ctl"),
                    "--pgdata",
                    str(data),
                    "--log",
                    str(log),
                    "--options",
                    options,
                    "--wait",
                    "start",
                ],
                cwd=root,
            )
        except RuntimeError as error:
            server_log = log.read_text() if log.exists() else ""
            raise RuntimeError(f"{error}\nserver log:\n{server_log}") from error
        try:
            server = PostgresServer("127.0.0.1", port, SUPERUSER, DATABASE, password)
            admin = {**server.connection(), "dbname": "postgres"}
            with closing(psycopg2.connect(**admin)) as connection:
                connection.autocommit = True  # create database cannot run in a transaction
                with connection.cursor() as cursor:
                    cursor.execute(f"create database {DATABASE}")
            yield server
        finally:
            _run(
                [
                    str(bin_dir / "pg_ctl"),
                    "--pgdata",
                    str(data),
                    "--mode",
                    "fast",
                    "--wait",
                    "stop",
                ],
                cwd=root,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)
