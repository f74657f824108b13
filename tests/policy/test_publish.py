"""The shipped policy: it loads, and publishes exactly the control's default values."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.policy import load_policy, publish_policy, skeleton
from orchestration.policy.tables import POLICY_TABLES
from tests.policy.conftest import SHIPPED_POLICY, PolicyWriter

AS_OF = date(2026, 11, 27)


def _rows(connection: duckdb.DuckDBPyConnection, table: str, day: date = AS_OF) -> list[tuple]:
    columns = next(t for t in POLICY_TABLES if t.name == table).column_names[1:]
    return connection.execute(
        f"select {', '.join(columns)} from policy.{table} where as_of_date = ? order by all",
        [day],
    ).fetchall()


@pytest.fixture
def connection(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "compliance.duckdb")) as connection:
        yield connection


def test_shipped_policy_publishes_the_default_values(connection) -> None:
    policy = load_policy(SHIPPED_POLICY)
    assert policy.sha256 == hashlib.sha256(SHIPPED_POLICY.read_bytes()).hexdigest()
    written = publish_policy(connection, policy, AS_OF)
    assert written == {
        "policy_documents": 1,
        "scope_rules": 3,
        "scope_rule_patterns": 5,
        "employment_types": 3,
        "scope_overrides": 0,
        "qualifying_courses": 2,
    }
    assert _rows(connection, "policy_documents") == [
        (
            policy.sha256,
            str(SHIPPED_POLICY),
            SHIPPED_POLICY.read_text(encoding="utf-8"),
            "TRN.2.01",
            "exclude",
            "rolling",
            365,
            None,
            None,
            30,
            0,
            30,
            14,
            90,
        )
    ]
    assert _rows(connection, "scope_rules") == [
        (1, "product-engineers", "include", "product engineers named in the control"),
        (2, "site-reliability", "include", "named in the control"),
        (3, "product-security-pms", "include", "product security PMs"),
    ]
    assert _rows(connection, "scope_rule_patterns") == sorted(
        (
            rule,
            "job_family",
            family,
            family.lower(),
            skeleton(family.lower()),
            False,
            family.lower(),
        )
        for rule, family in [
            ("product-engineers", "Backend Engineer"),
            ("product-engineers", "Frontend Engineer"),
            ("product-engineers", "Fullstack Engineer"),
            ("site-reliability", "Site Reliability Engineer"),
            ("product-security-pms", "Security Product Manager"),
        ]
    )
    assert _rows(connection, "employment_types") == [("contractor",), ("employee",), ("intern",)]
    assert _rows(connection, "scope_overrides") == []
    assert _rows(connection, "qualifying_courses") == [
        ("SEC-CODE-101", "Secure Coding Fundamentals", None),
        ("SEC-CODE-OWASP", "OWASP Top 10 for Developers", None),
    ]


def test_other_values_reach_every_column(connection, write_policy: PolicyWriter) -> None:
    def change(data: dict) -> None:
        data["training"]["cycle"] = {"mode": "annual", "starts": "02-01"}
        data["scope"]["otherwise"] = "unclassified"
        data["scope"]["rules"].append(
            {
                "id": "job-codes",
                "decision": "include",
                "reason": "development job codes",
                "match": {"job_code": ["development_*"], "department": ["R&D 100%"]},
            }
        )
        data["scope"]["rules"].append(
            {"id": "rest", "decision": "exclude", "reason": "everyone else", "match": {}}
        )
        data["scope"]["overrides"] = [
            {
                "employee_id": "E1234",
                "decision": "include",
                "reason": "maintains the payments service",
                "approved_by": "M0042",
                "approved_on": date(2026, 3, 1),
                "expires_on": date(2026, 12, 31),
            }
        ]

    publish_policy(connection, load_policy(write_policy(change)), AS_OF)
    (document,) = _rows(connection, "policy_documents")
    assert document[4:9] == ("unclassified", "annual", None, 2, 1)
    rules = _rows(connection, "scope_rules")
    assert rules[-2:] == [
        (4, "job-codes", "include", "development job codes"),
        (5, "rest", "exclude", "everyone else"),
    ]
    patterns = {
        row[1]: row for row in _rows(connection, "scope_rule_patterns") if row[0] == "job-codes"
    }
    assert patterns["job_code"] == (
        "job-codes",
        "job_code",
        "development_*",
        "development\\_%",
        "developrnent\\_%",  # "m" looks like "rn": TR39 maps it so
        True,
        "development_*",
    )
    # Skeletons: "0" looks like "O" and "%" like "º/₀", so that side has no LIKE wildcard.
    assert patterns["department"][3:] == ("r&d 100\\%", "r&d lOOº/₀", False, "r&d 100%")
    assert [row[0] for row in _rows(connection, "scope_rule_patterns")].count("rest") == 0
    assert _rows(connection, "scope_overrides") == [
        (
            "E1234",
            "include",
            "maintains the payments service",
            "M0042",
            date(2026, 3, 1),
            date(2026, 12, 31),
        )
    ]


def test_publishing_a_day_again_replaces_only_that_day(connection) -> None:
    policy = load_policy(SHIPPED_POLICY)
    next_day = date(2026, 11, 28)
    publish_policy(connection, policy, AS_OF)
    publish_policy(connection, policy, next_day)
    publish_policy(connection, policy, AS_OF)
    for table in POLICY_TABLES:
        counts = connection.execute(
            f"select as_of_date, count(*) from {table.qualified} group by all order by 1"
        ).fetchall()
        assert [day for day, _ in counts] in ([AS_OF, next_day], []), table.name
        assert len({count for _, count in counts}) <= 1, table.name
