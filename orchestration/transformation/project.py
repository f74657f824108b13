"""The dbt project, built once, and the preparation of its manifest."""

from __future__ import annotations

import hashlib
import logging
import os
import pprint
import re
import shutil
import sys
from collections.abc import Mapping, Sequence
from functools import cache, cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

import msgpack
import yaml
from dagster_dbt import DbtCliResource, DbtProject
from packaging.version import Version

from orchestration.settings import (
    DBT_PROJECT_DIR,
    DBT_TARGET_VAR,
    WAREHOUSE_VAR,
    setting,
    warehouse_path,
)

PARSE_STATE_FILE = "partial_parse.msgpack"
# One parse state per rendered profile (see profile_parse_state), the newest kept.
PROFILE_PARSE_STATES_DIR = "parse_state"
PROFILE_PARSE_STATES_KEPT = 20
_PROFILE_ENV_VAR = re.compile(r"""env_var\(\s*['"]([A-Za-z0-9_]+)['"]""")

# Each run's target folder (dbt.log, run_results.json) is kept for a while to look into.
RUN_FOLDERS_KEPT = 10


@cache
def dbt_project() -> DbtProject:
    # dbt reads the warehouse path from the environment in profiles.yml; pin it to
    # the same absolute path the Python side resolved, whatever dbt's working directory.
    os.environ[WAREHOUSE_VAR] = str(warehouse_path())
    return DbtProject(
        project_dir=DBT_PROJECT_DIR,
        profiles_dir=DBT_PROJECT_DIR,
        target=setting(DBT_TARGET_VAR),
    )


class ComplianceDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without two per-run costs this pipeline does not use."""

    @cached_property
    def _cli_version(self) -> Version:
        # dbt_executable() is the dbt of this interpreter's environment, so the
        # installed dbt-core is the version `dbt --version` would print, 2-4 s sooner.
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        # The in-process adapter only serves fetch_row_counts/fetch_column_metadata,
        # which the assets never call; loading the profile for it costs 2-3 s a run.
        return None

    def _get_unique_target_path(self, *, context: object | None) -> Path:  # type: ignore[override]
        # dagster-dbt seeds the run's folder from target/partial_parse.msgpack only when
        # the folder holds no state yet: this warehouse's own state goes first, else
        # the state a warehouse of the same parse left.
        path = super()._get_unique_target_path(context=context)  # type: ignore[arg-type]
        run_state = dbt_project().project_dir / path / PARSE_STATE_FILE
        own, shared = profile_parse_state(), shared_parse_state()
        if own.is_file():
            run_state.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(own, run_state)
        elif shared.is_file():
            run_state.parent.mkdir(parents=True, exist_ok=True)
            restamp_parse_state(shared, run_state)
        return path


def project_target_dir() -> Path:
    """The project's own target/: the prepared manifest and the parse state runs start from."""
    return dbt_project().project_dir / dbt_project().target_path


def dbt_resource() -> DbtCliResource:
    # The target as the environment says now (dbt_project() is built once per process).
    return ComplianceDbtCliResource(
        project_dir=dbt_project(), dbt_executable=dbt_executable(), target=setting(DBT_TARGET_VAR)
    )


def profile_parse_state() -> Path:
    """Where the parse state of dbt runs with this environment's profile is kept.

    dbt drops its whole saved parse (a full parse, seconds) as soon as the rendered
    profile differs, and the profile holds the warehouse path: one shared state file
    would be re-parsed away by every run on another warehouse (a second deployment,
    `compliance policy check`, concurrent test runs). Keyed by the profile's inputs,
    each warehouse's next run starts from its own last parse.
    """
    return project_target_dir() / PROFILE_PARSE_STATES_DIR / f"{_profile_key()}.msgpack"


def shared_parse_state() -> Path:
    """Where the parse state of every warehouse of this file name is kept, whatever
    its folder, the rest of the profile being this environment's.

    Their parse is the same: dbt names the database after the file (its stem), and no
    model reads the path (the manifests of two folders differ only in parse times).
    dbt still refuses it for its profile hash, which restamp_parse_state rewrites, so
    a new warehouse (a second deployment, `compliance policy check`'s scratch copy,
    each test scenario) starts with a partial parse: its dbt step about 3 s shorter
    at the sample's size (a full parse takes 4-5 s, re-stamping about 1 s).
    """
    file_name = Path(os.environ.get(WAREHOUSE_VAR, "")).name
    key = _profile_key({WAREHOUSE_VAR: file_name})
    return project_target_dir() / PROFILE_PARSE_STATES_DIR / f"shared-{key}.msgpack"


