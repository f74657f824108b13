"""`compliance`: the project's command line (sample data, runs, coverage, evidence).

Every default comes from one place: the settings (orchestration/settings.py, read when a
command runs, so COMPLIANCE_* variables apply) or the sample generator's own signature.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import click

from orchestration.coverage import read_coverage
from orchestration.dagster_home import prepare_dagster_home
from orchestration.evidence.sampling import POPULATIONS
from orchestration.sample_data import generate_landing_zone
from orchestration.settings import (
    DATA_DIR,
    DEFAULTS,
    EVIDENCE_DIR_VAR,
    LANDING_DIR_VAR,
    PARTITIONS_START_VAR,
    SAMPLE_SEED_VAR,
    SAMPLE_SIZE_VAR,
    WAREHOUSE_VAR,
    evidence_dir,
    landing_dir,
    policy_file,
    sample_seed,
    sample_size,
    warehouse_path,
)
from orchestration.warehouse import WarehouseResource, open_marts_reader
from orchestration.warehouse_reader import PostgresUnavailableError

DAGSTER_HOME_DEFAULT = DATA_DIR / "dagster_home"
# The generator's defaults, so `demo`, `generate-sample` and library callers agree.
SAMPLE_DEFAULTS: dict[str, Any] = {
    name: parameter.default
    for name, parameter in inspect.signature(generate_landing_zone).parameters.items()
    if parameter.default is not inspect.Parameter.empty
}
SAMPLE_END_DATE: date = SAMPLE_DEFAULTS["end_date"]


class IsoDate(click.ParamType):
    """A calendar date written YYYY-MM-DD, as the data contract names the days."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                return date.fromisoformat(value)
        except ValueError:
            pass
        self.fail(f"{value!r} is not a date written YYYY-MM-DD", param, ctx)


DATE = IsoDate()
FOLDER = click.Path(file_okay=False, path_type=Path)
FILE = click.Path(dir_okay=False, path_type=Path)


def _from_setting(variable: str) -> str:
    """How --help shows a default read from the settings when the command runs."""
    return f"${variable}, else {DEFAULTS[variable]}"


def dagster_home() -> Path:
    """DAGSTER_HOME, prepared with the project's instance settings."""
    return prepare_dagster_home(Path(os.environ.get("DAGSTER_HOME") or DAGSTER_HOME_DEFAULT))


def run_environment() -> dict[str, str]:
    return {
        **os.environ,
        LANDING_DIR_VAR: str(landing_dir()),
        WAREHOUSE_VAR: str(warehouse_path()),
        "DAGSTER_HOME": str(dagster_home()),
    }


def materialize_command(as_of_date: date) -> list[str]:
    """The data contract's command that materializes every asset for one as-of date."""
    return [
        str(Path(sys.executable).parent / "dagster"),
        "asset",
        "materialize",
        "-m",
        "orchestration",
        "--select",
        "*",
        "--partition",
        as_of_date.isoformat(),
    ]


def print_coverage(as_of_date: date) -> int:
    with open_marts_reader(warehouse_path()) as connection:
        summary = read_coverage(connection, as_of_date)
    if summary is None:
        location = WarehouseResource(path=str(warehouse_path())).marts_location()
        print(f"No coverage row for {as_of_date.isoformat()} in {location}")
        return 1
    print(summary.render())
    return 0


def run_day(as_of_date: date, verbose: bool) -> int:
    """Runs daily_compliance_job for the day with one line per step, then the verdict."""
    from orchestration.evidence.layout import DAY_PAGE, day_folder
    from orchestration.run_console import Console, last_error, run_daily_job, ui_command

    console = Console(sys.stdout)
    environment = run_environment()
    succeeded, log = run_daily_job(as_of_date, environment, console, verbose)
    summary = None
    if succeeded:
        with open_marts_reader(warehouse_path()) as connection:
            summary = read_coverage(connection, as_of_date)
    if summary is not None:
        console.echo(summary.render())
    console.echo(f"Log (Dagster and dbt): {log}")
    if summary is None:
        console.echo(f"The run of {as_of_date.isoformat()} failed: {last_error(log)}")
    else:
        verdict = "PASSED" if summary.control_passed else "FAILED"
        failing = summary.failing_count
        console.echo(
            f"TRN.2.01 on {as_of_date.isoformat()}: {verdict}, "
            f"{failing} {'person' if failing == 1 else 'people'} failing"
        )
        page = day_folder(evidence_dir(), as_of_date) / DAY_PAGE
        console.echo(f"Evidence: {page if page.is_file() else 'not written (see the log)'}")
    console.echo(f"Dagster UI: {ui_command(environment)}")
    return 0 if summary is not None else 1


VERBOSE = click.option(
    "--verbose", is_flag=True, help="Also show Dagster's and dbt's output (always in the log)."
)


