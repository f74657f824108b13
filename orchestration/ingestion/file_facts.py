"""One streaming pass over an export: its size, SHA-256 and physical line count."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

_CHUNK_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class FileFacts:
    path: Path
    size_bytes: int
    sha256: str
    newline_count: int
    ends_with_newline: bool

    @property
    def physical_lines(self) -> int:
        if self.size_bytes == 0:
            return 0
        return self.newline_count + (0 if self.ends_with_newline else 1)


def inspect_file(path: Path) -> FileFacts:
    digest = hashlib.sha256()
    newlines = 0
    size = 0
    last_byte = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK_BYTES):
            digest.update(chunk)
            newlines += chunk.count(b"\n")
            size += len(chunk)
            last_byte = chunk[-1:]
    return FileFacts(
        path=path,
        size_bytes=size,
        sha256=digest.hexdigest(),
        newline_count=newlines,
        ends_with_newline=last_byte == b"\n",
    )