def _profile_key(replaced: Mapping[str, str] | None = None) -> str:
    """A key for profiles.yml as the environment (with `replaced` values) renders it."""
    profiles = (dbt_project().profiles_dir / "profiles.yml").read_text(encoding="utf-8")
    environment = {**os.environ, **(replaced or {})}
    inputs = [
        profiles,
        *(
            f"{name}={environment.get(name, '')}"
            for name in sorted(set(_PROFILE_ENV_VAR.findall(profiles)))
        ),
    ]
    return hashlib.sha256("\0".join(inputs).encode()).hexdigest()[:16]


def restamp_parse_state(state: Path, destination: Path) -> None:
    """Copies a saved parse to `destination` with this environment's profile hash.

    The hash is dbt's own (dbt.parser.manifest: the sorted connection info,
    pretty-printed); when dbt's format or the hash cannot be read, the copy keeps its
    old stamp and dbt simply parses the whole project, as without it.
    """
    try:
        content = msgpack.unpackb(state.read_bytes(), strict_map_key=False)
        content["state_check"]["profile_hash"]["checksum"] = _dbt_profile_hash()
        destination.write_bytes(msgpack.packb(content))
    except Exception as error:  # whatever failed, it costs only a full parse
        logging.getLogger(__name__).info("dbt parse state not re-stamped: %s", error)
        shutil.copyfile(state, destination)


def _dbt_profile_hash() -> str:
    """The profile hash dbt computes for this environment's rendered profile."""
    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt.contracts.files import FileHash
    from dbt_common.context import set_invocation_context

    set_invocation_context(dict(os.environ))
    profile_name = dbt_profile_name()
    raw = read_profile(str(dbt_project().profiles_dir))
    target, data = Profile.render_profile(
        raw[profile_name], profile_name, setting(DBT_TARGET_VAR), ProfileRenderer({})
    )
    credentials = Profile._credentials_from_profile(data, profile_name, target)
    connection = sorted(credentials.connection_info())
    return FileHash.from_contents(pprint.pformat(connection)).checksum


def dbt_profile_name() -> str:
    """The profile dbt_project.yml names."""
    project = yaml.safe_load((dbt_project().project_dir / "dbt_project.yml").read_text())
    return project["profile"]


def keep_parse_state(run_target_path: Path, destination: Path | None = None) -> None:
    """Makes an invocation's parse the starting point of the next one's partial parse.

    Without a `destination`, the state is kept for this profile (profile_parse_state)
    and as target/partial_parse.msgpack, which dagster-dbt seeds a run from when its
    profile has no state yet; either way a daily run re-parses only what changed
    since the last one.
    """
    state = run_target_path / PARSE_STATE_FILE
    if not state.is_file():
        return
    if destination is not None:
        replace_file(state, destination)
        return
    replace_file(state, profile_parse_state())
    replace_file(state, shared_parse_state())
    replace_file(state, project_target_dir() / state.name)
    prune_newest(
        project_target_dir() / PROFILE_PARSE_STATES_DIR, "*.msgpack", PROFILE_PARSE_STATES_KEPT
    )


def replace_file(source: Path, destination: Path) -> None:
    """Copies in one step for readers: another run may be copying the file right now."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    staged = destination.with_name(f"{destination.name}.{os.getpid()}")
    shutil.copyfile(source, staged)
    os.replace(staged, destination)


def prepare_manifest(force: bool = False) -> None:
    """Runs `dbt parse` so target/manifest.json exists before definitions load."""
    if force or not dbt_project().manifest_path.exists():
        dbt_resource().cli(["--quiet", "parse"], target_path=dbt_project().target_path).wait()


def prune_run_folders(keep: int = RUN_FOLDERS_KEPT) -> None:
    """Removes all but the newest `keep` per-run target folders dagster-dbt leaves."""
    prune_newest(project_target_dir(), "compliance_dbt_models-*", keep)


def prune_newest(folder: Path, pattern: str, keep: int) -> None:
    """Removes all but the newest `keep` entries of `folder` matching `pattern`."""
    entries = []
    for entry in folder.glob(pattern):
        try:
            entries.append((entry.stat().st_mtime, entry))
        except FileNotFoundError:
            continue  # removed by a concurrent run's pruning
    for _, entry in sorted(entries, reverse=True)[keep:]:
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def dbt_executable() -> str:
    """dbt from this interpreter's environment, so an unactivated venv still works."""
    beside_python = Path(sys.executable).parent / "dbt"
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("dbt") or "dbt"