@click.group(help="The project's command line: sample data, runs, coverage, evidence.")
def compliance() -> None:
    pass


@compliance.command(help="Generate the sample landing zone, run its last day, print coverage.")
@VERBOSE
def demo(verbose: bool) -> int:
    from orchestration.run_console import Console
    from orchestration.run_progress import step_line

    target = landing_dir()
    started = time.perf_counter()
    summary = generate_landing_zone(target)
    Console(sys.stdout).echo(
        step_line(
            "generate the sample landing zone",
            f"{len(summary.days)} days, {summary.people} people",
            time.perf_counter() - started,
        )
    )
    return run_day(SAMPLE_END_DATE, verbose)


@compliance.command(
    help="Run daily_compliance_job for one as-of date (one line per step; Dagster's and "
    "dbt's output go to a log file), then print its coverage and verdict."
)
@click.option("--date", "as_of_date", type=DATE, required=True)
@VERBOSE
def run(as_of_date: date, verbose: bool) -> int:
    from orchestration.partitions import daily_as_of_dates

    if not daily_as_of_dates.has_partition_key(as_of_date.isoformat()):
        raise click.BadParameter(
            f"{as_of_date.isoformat()} is not a partition: the as-of dates run from "
            f"{daily_as_of_dates.get_first_partition_key()} (${PARTITIONS_START_VAR}, else "
            "the landing zone's earliest export) to today",
            param_hint="'--date'",
        )
    return run_day(as_of_date, verbose)


@compliance.command(help="Print a day's coverage from the warehouse.")
@click.option("--date", "as_of_date", type=DATE, required=True)
def coverage(as_of_date: date) -> int:
    return print_coverage(as_of_date)


@compliance.command(help="Rebuild a day's evidence folder from the warehouse (no dbt run).")
@click.option("--date", "as_of_date", type=DATE, required=True)
def evidence(as_of_date: date) -> int:
    from orchestration.evidence.commands import regenerate_evidence

    return regenerate_evidence(as_of_date)


@compliance.command(
    help="Re-hash evidence folders; list changed, missing and extra files, and walk the seal "
    "log: every entry chained, each day's folder as its latest entry sealed it. FOLDER is a "
    "day's folder, or the evidence root to check every day and the whole log (default: "
    f"{EVIDENCE_DIR_VAR})."
)
@click.argument("folder", type=FOLDER, required=False, default=evidence_dir)
@click.option(
    "--public-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ed25519 public key (PEM): every seal log entry must carry its valid signature.",
)
@click.option(
    "--known-entry",
    "known_entries",
    multiple=True,
    metavar="SHA256",
    help="A seal log entry hash kept outside the pipeline host (the daily alert carries the "
    "latest): it must be in the log. Repeatable.",
)
def verify(folder: Path, public_key: Path | None, known_entries: tuple[str, ...]) -> int:
    from orchestration.evidence.commands import verify as verify_folders
    from orchestration.evidence.signing import KeyFileError, load_public_key

    for known in known_entries:
        if not re.fullmatch(r"[0-9a-fA-F]{64}", known):
            raise click.BadParameter(
                f"{known!r} is not a SHA-256 in hex", param_hint="--known-entry"
            )
    try:
        key = load_public_key(public_key.resolve()) if public_key else None
    except KeyFileError as error:
        raise click.BadParameter(str(error), param_hint="--public-key") from error
    return verify_folders(folder.resolve(), public_key=key, known_entries=known_entries)


@compliance.command(help="Draw a reproducible sample of a sampling population (CSV on stdout).")
@click.option("--date", "as_of_date", type=DATE, required=True)
@click.option(
    "--population", type=click.Choice(POPULATIONS), default=POPULATIONS[0], show_default=True
)
@click.option("--seed", type=int, default=sample_seed, show_default=_from_setting(SAMPLE_SEED_VAR))
@click.option(
    "--size",
    type=click.IntRange(min=0),
    default=sample_size,
    show_default=_from_setting(SAMPLE_SIZE_VAR),
)
@click.option("--window-start", type=DATE, help="New hires/leavers (default: D - 89 days).")
@click.option("--window-end", type=DATE, help="Default: D.")
@click.option("--output", type=FILE, help="Write the CSV here instead of stdout.")
def sample(
    as_of_date: date,
    population: str,
    seed: int,
    size: int,
    window_start: date | None,
    window_end: date | None,
    output: Path | None,
) -> int:
    from orchestration.evidence.commands import sample as draw
    from orchestration.evidence.sampling import SamplingWindow

    default = SamplingWindow.ending(as_of_date)
    try:
        window = SamplingWindow(window_start or default.start, window_end or default.end)
        return draw(
            as_of_date, population, seed, size, window, output.resolve() if output else None
        )
    except ValueError as error:
        # An inverted window, or one outside the movers the warehouse keeps for the day.
        raise click.UsageError(str(error)) from error
    except FileNotFoundError as error:
        # No warehouse yet: not a usage error, but one line, as `compliance evidence` says it.
        click.echo(str(error), err=True)
        return 1


