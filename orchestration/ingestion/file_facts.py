"""One streaming pass over an export: its size, SHA-256, physical line count and
whether any byte is a control character other than tab, LF and CR."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

_CHUNK_BYTES = 8 * 1024 * 1024
# The C0 control characters no value may hold: all but tab, LF and CR (which CSV
# allows inside quotes). NUL and its kin are never data, and would make "E1<NUL>"
# a second "E1". In UTF-8 these bytes only ever stand for themselves.
FORBIDDEN_CONTROLS = frozenset(range(0x20)) - {0x09, 0x0A, 0x0D}
# Deleting every other byte of a chunk leaves exactly its forbidden controls.
_NOT_FORBIDDEN = bytes(byte for byte in range(256) if byte not in FORBIDDEN_CONTROLS)


@dataclass(frozen=True)
class FileFacts:
    path: Path
    size_bytes: int
    sha256: str
    newline_count: int
    ends_with_newline: bool
    # Whether the rows need the control-character checks at all (most files: no).
    has_control_characters: bool = False

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
    controls = False
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK_BYTES):
            digest.update(chunk)
            controls = controls or bool(chunk.translate(None, _NOT_FORBIDDEN))
            newlines += chunk.count(b"\n")
            size += len(chunk)
            last_byte = chunk[-1:]
    return FileFacts(
        path=path,
        size_bytes=size,
        sha256=digest.hexdigest(),
        newline_count=newlines,
        ends_with_newline=last_byte == b"\n",
        has_control_characters=controls,
    )
