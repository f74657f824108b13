"""dbt docs for the evidence: `dbt docs generate --static`, one self-contained HTML file,
stored once per version of the dbt project and warehouse schema and shared by the days.

The page (about 5 MiB) describes the models, tests, lineage and the warehouse's
tables and columns: all of it the same from one day to the next until the project or
the schema changes. So it lives in `<evidence>/dbt_docs/<fingerprint>/index.html`,
where the fingerprint is the SHA-256 over the dbt project's files, the dbt versions
and the warehouse's database name and column list; a day whose fingerprint is already
there reuses the page without running dbt at all, and each day's SHA256SUMS lists the
page it links with its SHA-256. The project's target/ keeps the latest page of each
fingerprint too, so a new evidence folder (another deployment on the machine, a copy
regenerated elsewhere) starts from it instead of running dbt (two dbt starts, a full
parse and the catalog: 10-15 s). It is generated without compiling (`--no-compile`):
compiled SQL would carry one day's date into a page every day shares.

The docs describe the warehouse the evidence was read from. On PostgreSQL that is the
project's own `postgres` output (dbt only reads the catalog there). On DuckDB, dbt gets
a profile of its own that attaches the file
READ_ONLY under the database name the models use, so generating docs takes no
DuckDB write lock and fits the warehouse's shared (reader) lock. dbt writes into a
temporary target path, never the project's target/ that the daily run uses.

The page embeds the manifest and catalog and carries its scripts and styles inline;
the only outside request it could make is dbt's usage tracker, which stays off.

The as-of date goes by environment, not --vars, so the parse of one day's docs
(kept in target/evidence_docs/) serves the next day's: dbt re-parses only what
changed instead of the whole project.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from datetime import date
from importlib.metadata import version as installed_version
from pathlib import Path

import yaml

from orchestration.evidence import layout
from orchestration.settings import (
    AS_OF_DATE_VAR,
    DBT_PROJECT_DIR,
    POSTGRES_TARGET,
    marts_on_postgres,
)
from orchestration.transformation.project import (
    PARSE_STATE_FILE,
    dbt_executable,
    dbt_profile_name,
    keep_parse_state,
    project_target_dir,
    prune_newest,
    replace_file,
)
from orchestration.warehouse_reader import MartsConnection

READ_ONLY_TARGET = "evidence_read_only"
TIMEOUT_SECONDS = 600
# What dbt writes into the project folder, not part of what the docs describe.
_NOT_PROJECT = frozenset({"target", "logs", "dbt_packages"})
_SCHEMA_SQL = """
select table_schema, table_name, column_name, data_type
from information_schema.columns
where table_schema not in ('information_schema', 'pg_catalog')
order by table_schema, table_name, ordinal_position
"""


# The docs' own parse state and pages, in the project's target/.
EVIDENCE_DOCS_DIR = "evidence_docs"
# Pages kept per fingerprint, the newest.
CACHED_PAGES_DIR = "pages"
CACHED_PAGES_KEPT = 10


class DbtDocsError(RuntimeError):
    pass


def _read_only_profiles(directory: Path, warehouse_file: Path) -> None:
    # dbt-duckdb names the database after the file's stem; the attach keeps that name.
    database = warehouse_file.stem
    profile = {
        dbt_profile_name(): {
            "target": READ_ONLY_TARGET,
            "outputs": {
                READ_ONLY_TARGET: {
                    "type": "duckdb",
                    "path": ":memory:",
                    "database": database,
                    "attach": [{"path": str(warehouse_file), "alias": database, "read_only": True}],
                    "schema": "main",
                    "threads": 2,
                }
            },
        }
    }
    (directory / "profiles.yml").write_text(yaml.safe_dump(profile))


def warehouse_schema(connection: MartsConnection) -> str:
    """The warehouse's tables and columns, one line each: what the docs' catalog shows."""
    # The catalog names each table's database too (DuckDB: the file's stem).
    ((database,),) = connection.execute("select current_database()").fetchall()
    rows = connection.execute(_SCHEMA_SQL).fetchall()
    return "\n".join(
        [f"database\t{database}", *("\t".join(str(value) for value in row) for row in rows)]
    )


def docs_fingerprint(schema: str) -> str:
    """SHA-256 over the dbt project's files, dbt's versions and the warehouse schema."""
    digest = hashlib.sha256()
    adapter = "dbt-postgres" if marts_on_postgres() else "dbt-duckdb"
    for package in ("dbt-core", adapter):
        digest.update(f"{package}=={installed_version(package)}\n".encode())
    for path in sorted(DBT_PROJECT_DIR.rglob("*")):
        relative = path.relative_to(DBT_PROJECT_DIR)
        if path.is_file() and relative.parts[0] not in _NOT_PROJECT:
            digest.update(f"{relative.as_posix()}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(schema.encode())
    return digest.hexdigest()


def publish_dbt_docs(
    root: Path, fingerprint: str, as_of_date: date, warehouse_file: Path
) -> tuple[str, bool]:
    """The shared docs page for `fingerprint` (its path from a day folder), generated
    only when neither an earlier day nor the project's cache has it; and whether dbt
    ran for it now."""
    relative = layout.shared_dbt_docs(fingerprint)
    folder = root / layout.DBT_DOCS_ROOT / fingerprint
    if (folder / layout.DBT_DOCS_PAGE).is_file():
        return relative, False
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{fingerprint}.building-", dir=folder.parent))
    cached = cached_page(fingerprint)
    try:
        staging.chmod(0o755)
        generated = not cached.is_file()
        if generated:
            generate_dbt_docs(as_of_date, staging / layout.DBT_DOCS_PAGE, warehouse_file)
            _cache(staging / layout.DBT_DOCS_PAGE, cached)
        else:
            shutil.copyfile(cached, staging / layout.DBT_DOCS_PAGE)
        try:
            staging.rename(folder)
        except OSError:
            # Another build published the same fingerprint meanwhile: same content, keep it.
            if not (folder / layout.DBT_DOCS_PAGE).is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return relative, generated


def cached_page(fingerprint: str) -> Path:
    """Where the project's target/ keeps the page generated for `fingerprint`."""
    pages = project_target_dir() / EVIDENCE_DOCS_DIR / CACHED_PAGES_DIR
    return pages / fingerprint / layout.DBT_DOCS_PAGE


