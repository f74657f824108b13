"""The policy a day's run applied, read back from the warehouse for that day's evidence.

The file on disk may have changed since: the day's policy_documents row holds the
text and SHA-256 the run loaded, so a regenerated folder shows the policy that ran.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from orchestration.policy.tables import POLICY_SCHEMA
from orchestration.warehouse_reader import MartsConnection

POLICY_DOCUMENTS_TABLE = f"{POLICY_SCHEMA}.policy_documents"


@dataclass(frozen=True)
class PolicyRecord:
    file: str
    sha256: str
    text: str
    control: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "control": self.control,
            # The stored text still hashes to the recorded SHA-256 (it is the file's bytes).
            "text_matches_sha256": hashlib.sha256(self.text.encode("utf-8")).hexdigest()
            == self.sha256,
            "text": self.text,
        }


def read_policy_record(connection: MartsConnection, as_of_date: date) -> PolicyRecord | None:
    """The day's policy, or None for a day whose run published none (before policies)."""
    exists = connection.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = ? and table_name = 'policy_documents'",
        [POLICY_SCHEMA],
    ).fetchone()[0]
    if not exists:
        return None
    row = connection.execute(
        f"select policy_file, policy_sha256, policy_text, control "
        f"from {POLICY_DOCUMENTS_TABLE} where as_of_date = ?",
        [as_of_date],
    ).fetchone()
    return PolicyRecord(*row) if row else None


def write_policy_file(record: PolicyRecord | None, path: Path) -> None:
    """The policy file's exact bytes, so sha256sum of it equals the recorded SHA-256."""
    if record is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(record.text.encode("utf-8"))
