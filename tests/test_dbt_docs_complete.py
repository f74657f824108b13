"""The dbt docs an auditor reads are complete.

Every model and landing source has a description, every column a model or source
really produces (read from a warehouse built from scratch) is described, and the
landing tables declare source freshness that `dbt source freshness` can evaluate.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration.ingestion.contract import CONTRACTS
from orchestration.ingestion.landing_tables import (
    AUDIT_TABLE,
    LANDING_SCHEMA,
    ensure_landing_schema,
    landing_tables,
    lines_table,
    versions_table,
)
from orchestration.policy.loading import load_policy
from orchestration.policy.tables import POLICY_SCHEMA, publish_policy
from orchestration.settings import DBT_PROJECT_DIR, DBT_TARGET_VAR, WAREHOUSE_VAR, policy_file
from orchestration.statuses import read_statuses
from orchestration.transformation.project import dbt_executable, dbt_project, prepare_manifest

PROJECT_NAME = "training_compliance"
AS_OF_DATE = "2026-11-27"
EXPECTED_FRESHNESS = {
    "warn_after": {"count": 1, "period": "day"},
    "error_after": {"count": 2, "period": "day"},
}
# Landing tables legitimately without rows for a day, so freshness is switched off on
# them: the load of every export, present or not, is in load_audit, which has it.
WITHOUT_FRESHNESS = {
    "training_exceptions": "optional file; absent or header-only leaves the day empty",
    "load_rejects": "empty on a day whose exports were clean",
}

Relation = tuple[str, str]


@dataclass(frozen=True)
class Documented:
    """A model or source table of the manifest, as the docs describe it."""

    label: str
    relation: Relation
    description: str
    described_columns: frozenset[str]
    declared_columns: frozenset[str]


@dataclass(frozen=True)
class BuiltWarehouse:
    path: Path
    target: Path
    columns: dict[Relation, tuple[str, ...]]


def _dbt(arguments: list[str], warehouse: Path, target: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            dbt_executable(),
            *arguments,
            "--profiles-dir",
            ".",
            "--target-path",
            str(target),
            "--log-path",
            str(target.parent / "logs"),
        ],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, WAREHOUSE_VAR: str(warehouse), DBT_TARGET_VAR: "duckdb"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _is_described(entry: dict[str, Any]) -> bool:
    return bool((entry.get("description") or "").strip())


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    prepare_manifest()
    return json.loads(dbt_project().manifest_path.read_text())


def _documented(label: str, schema: str, name: str, entry: dict[str, Any]) -> Documented:
    return Documented(
        label=label,
        relation=(schema.lower(), name.lower()),
        description=entry.get("description") or "",
        described_columns=frozenset(
            column.lower() for column, spec in entry["columns"].items() if _is_described(spec)
        ),
        declared_columns=frozenset(column.lower() for column in entry["columns"]),
    )


@pytest.fixture(scope="module")
def documented(manifest: dict[str, Any]) -> list[Documented]:
    """Every model of the project (staging, intermediate, marts) and every source table."""
    models = [
        _documented(node["name"], node["schema"], node["alias"], node)
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == PROJECT_NAME
    ]
    sources = [
        _documented(
            f"{source['source_name']}.{source['name']}",
            source["schema"],
            source["identifier"],
            source,
        )
        for source in manifest["sources"].values()
        if source["package_name"] == PROJECT_NAME
    ]
    return sorted(models + sources, key=lambda entry: entry.label)


@pytest.fixture(scope="module")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    """Seeds and models built into a warehouse with empty landing tables and the shipped
    policy published for the day, without running any test."""
    root = tmp_path_factory.mktemp("docs_warehouse")
    warehouse = root / "compliance.duckdb"
    target = root / "target"
    with duckdb.connect(str(warehouse)) as connection:
        ensure_landing_schema(connection)
        publish_policy(connection, load_policy(policy_file()), date.fromisoformat(AS_OF_DATE))
    result = _dbt(
        [
            "build",
            "--vars",
            f"{{as_of_date: '{AS_OF_DATE}'}}",
            "--resource-type",
            "seed",
            "--resource-type",
            "model",
        ],
        warehouse,
        target,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    columns: dict[Relation, list[str]] = {}
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "order by table_schema, table_name, ordinal_position"
        ).fetchall()
    for schema, table, column in rows:
        columns.setdefault((schema.lower(), table.lower()), []).append(column.lower())
    return BuiltWarehouse(
        path=warehouse,
        target=target,
        columns={relation: tuple(names) for relation, names in columns.items()},
    )


def test_every_model_and_source_table_is_described(documented: list[Documented]) -> None:
    layers = {entry.relation[0] for entry in documented}
    assert {"staging", "intermediate", LANDING_SCHEMA, POLICY_SCHEMA} <= layers, layers
    undescribed = [entry.label for entry in documented if not entry.description.strip()]
    assert not undescribed, f"models or sources without a description: {undescribed}"


def test_every_landing_table_is_a_documented_source(documented: list[Documented]) -> None:
    sources = {entry.relation for entry in documented if entry.relation[0] == LANDING_SCHEMA}
    tables = {tuple(table.lower().split(".")) for table in landing_tables()}
    assert tables - sources == set(), "landing tables not declared as dbt sources"


def test_every_built_column_is_described(
    documented: list[Documented], built_warehouse: BuiltWarehouse
) -> None:
    not_built = [
        entry.label for entry in documented if entry.relation not in built_warehouse.columns
    ]
    assert not not_built, f"documented but absent from the built warehouse: {not_built}"
    with duckdb.connect(str(built_warehouse.path), read_only=True) as connection:
        # One column per status, generated from the status seed, whose rows describe them.
        from_the_seed = {status.count_column for status in read_statuses(connection)}
    missing = [
        f"{entry.label}.{column}"
        for entry in documented
        for column in built_warehouse.columns[entry.relation]
        if column not in entry.described_columns
        and not (entry.relation == ("main", "compliance_coverage") and column in from_the_seed)
    ]
    assert not missing, f"{len(missing)} column(s) without a description:\n" + "\n".join(missing)


def test_no_documented_column_is_missing_from_the_warehouse(
    documented: list[Documented], built_warehouse: BuiltWarehouse
) -> None:
    stale = [
        f"{entry.label}.{column}"
        for entry in documented
        if entry.relation in built_warehouse.columns
        for column in sorted(entry.declared_columns)
        if column not in built_warehouse.columns[entry.relation]
    ]
    assert not stale, "documented column(s) the warehouse does not have:\n" + "\n".join(stale)


def _declared_freshness(source: dict[str, Any]) -> dict[str, Any]:
    """The thresholds set on a source table (dbt fills unset ones with a NULL count)."""
    freshness = source["config"].get("freshness") or {}
    return {
        key: freshness[key]
        for key in EXPECTED_FRESHNESS
        if (freshness.get(key) or {}).get("count") is not None
    }


def test_landing_sources_declare_freshness(manifest: dict[str, Any]) -> None:
    landing = {
        source["name"]: source
        for source in manifest["sources"].values()
        if source["package_name"] == PROJECT_NAME and source["schema"] == LANDING_SCHEMA
    }
    assert set(WITHOUT_FRESHNESS) <= set(landing)
    problems = []
    for name, source in sorted(landing.items()):
        declared = _declared_freshness(source)
        if name in WITHOUT_FRESHNESS:
            if declared:
                problems.append(f"{name}: freshness set, but the table may be empty on a good day")
            continue
        if declared != EXPECTED_FRESHNESS:
            problems.append(f"{name}: freshness {declared}, expected {EXPECTED_FRESHNESS}")
        if not (source["config"].get("loaded_at_field") or "").strip():
            problems.append(f"{name}: no loaded_at_field")
    assert not problems, "\n".join(problems)


def test_source_freshness_evaluates_on_a_fresh_load(built_warehouse: BuiltWarehouse) -> None:
    """Rows loaded now make every declared freshness check pass (so its SQL is valid)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with duckdb.connect(str(built_warehouse.path)) as connection:
        # An export's day view shows a row for today: one version and one run of one line.
        for contract in CONTRACTS:
            if contract.landing_table in WITHOUT_FRESHNESS:
                continue
            connection.execute(
                f"insert into {versions_table(contract)} (slot_id, valid_from, row_hash) "
                "values (1, ?, uuid())",
                [now.date()],
            )
            connection.execute(
                f"insert into {lines_table(contract)} values (?, 2, 1, 1)", [now.date()]
            )
        connection.execute(
            f"insert into {AUDIT_TABLE} (as_of_date, source, source_file, file_present, "
            "record_count, loaded_row_count, rejected_row_count, loaded_at) "
            "values (?, 'hr', 'hr/employees.csv', true, 0, 0, 0, ?)",
            [now.date(), now],
        )
    output = built_warehouse.target / "sources.json"
    result = _dbt(
        ["source", "freshness", "--select", f"source:{LANDING_SCHEMA}", "--output", str(output)],
        built_warehouse.path,
        built_warehouse.target,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    statuses = {
        result["unique_id"].rsplit(".", 1)[1]: result["status"]
        for result in json.loads(output.read_text())["results"]
    }
    expected = {
        table.split(".")[1]
        for table in landing_tables()
        if table.split(".")[1] not in WITHOUT_FRESHNESS
    }
    assert statuses == dict.fromkeys(expected, "pass"), statuses
