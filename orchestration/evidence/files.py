"""Deterministic Parquet and JSON writers: the same rows always give the same bytes.

Parquet is written without timestamps or pandas metadata and JSON with sorted keys, so
a regenerated day can be compared byte for byte with the original. CSV files come from
orchestration.csv_files, the writer the sample landing zone uses too.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq


def write_parquet(table: pa.Table, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # No pandas metadata (it records index details) and no writer timestamps.
    pq.write_table(
        table.replace_schema_metadata(None),
        path,
        compression="zstd",
        use_dictionary=False,
    )
    return path


def json_value(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    return value


def write_json(data: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(json_value(data), indent=2, sort_keys=True, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path
