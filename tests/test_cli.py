"""The `compliance` command line: one click group, its defaults and its usage errors."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.cli import SAMPLE_DEFAULTS, compliance, main, run_environment
from orchestration.coverage import read_coverage
from orchestration.sample_data import generate_landing_zone, hr_path, lms_path
from orchestration.statuses import STATUS_TABLE, load_statuses

COMMANDS = (
    "demo",
    "run",
    "coverage",
    "evidence",
    "verify",
    "sample",
    "generate-sample",
    "publish-postgres",
    "policy",
)
DAY = date(2026, 11, 27)


def test_one_group_owns_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert sorted(compliance.commands) == sorted(COMMANDS)
    assert main(["--help"]) == 0
    listed = capsys.readouterr().out
    assert all(f"  {name} " in listed for name in COMMANDS)


@pytest.mark.parametrize("value", ["2026-13-01", "27/11/2026", "20261127", "2026-11-27x", ""])
@pytest.mark.parametrize(
    "command",
    [["run", "--date"], ["coverage", "--date"], ["evidence", "--date"], ["publish-postgres"]],
    ids=lambda command: command[0],
)
def test_a_bad_date_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], command: list[str], value: str
) -> None:
    assert main([*command, value]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("Error: Invalid value for ")
    assert error.endswith(f"{value!r} is not a date written YYYY-MM-DD")


@pytest.mark.parametrize(
    "arguments",
    [
        ["generate-sample", "--people", "-1"],
        ["generate-sample", "--days", "0"],
        ["generate-sample", "--lms-records-per-person", "-0.5"],
        ["sample", "--date", "2026-11-27", "--size", "-1"],
        ["sample", "--date", "2026-11-27", "--population", "everyone"],
        ["run"],
        ["no-such-command"],
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], arguments: list[str]) -> None:
    assert main(arguments) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith("Error: ")


def test_sample_defaults_are_the_generators() -> None:
    generate = compliance.commands["generate-sample"]
    defaults = {param.name: param.default for param in generate.params}
    for name in ("people", "days", "end_date", "seed", "lms_records_per_person"):
        assert defaults[name] == SAMPLE_DEFAULTS[name]


def test_generate_sample_reads_the_landing_setting_when_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COMPLIANCE_LANDING_DIR", str(tmp_path / "landing"))
    arguments = ["generate-sample", "--people", "20", "--days", "1"]
    assert main([*arguments, "--lms-records-per-person", "0"]) == 0
    assert hr_path(tmp_path / "landing", DAY).is_file()
    assert "rows" in capsys.readouterr().out

    # The same rows as the library call with the same arguments.
    generate_landing_zone(tmp_path / "library", people=20, days=1, lms_records_per_person=0)
    for path in (hr_path, lms_path):
        assert (
            path(tmp_path / "landing", DAY).read_bytes()
            == path(tmp_path / "library", DAY).read_bytes()
        )


def test_runs_get_a_prepared_dagster_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    environment = run_environment()
    assert environment["DAGSTER_HOME"] == str((tmp_path / "home").resolve())
    assert (tmp_path / "home" / "dagster.yaml").is_file()


def _warehouse(path: Path) -> None:
    """A warehouse holding only what `compliance coverage` reads: the status seed and one day."""
    statuses = load_statuses()
    seed = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "training_statuses.csv"
    counts = ", ".join(
        f"{index + 1} as {status.count_column}" for index, status in enumerate(statuses)
    )
    with duckdb.connect(str(path)) as connection:
        schema = STATUS_TABLE.split(".")[0]
        connection.execute(f"create schema {schema}")
        connection.execute(f"create table {STATUS_TABLE} as select * from read_csv('{seed}')")
        connection.execute(
            f"""
            create table main.compliance_coverage as
            select date '{DAY}' as as_of_date, {counts}, 21 as in_scope_count,
                   11 as failing_count, 47.62 as coverage_pct, 4.76 as completion_pct,
                   0 as hr_rejected_row_count, 2 as lms_rejected_row_count,
                   3 as unmatched_lms_record_count, 0 as unclassified_count,
                   1 as possible_scope_miss_count, false as control_passed
            """
        )


def test_coverage_prints_the_days_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = tmp_path / "compliance.duckdb"
    _warehouse(warehouse)
    monkeypatch.setenv("COMPLIANCE_WAREHOUSE", str(warehouse))
    assert main(["coverage", "--date", DAY.isoformat()]) == 0
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        summary = read_coverage(connection, DAY)
    assert summary is not None
    assert capsys.readouterr().out == summary.render() + "\n"

    assert main(["coverage", "--date", "2026-11-26"]) == 1
    assert capsys.readouterr().out == f"No coverage row for 2026-11-26 in {warehouse}\n"


def test_the_console_script_is_this_group() -> None:
    script = Path(sys.executable).parent / "compliance"
    result = subprocess.run(
        [str(script), "coverage", "--date", "2026-02-30"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: Invalid value for '--date': '2026-02-30' is not a date written YYYY-MM-DD"
    )
