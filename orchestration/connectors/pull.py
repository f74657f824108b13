"""One pull: fetch every response, map every record, then publish the day's export at once.

Nothing appears under the export's name or the day's raw folder until every page has been
fetched, stored and mapped: a failed or interrupted pull leaves the landing zone as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa

from orchestration.connectors import bamboohr, knowbe4, securecodewarrior, workday
from orchestration.connectors.errors import ConnectorError, MappingError
from orchestration.connectors.mapping import SourceMapping, load_mapping, map_record
from orchestration.connectors.raw_responses import RawResponse, StoredResponse, store
from orchestration.connectors.sources import SOURCE_CONTRACTS
from orchestration.csv_files import write_input_csv
from orchestration.ingestion.file_facts import inspect_file
from orchestration.settings import TIMEZONE_VAR, connector_mapping_file, setting

Fetch = Callable[[SourceMapping], Iterator[RawResponse]]
FETCHERS: dict[str, Fetch] = {
    "bamboohr": bamboohr.fetch,
    "workday": workday.fetch,
    "knowbe4": knowbe4.fetch,
    "securecodewarrior": securecodewarrior.fetch,
}
MANIFEST_NAME = "manifest.json"


def today() -> date:
    """Today's as-of date where the control is run (COMPLIANCE_TIMEZONE)."""
    return datetime.now(ZoneInfo(setting(TIMEZONE_VAR))).date()


def raw_folder(landing_dir: Path, source: str, as_of_date: date) -> Path:
    return landing_dir / "raw" / source / as_of_date.isoformat()


@dataclass(frozen=True)
class PullResult:
    source: str
    export: Path
    export_sha256: str
    record_count: int
    manifest: Path
    responses: tuple[StoredResponse, ...]


def _export_table(rows: list[dict[str, str | None]], columns: tuple[str, ...]) -> pa.Table:
    return pa.table(
        {name: pa.array([row[name] for row in rows], type=pa.string()) for name in columns}
    )


def _replace_folder(staged: Path, final: Path) -> None:
    """Puts `staged` under `final`'s name, the previous folder out of the way first."""
    previous = final.with_name(f".{final.name}.previous-{uuid.uuid4().hex[:8]}")
    if final.exists():
        final.rename(previous)
    staged.rename(final)
    shutil.rmtree(previous, ignore_errors=True)


def pull(source: str, landing_dir: Path, as_of_date: date) -> PullResult:
    """Pulls `source` now and publishes it as the export of `as_of_date`."""
    contract = SOURCE_CONTRACTS[source]
    try:
        mapping = load_mapping(source, connector_mapping_file())
    except MappingError as error:
        raise ConnectorError(source, f"mapping: {error}") from None
    export = contract.path_for(landing_dir, as_of_date)
    final_raw = raw_folder(landing_dir, source, as_of_date)
    token = uuid.uuid4().hex[:12]
    staged_raw = final_raw.with_name(f".{final_raw.name}.pulling-{token}")
    staged_export = export.with_name(f".{export.name}.pulling-{token}")
    staged_raw.mkdir(parents=True)
    try:
        rows: list[dict[str, str | None]] = []
        positions: list[str] = []
        stored: list[StoredResponse] = []
        for response in FETCHERS[source](mapping):
            stored.append(store(response, staged_raw))
            for record in response.records:
                rows.append(map_record(record.record, mapping, contract))
                positions.append(response.position(record))
        write_input_csv(_export_table(rows, contract.column_names), staged_export)
        export_sha256 = inspect_file(staged_export).sha256
        manifest = {
            "source": source,
            "as_of_date": as_of_date.isoformat(),
            "pulled_at_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "export": export.relative_to(landing_dir).as_posix(),
            "export_sha256": export_sha256,
            "record_count": len(rows),
            "responses": [response.as_dict() for response in stored],
            # positions[i] is the raw record behind the export's line i + 2 (after the header).
            "positions": positions,
        }
        (staged_raw / MANIFEST_NAME).write_text(
            json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
        )
        _replace_folder(staged_raw, final_raw)
        os.replace(staged_export, export)
    except BaseException:
        staged_export.unlink(missing_ok=True)
        shutil.rmtree(staged_raw, ignore_errors=True)
        raise
    return PullResult(
        source, export, export_sha256, len(rows), final_raw / MANIFEST_NAME, tuple(stored)
    )


def manifest_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
