"""The statuses have one definition: the training_statuses seed (plus the CASE assigning them).

Everything else that lists, counts or shows statuses derives them from the seed, so a
status literal anywhere else is a second definition waiting to drift.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT
from orchestration.statuses import load_statuses

CASE_MODEL = DBT_PROJECT_DIR / "models" / "intermediate" / "int_training_status_assigned.sql"
SCANNED_SUFFIXES = {".py", ".sql", ".json", ".html", ".j2", ".yml", ".yaml"}
# Independent readings of the rules that exist to be compared with the pipeline's.
ORACLES = {
    # The benchmark's floor: the rules as one plain query, checked against the pipeline.
    "benchmarks/plain_rules.sql",
    # The expected status of each planted sample person, which the tests compare with.
    "orchestration/sample_data/planted_cast.py",
}


def _repository_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return [
        PROJECT_ROOT / name
        for name in listed
        if Path(name).suffix in SCANNED_SUFFIXES
        and not name.startswith("tests/")
        and name not in ORACLES
        and (PROJECT_ROOT / name).is_file()
    ]


def _literal_pattern(names: list[str]) -> re.Pattern[str]:
    """A status as a quoted string, or its compliance_coverage column `<status>_count`."""
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(rf"""(["'](?:{alternatives})["'])|\b(?:{alternatives})_count\b""")


def _yaml_code(text: str) -> str:
    """A dbt YAML file without its unit tests (fixtures are tests) and descriptions (prose)."""

    def strip(node: object) -> object:
        if isinstance(node, dict):
            return {
                key: strip(value)
                for key, value in node.items()
                if key not in ("unit_tests", "description")
            }
        if isinstance(node, list):
            return [strip(item) for item in node]
        return node

    return yaml.safe_dump(strip(yaml.safe_load(text)), default_style="'")


def _code_of(path: Path) -> str:
    text = path.read_text("utf-8")
    if path.suffix in (".yml", ".yaml"):
        return _yaml_code(text)
    if path == CASE_MODEL:
        # The CASE that assigns the statuses is their other half: only its branches.
        return "\n".join(
            line for line in text.splitlines() if not re.match(r"\s*(when .* then|else) '", line)
        )
    return text


def test_the_seed_defines_every_status_once() -> None:
    names = [status.name for status in load_statuses()]
    assert names and len(names) == len(set(names))
    assert all(status.is_failing != status.is_covered for status in load_statuses())


def test_no_status_literal_outside_the_seed_and_the_case() -> None:
    pattern = _literal_pattern([status.name for status in load_statuses()])
    found = [
        f"{path.relative_to(PROJECT_ROOT)}: {match.group(0)}"
        for path in _repository_files()
        for match in pattern.finditer(_code_of(path))
    ]
    assert not found, "status literals outside the seed and the CASE:\n" + "\n".join(found)


def test_the_scan_sees_a_literal_where_one_is_added() -> None:
    pattern = _literal_pattern([status.name for status in load_statuses()])
    assert pattern.search("count(case when status = 'overdue' then 1 end)")
    assert pattern.search("select overdue_count from main.compliance_coverage")
    assert pattern.search(_yaml_code("tests:\n  - accepted_values: {values: [exempt]}\n"))
    assert not pattern.search("is_compliant and days_overdue > 0")
    case_lines = CASE_MODEL.read_text("utf-8")
    assert all(
        f"then '{status.name}'" in case_lines or f"else '{status.name}'" in case_lines
        for status in load_statuses()
    )
