"""The coverage gate's list of failing people: everyone, lapses not buried, cuts said."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from orchestration.statuses import load_statuses
from orchestration.validation import checks

AS_OF = date(2026, 11, 27)


def _fact() -> pd.DataFrame:
    rows = [
        # Never completed: days overdue counted from hire, so far larger than any lapse.
        *((f"N{n}", "never_completed", 3000 + n) for n in range(6)),
        ("O1", "overdue", 3),
        ("O2", "overdue", 40),
        ("O3", "overdue", None),
        ("C1", "compliant", None),
        ("G1", "in_grace_period", None),
    ]
    return pd.DataFrame(
        {
            "employee_id": [row[0] for row in rows],
            "manager_id": ["M1"] * len(rows),
            "status": [row[1] for row in rows],
            "days_overdue": pd.array([row[2] for row in rows], dtype="Int64"),
            "is_compliant": [row[1] in ("compliant", "in_grace_period") for row in rows],
        }
    )


def test_statuses_take_turns_most_overdue_first_within_each() -> None:
    people = checks.failing_people(_fact(), load_statuses())
    order = [person["employee_id"] for person in people]
    # Every failing person, nobody covered.
    assert sorted(order) == sorted(["N0", "N1", "N2", "N3", "N4", "N5", "O1", "O2", "O3"])
    # The lapsed appear among the first, most overdue first, the unknown last.
    assert order[:6] == ["O2", "N5", "O1", "N4", "O3", "N3"]
    assert people[0] == {
        "employee_id": "O2",
        "manager_id": "M1",
        "status": "overdue",
        "days_overdue": 40,
    }
    assert people[4]["days_overdue"] is None


def test_the_metadata_says_when_the_list_is_cut_and_links_the_full_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COMPLIANCE_EVIDENCE_DIR", str(tmp_path))
    whole = checks.failing_people_metadata(_fact(), load_statuses(), AS_OF)
    assert whole["failing_people_shown"] == 9
    assert whole["failing_people_truncated"] is False

    monkeypatch.setattr(checks, "FAILING_PEOPLE_LIMIT", 4)
    cut = checks.failing_people_metadata(_fact(), load_statuses(), AS_OF)
    assert cut["failing_people_shown"] == 4
    assert len(cut["failing_people"].value) == 4
    assert cut["failing_people_truncated"] is True
    assert cut["chase_list_csv"].value == str(tmp_path / "2026-11-27/chase_list.csv")
