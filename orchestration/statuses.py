"""The training statuses, read from the one place that defines them: the dbt seed.

`dbt_project/seeds/training_statuses.csv` names every status with its precedence and
whether it fails the control or counts as covered. Python code that lists, counts or
colours statuses reads them from here (from the seed table dbt built in the warehouse
when a connection is at hand, so the code always agrees with the models that ran), and
adding a status is one seed row plus the CASE line in `int_training_status_assigned`
that assigns it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from orchestration.settings import DBT_PROJECT_DIR

STATUS_SEED = "training_statuses.csv"
# Where dbt builds the seed (generate_schema_name keeps the name on every engine).
STATUS_TABLE = "compliance_rules.training_statuses"


@dataclass(frozen=True)
class Status:
    name: str
    precedence: int
    is_failing: bool
    is_covered: bool
    description: str

    @property
    def count_column(self) -> str:
        """Its column in compliance_coverage (the data contract's `<status>_count`)."""
        return f"{self.name}_count"


def _flag(value: str) -> bool:
    return value.strip().lower() == "true"


def parse_statuses(text: str) -> tuple[Status, ...]:
    """The seed's rows in precedence order (the order the rules are tried)."""
    statuses = [
        Status(
            name=row["status"].strip(),
            precedence=int(row["precedence"]),
            is_failing=_flag(row["is_failing"]),
            is_covered=_flag(row["is_covered"]),
            description=row["description"].strip(),
        )
        for row in csv.DictReader(io.StringIO(text))
    ]
    return tuple(sorted(statuses, key=lambda status: status.precedence))


def read_statuses(connection: Any) -> tuple[Status, ...]:
    """The statuses of the seed table in the warehouse (any DB-API or DuckDB connection)."""
    cursor = connection.cursor()
    cursor.execute(
        f"select status, precedence, is_failing, is_covered, description from {STATUS_TABLE}"
    )
    statuses = [
        Status(str(name), int(precedence), bool(failing), bool(covered), str(description or ""))
        for name, precedence, failing, covered, description in cursor.fetchall()
    ]
    return tuple(sorted(statuses, key=lambda status: status.precedence))


@cache
def load_statuses(project_dir: Path = DBT_PROJECT_DIR) -> tuple[Status, ...]:
    return parse_statuses((project_dir / "seeds" / STATUS_SEED).read_text("utf-8"))
