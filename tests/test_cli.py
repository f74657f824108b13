"""The `compliance` command line: one click group, its defaults and its usage errors."""

from __future__ import annotations

import io
import re
import shlex
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.cli import SAMPLE_DEFAULTS, compliance, main, run_environment
from orchestration.coverage import read_coverage
from orchestration.evidence.layout import DAY_PAGE, day_folder
from orchestration.run_console import Console, strip_ansi, ui_command
from orchestration.run_progress import CHECKS_LABEL, START_LABEL, STEP_LABELS
from orchestration.sample_data import generate_landing_zone, hr_path, lms_path
from orchestration.settings import DBT_TARGET_VAR, PG_HOST_VAR, PG_PASSWORD_VAR
from orchestration.statuses import STATUS_TABLE, load_statuses
from tests.conftest import BIN_DIR, PROJECT_ROOT, CliRun

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
    "landing",
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


@pytest.mark.parametrize("value", ["2023-12-31", "2999-01-01"])
def test_a_day_outside_the_partitions_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], value: str
) -> None:
    # The tests' partitions start on 2024-01-01 (tests/__init__.py) and end today.
    assert main(["run", "--date", value]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error == (
        f"Error: Invalid value for '--date': {value} is not a partition: the as-of dates run "
        "from 2024-01-01 ($COMPLIANCE_PARTITIONS_START, else the landing zone's earliest "
        "export) to today"
    )


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


def test_colour_codes_pass_only_to_a_terminal() -> None:
    coloured = "\x1b[32m2026-11-27\x1b[0m - \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ done"
    assert strip_ansi(coloured) == "2026-11-27 - link done"

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    piped, terminal = io.StringIO(), Terminal()
    Console(piped).write(coloured)
    Console(terminal).write(coloured)
    assert piped.getvalue() == "2026-11-27 - link done"
    assert terminal.getvalue() == coloured


@pytest.mark.slow
def test_run_prints_one_screen_ending_with_where_to_look(cli_run: CliRun) -> None:
    lines = cli_run.lines
    output = cli_run.result.stdout
    # Piped: no colour codes; nothing from Dagster, dbt or library warnings on the console.
    assert "\x1b" not in output
    assert cli_run.result.stderr == ""
    assert len(lines) <= 30, output
    for label in (START_LABEL, *STEP_LABELS.values(), CHECKS_LABEL):
        step = [line for line in lines if line.strip().startswith(label)]
        assert len(step) == 1, (label, output)
        assert re.search(r" \d+\.\ds$", step[0]), step[0]

    failing, in_scope = cli_run.folders.query(
        "select failing_count, in_scope_count from main.compliance_coverage where as_of_date = ?",
        [cli_run.as_of_date],
    )[0]
    assert failing > 0, "the sample day has failing people"
    assert f"  in scope           {in_scope}" in lines

    log, verdict, evidence, ui = lines[-4:]
    log_file = Path(log.removeprefix("Log (Dagster and dbt): "))
    assert log_file.parent == cli_run.folders.root / "logs"
    logged = log_file.read_text()
    # What the console no longer shows is in the log, without colour codes.
    assert "daily_compliance_job" in logged and "PASS=" in logged and "\x1b" not in logged
    assert verdict == f"TRN.2.01 on {cli_run.as_of_date}: FAILED, {failing} people failing"
    page = day_folder(cli_run.folders.evidence, cli_run.as_of_date) / DAY_PAGE
    assert evidence == f"Evidence: {page}" and page.is_file()
    command = shlex.split(ui.removeprefix("Dagster UI: "))
    dagster = command.index(str(BIN_DIR / "dagster"))
    assignments = dict(word.split("=", 1) for word in command[:dagster])
    assert assignments["DAGSTER_HOME"] == str(cli_run.folders.dagster_home)
    assert assignments["COMPLIANCE_LANDING_DIR"] == str(cli_run.folders.landing)
    assert command[-4:] == [
        str(BIN_DIR / "dagster"),
        "dev",
        "-w",
        str(PROJECT_ROOT / "workspace.yaml"),
    ]


def test_the_ui_command_carries_the_postgres_target_but_never_the_password() -> None:
    command = ui_command(
        {
            "DAGSTER_HOME": "/srv/dagster",
            DBT_TARGET_VAR: "postgres",
            PG_HOST_VAR: "db.internal",
            PG_PASSWORD_VAR: "s3cret-value",
        }
    )
    assert f"{DBT_TARGET_VAR}=postgres" in command
    assert f"{PG_HOST_VAR}=db.internal" in command
    assert "s3cret-value" not in command and PG_PASSWORD_VAR not in command