@compliance.command("generate-sample", help="Write a sample landing zone.")
@click.option(
    "--landing", type=FOLDER, default=landing_dir, show_default=_from_setting(LANDING_DIR_VAR)
)
@click.option(
    "--people",
    type=click.IntRange(min=0),
    default=SAMPLE_DEFAULTS["people"],
    show_default=True,
    help="Generated people (the planted ones come on top).",
)
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=SAMPLE_DEFAULTS["days"],
    show_default=True,
    help="Consecutive daily exports ending at --end-date.",
)
@click.option("--end-date", type=DATE, default=SAMPLE_END_DATE, show_default=True)
@click.option("--seed", type=int, default=SAMPLE_DEFAULTS["seed"], show_default=True)
@click.option(
    "--lms-records-per-person",
    type=click.FloatRange(min=0),
    default=SAMPLE_DEFAULTS["lms_records_per_person"],
    show_default=True,
)
def generate_sample(
    landing: Path, people: int, days: int, end_date: date, seed: int, lms_records_per_person: float
) -> int:
    summary = generate_landing_zone(
        landing.resolve(),
        people=people,
        days=days,
        end_date=end_date,
        seed=seed,
        lms_records_per_person=lms_records_per_person,
    )
    print(summary)
    return 0


@compliance.command(
    "publish-postgres",
    help="Copy one day's validated landing rows from the DuckDB warehouse to PostgreSQL "
    "(server from COMPLIANCE_PG_HOST, _PORT, _USER, _PASSWORD, _DATABASE).",
)
@click.argument("as_of_date", metavar="DATE", type=DATE)
@click.option(
    "--warehouse", type=FILE, default=None, help="DuckDB file (default: COMPLIANCE_WAREHOUSE)."
)
def publish_postgres(as_of_date: date, warehouse: Path | None) -> int:
    # psycopg2 comes with the optional `postgres` extra: imported only for this command.
    from orchestration.ingestion.publish_postgres import publish_day

    for table, rows in publish_day(as_of_date, warehouse).items():
        print(f"{table}: {rows} rows")
    return 0


@compliance.group(help="Check the landing history the runs read.")
def landing() -> None:
    pass


@landing.command(
    "verify",
    help="Rebuild each export of a day (default: every loaded day) from the landing "
    "history and compare it with the hash recorded when it was loaded; exit 1 on any "
    "difference.",
)
@click.option("--date", "as_of_date", type=DATE, default=None)
def landing_verify(as_of_date: date | None) -> int:
    from orchestration.ingestion.verify_landing import verify_landing

    return verify_landing(warehouse_path(), as_of_date)


@compliance.group(help="Work with the control's policy file.")
def policy() -> None:
    pass


@policy.command(
    "check",
    help="Validate a policy file (default: COMPLIANCE_POLICY_FILE) and show what it would "
    "change on the latest day of the warehouse: people entering or leaving scope, scope "
    "decisions and statuses that change. Writes nothing.",
)
@click.argument(
    "file", required=False, type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
def policy_check(file: Path | None) -> int:
    from orchestration.policy.errors import PolicyError
    from orchestration.policy.loading import load_policy
    from orchestration.policy.review import ReviewError, review_policy

    path = (file or policy_file()).resolve()
    try:
        candidate = load_policy(path)
    except PolicyError as error:
        click.echo(str(error), err=True)
        return 1
    click.echo(f"Policy {path} is valid (sha256 {candidate.sha256}).")
    warehouse = warehouse_path()
    if not warehouse.exists():
        click.echo(f"No warehouse at {warehouse}: nothing to compare with.")
        return 0
    try:
        review = review_policy(candidate, warehouse)
    except ReviewError as error:
        click.echo(f"Error: {error}", err=True)
        return 1
    if review is None:
        click.echo(f"The warehouse {warehouse} holds no day yet: nothing to compare with.")
        return 0
    click.echo(review.render())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one command; returns its exit code (2 for a usage error such as a bad date)."""
    try:
        code = compliance.main(
            args=list(argv) if argv is not None else None,
            prog_name="compliance",
            standalone_mode=False,
        )
    except click.UsageError as error:
        # One line, not click's usage block: the message names the option and the value.
        click.echo(f"Error: {' '.join(error.format_message().split())}", err=True)
        return error.exit_code
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort:
        click.echo("Aborted!", err=True)
        return 1
    except PostgresUnavailableError as error:
        click.echo(f"Error: {error}", err=True)
        return 1
    return code or 0


if __name__ == "__main__":
    raise SystemExit(main())
