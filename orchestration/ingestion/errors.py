"""Errors that stop a load: each names the file (and line, column where known)."""

from __future__ import annotations

from pathlib import Path


class ExportError(Exception):
    """An export that cannot be loaded at all; the message says which file and why."""

    def __init__(self, path: Path, problem: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}, line {line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")


class MissingExportError(ExportError):
    def __init__(self, path: Path, what: str) -> None:
        super().__init__(
            path,
            f"expected export not found ({what}); the run for a day never falls "
            "back to another day's export",
        )
