"""Ties a loaded export to the pull behind it: raw hashes into load_audit, positions into rejects.

Whatever COMPLIANCE_*_SOURCE says today, a day's export that a connector pulled has a
manifest in raw/<source>/<D>/: it is found by the export it names, so a past day stays
traceable after the source is changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from orchestration.connectors.pull import MANIFEST_NAME, manifest_sha256
from orchestration.ingestion.contract import ExportContract
from orchestration.ingestion.landing_tables import AUDIT_TABLE, REJECTS_TABLE


class TraceError(Exception):
    """The export in the landing zone is not the one its pull wrote."""


@dataclass(frozen=True)
class PulledExport:
    source: str
    folder: Path
    manifest: dict[str, Any]
    manifest_sha256: str

    def relative(self, landing_dir: Path, file_name: str) -> str:
        return (self.folder / file_name).relative_to(landing_dir).as_posix()

    def raw_responses(self, landing_dir: Path) -> list[str]:
        """`<sha256>  <path>` per kept file (SHA256SUMS form), the manifest last."""
        return [
            *(
                f"{response['sha256']}  {self.relative(landing_dir, response['file'])}"
                for response in self.manifest["responses"]
            ),
            f"{self.manifest_sha256}  {self.relative(landing_dir, MANIFEST_NAME)}",
        ]


def pulled_export(
    landing_dir: Path, contract: ExportContract, as_of_date: date
) -> PulledExport | None:
    export = contract.path_for(landing_dir, as_of_date).relative_to(landing_dir).as_posix()
    for path in sorted((landing_dir / "raw").glob(f"*/{as_of_date.isoformat()}/{MANIFEST_NAME}")):
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("export") == export:
            return PulledExport(manifest["source"], path.parent, manifest, manifest_sha256(path))
    return None


def record_pull(
    connection: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    contract: ExportContract,
    as_of_date: date,
    loaded_sha256: str | None,
) -> PulledExport | None:
    """Adds the pull's raw hashes to D's audit row and raw positions to D's rejects."""
    pulled = pulled_export(landing_dir, contract, as_of_date)
    if pulled is None:
        return None
    if pulled.manifest["export_sha256"] != loaded_sha256:
        raise TraceError(
            f"{contract.path_for(landing_dir, as_of_date)} is not the export "
            f"{pulled.source} pulled ({pulled.folder / MANIFEST_NAME} records another "
            "SHA-256): it was changed after the pull; pull again with refresh"
        )
    day = {"day": as_of_date.isoformat(), "source": contract.source}
    connection.execute(
        f"update {AUDIT_TABLE} set pulled_from = $pulled_from, raw_responses = $raw "
        "where as_of_date = cast($day as date) and source = $source",
        {**day, "pulled_from": pulled.source, "raw": pulled.raw_responses(landing_dir)},
    )
    folder = pulled.folder.relative_to(landing_dir).as_posix()
    connection.execute("create or replace temp table raw_positions (line bigint, position varchar)")
    connection.executemany(
        "insert into raw_positions values (?, ?)",
        [
            (index + 2, f"{folder}/{position}")
            for index, position in enumerate(pulled.manifest["positions"])
        ],
    )
    connection.execute(
        f"""
        update {REJECTS_TABLE} as rejects
        set reason = rejects.reason || ' (raw record ' || raw_positions.position || ')'
        from raw_positions
        where rejects.as_of_date = cast($day as date) and rejects.source = $source
          and rejects.line = raw_positions.line
        """,
        day,
    )
    connection.execute("drop table raw_positions")
    return pulled
