"""The vendor's answers as received: one compressed JSON file per response, and their hashes.

An auditor traces every export row to a record of these files (manifest.json's positions);
gzip is written without a timestamp so the same answer always gives the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RawRecord:
    # JSON Pointer of the record inside its response, e.g. "#/employees/3".
    pointer: str
    record: Any


@dataclass
class RawResponse:
    """One response of a pull: the file it is kept in and the records it holds."""

    file_name: str
    url: str
    body: bytes
    records: list[RawRecord] = field(default_factory=list)

    def position(self, record: RawRecord) -> str:
        return f"{self.file_name}{record.pointer}"


@dataclass(frozen=True)
class StoredResponse:
    file_name: str
    url: str
    sha256: str
    body_sha256: str
    size_bytes: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "url": self.url,
            "sha256": self.sha256,
            "body_sha256": self.body_sha256,
            "size_bytes": self.size_bytes,
        }


def store(response: RawResponse, folder: Path) -> StoredResponse:
    compressed = gzip.compress(response.body, compresslevel=6, mtime=0)
    (folder / response.file_name).write_bytes(compressed)
    return StoredResponse(
        file_name=response.file_name,
        url=response.url,
        sha256=hashlib.sha256(compressed).hexdigest(),
        body_sha256=hashlib.sha256(response.body).hexdigest(),
        size_bytes=len(compressed),
    )