def _cache(page: Path, cached: Path) -> None:
    replace_file(page, cached)
    prune_newest(cached.parent.parent, "*", CACHED_PAGES_KEPT)


def _dbt(
    arguments: list[str], profiles_dir: Path, profile_target: str, target: Path, as_of_date: date
) -> str:
    """One dbt command on the docs' profile; its output, or DbtDocsError."""
    command = [
        dbt_executable(),
        "--quiet",
        *arguments,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(profiles_dir),
        "--target",
        profile_target,
        "--target-path",
        str(target),
        "--log-path",
        str(target / "logs"),
    ]
    result = subprocess.run(
        command,
        cwd=DBT_PROJECT_DIR,
        env={
            **os.environ,
            # Parsing renders the models' as-of date; passing it by environment lets
            # the kept parse state serve the next generation.
            AS_OF_DATE_VAR: as_of_date.isoformat(),
            # The page loads a tracker from a CDN when the manifest says usage stats
            # are on; evidence pages open offline and never call out.
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        },
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        raise DbtDocsError(
            f"dbt {' '.join(arguments)} failed (exit {result.returncode}):\n"
            + (result.stdout + result.stderr)[-4000:]
        )
    return result.stdout


def generate_dbt_docs(as_of_date: date, destination: Path, warehouse_file: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="evidence-dbt-docs-") as scratch:
        work = Path(scratch)
        if marts_on_postgres():
            profiles_dir, profile_target = DBT_PROJECT_DIR, POSTGRES_TARGET
        else:
            _read_only_profiles(work, warehouse_file)
            profiles_dir, profile_target = work, READ_ONLY_TARGET
        target = work / "target"
        target.mkdir()
        parse_state = project_target_dir() / EVIDENCE_DOCS_DIR / PARSE_STATE_FILE
        if parse_state.is_file():
            shutil.copyfile(parse_state, target / PARSE_STATE_FILE)
        # `docs generate --no-compile` documents the manifest a parse left in the target.
        for arguments in (["parse"], ["docs", "generate", "--static", "--no-compile"]):
            _dbt(arguments, profiles_dir, profile_target, target, as_of_date)
        static_index = target / "static_index.html"
        if not static_index.is_file():
            raise DbtDocsError(f"dbt docs generate wrote no {static_index.name}")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(static_index, destination)
        keep_parse_state(target, parse_state)
