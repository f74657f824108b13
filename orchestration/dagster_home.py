"""DAGSTER_HOME made ready before any run: the project's instance settings and its storage.

Dagster creates a new home's SQLite storage (run, event log and schedule databases) the
first time a process opens the instance, without any lock between processes. Two runs
started at the same moment on a brand-new home can both find no tables, both create
them, and one crashes (`table runs already exists`). Preparing the home here, one
process at a time, means every run afterwards finds the storage already made.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
from pathlib import Path

INSTANCE_TEMPLATE = Path(__file__).parent / "instance" / "dagster.yaml"
INSTANCE_SETTINGS = "dagster.yaml"
LOCK_FILE = ".init.lock"
# Holds the fingerprint of the settings the storage was made with: later calls skip the
# (slow) instance start-up, and a change of settings, another storage say, makes it again.
STORAGE_READY_FILE = ".storage-ready"


def prepare_dagster_home(home: Path) -> Path:
    """Creates `home` with the project's instance settings and storage; returns it, absolute.

    Safe to call from several processes at once: the first one does the work under an
    exclusive lock on `<home>/.init.lock`, the others wait for it and find it done.
    Settings already in `home` are kept as they are.
    """
    home = Path(home).expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    with (home / LOCK_FILE).open("a") as lock:
        # Released when the file closes, including when the process dies.
        fcntl.flock(lock, fcntl.LOCK_EX)
        settings = home / INSTANCE_SETTINGS
        if not settings.exists():
            _copy_atomically(INSTANCE_TEMPLATE, settings)
        fingerprint = hashlib.sha256(settings.read_bytes()).hexdigest()
        ready = home / STORAGE_READY_FILE
        if not ready.is_file() or ready.read_text().strip() != fingerprint:
            initialise_storage(home)
            _write_atomically(ready, fingerprint + "\n")
    return home


def initialise_storage(home: Path) -> None:
    """Opens the instance once: Dagster creates whatever storage is missing."""
    # Imported here: Dagster takes seconds to import, and only a new home needs it.
    from dagster import DagsterInstance

    with DagsterInstance.from_config(str(home)):
        pass


def _copy_atomically(source: Path, destination: Path) -> None:
    # A process opening the instance without this lock must never read half a file.
    staged = destination.with_name(f".{destination.name}.{os.getpid()}")
    shutil.copyfile(source, staged)
    os.replace(staged, destination)


def _write_atomically(destination: Path, text: str) -> None:
    staged = destination.with_name(f"{destination.name}.{os.getpid()}")
    staged.write_text(text)
    os.replace(staged, destination)
