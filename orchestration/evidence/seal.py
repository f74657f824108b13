"""SHA256SUMS over every file of an evidence folder, and `verify` against it.

The file uses the `sha256sum` format ("<hex>  <relative path>"), so
`sha256sum -c SHA256SUMS` inside the folder checks it too, without this project.
Besides the folder's own files it lists the shared files the folder links (the dbt
docs page, `../dbt_docs/<fingerprint>/index.html`) by their path from the folder, so
the seal covers them as well.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.evidence.layout import SUMS


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def folder_files(folder: Path) -> list[str]:
    """Every file under folder except SHA256SUMS, as sorted POSIX relative paths."""
    files = []
    for directory, _, names in os.walk(folder):
        for name in names:
            relative = (Path(directory) / name).relative_to(folder).as_posix()
            if relative != SUMS:
                files.append(relative)
    return sorted(files)


def is_shared(relative: str) -> bool:
    """Whether a SHA256SUMS entry is a shared file outside the folder."""
    return relative.startswith("../")


def write_sums(folder: Path, shared: tuple[str, ...] = ()) -> Path:
    """SHA256SUMS over the folder's files and the shared files (paths from the folder)."""
    listed = folder_files(folder) + sorted(shared)
    lines = [f"{sha256_of(folder / relative)}  {relative}\n" for relative in listed]
    path = folder / SUMS
    path.write_text("".join(lines), encoding="utf-8")
    return path


@dataclass
class VerifyReport:
    folder: Path
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    checked: int = 0
    # How the seal log records this folder's SHA256SUMS, once checked against it.
    sealed: str | None = None

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.extra or self.problems)

    def render(self) -> str:
        if self.ok:
            sealed = f", {self.sealed}" if self.sealed else ""
            return f"OK  {self.folder}: {self.checked} files match {SUMS}{sealed}"
        lines = [f"FAILED  {self.folder}"]
        lines += [f"  problem  {problem}" for problem in self.problems]
        lines += [f"  changed  {path}" for path in self.changed]
        lines += [f"  missing  {path}" for path in self.missing]
        lines += [f"  extra    {path}" for path in self.extra]
        return "\n".join(lines)


def _read_sums(report: VerifyReport) -> dict[str, str]:
    expected: dict[str, str] = {}
    text = (report.folder / SUMS).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        digest, separator, relative = line.partition("  ")
        if not separator or len(digest) != 64 or not relative:
            report.problems.append(f"{SUMS} line {number} is not '<sha256>  <path>'")
        elif relative in expected:
            report.problems.append(f"{SUMS} line {number} lists {relative} twice")
        else:
            expected[relative] = digest.lower()
    return expected


def verify_folder(folder: Path) -> VerifyReport:
    report = VerifyReport(folder=folder)
    if not (folder / SUMS).is_file():
        report.problems.append(f"no {SUMS} in the folder")
        return report
    expected = _read_sums(report)
    present = set(folder_files(folder))
    for relative, digest in sorted(expected.items()):
        found = relative in present or (is_shared(relative) and (folder / relative).is_file())
        if not found:
            report.missing.append(relative)
        elif sha256_of(folder / relative) != digest:
            report.changed.append(relative)
    report.extra = sorted(present - expected.keys())
    report.checked = len(expected)
    return report


def sealed_folders(path: Path) -> list[Path]:
    """The folder itself when sealed, else its sealed day folders (an evidence root).

    Hidden folders are days still being built or being replaced: not evidence yet.
    """
    if (path / SUMS).is_file():
        return [path]
    return sorted(
        child
        for child in path.iterdir()
        if not child.name.startswith(".") and (child / SUMS).is_file()
    )
