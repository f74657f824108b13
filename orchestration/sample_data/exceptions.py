"""Approved exceptions to the training requirement (exceptions.csv)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .conventions import employee_id
from .population import IN_SCOPE, Population, format_employee_ids
from .reference import DEPARTMENTS

EXCEPTIONS_SCHEMA = pa.schema(
    [
        ("employee_id", pa.string()),
        ("reason", pa.string()),
        ("approved_by", pa.string()),
        ("approved_on", pa.date32()),
        ("expires_on", pa.date32()),
    ]
)

REASONS: tuple[str, ...] = (
    "Long-term medical leave",
    "Joined via acquisition, equivalent training accepted",
    "Parental leave",
    "Equivalent external certification accepted (GIAC GSSP)",
    "Moving to a non-engineering role, transfer pending",
    "Sabbatical",
)
# Kinds of exception relative to the end date.
ACTIVE, OPEN_ENDED, EXPIRED, NOT_YET_APPROVED = range(4)


def exceptions_table(
    employee_ids: list[str] | pa.Array,
    reasons: list[str] | pa.Array,
    approvers: list[str] | pa.Array,
    approved_days: np.ndarray,
    expires_days: np.ndarray,
    open_ended: np.ndarray,
) -> pa.Table:
    def dates(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
        return pa.array(np.asarray(days, dtype=np.int32), pa.int32(), mask=mask).cast(pa.date32())

    return pa.table(
        {
            "employee_id": employee_ids,
            "reason": reasons,
            "approved_by": approvers,
            "approved_on": dates(approved_days),
            "expires_on": dates(expires_days, np.asarray(open_ended, dtype=bool)),
        },
        schema=EXCEPTIONS_SCHEMA,
    )


def generate_exceptions(rng: np.random.Generator, population: Population, end_day: int) -> pa.Table:
    """About 0.5 % of the people (at least 6 when there are enough in-scope people)."""
    candidates = np.flatnonzero(
        IN_SCOPE[population.family]
        & (population.hire_day <= end_day - 30)
        & (population.termination_day > end_day)
    )
    count = min(len(candidates), max(6, round(0.005 * len(population))))
    chosen = np.sort(rng.choice(candidates, size=count, replace=False))
    # The first four cover every kind so even the smallest sample has each one.
    kind = np.where(
        np.arange(count) < 4,
        np.arange(count) % 4,
        np.searchsorted(np.cumsum([0.5, 0.2, 0.2]), rng.random(count), side="right"),
    )
    approved = np.select(
        [kind == ACTIVE, kind == OPEN_ENDED, kind == EXPIRED],
        [
            end_day - rng.integers(5, 301, count),
            end_day - rng.integers(5, 601, count),
            end_day - rng.integers(200, 701, count),
        ],
        end_day + rng.integers(1, 15, count),
    )
    expires = np.select(
        [kind == ACTIVE, kind == EXPIRED],
        [
            end_day + rng.integers(10, 366, count),
            np.minimum(approved + rng.integers(30, 181, count), end_day - 1),
        ],
        approved + rng.integers(90, 366, count),
    )
    # Approved by the executive of the person's department, written the way approvers sign.
    # (executive d has employee number d + 1; any population with candidates has them all).
    executives = pa.array(
        [f"{employee_id(d + 1)} ({dept.executive_title})" for d, dept in enumerate(DEPARTMENTS)]
    )
    approvers = executives.take(pa.array(population.department[chosen]))
    return exceptions_table(
        format_employee_ids(population.number[chosen]),
        pa.array(REASONS).take(pa.array(rng.integers(0, len(REASONS), count))),
        approvers,
        approved,
        expires,
        kind == OPEN_ENDED,
    )
