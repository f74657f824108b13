"""`compliance`: the project's command line (sample data, runs, coverage, evidence)."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from orchestration.coverage import read_coverage
from orchestration.settings import (
    DATA_DIR,
    LANDING_DIR_VAR,
    PROJECT_ROOT,
    WAREHOUSE_VAR,
    evidence_dir,
    landing_dir,
    sample_seed,
    sample_size,
    warehouse_path,
)
from orchestration.warehouse import open_reader

DAGSTER_HOME_DEFAULT = DATA_DIR / "dagster_home"
INSTANCE_TEMPLATE = Path(__file__).parent / "instance" / "dagster.yaml"
SAMPLE_END_DATE = date(2026, 11, 27)
SAMPLE_DAYS = 3


def dagster_home() -> Path:
    """DAGSTER_HOME, created with the project's instance settings when new."""
    home = Path(os.environ.get("DAGSTER_HOME") or DAGSTER_HOME_DEFAULT).resolve()
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(INSTANCE_TEMPLATE, home / "dagster.yaml")
    return home


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


def materialize(as_of_date: date) -> int:
    """Runs the data contract's command for one as-of date; returns its exit code."""
    command = materialize_command(as_of_date)
    print("$ " + " ".join(command[1:]), flush=True)
    return subprocess.run(command, cwd=PROJECT_ROOT, env=run_environment(), check=False).returncode


def print_coverage(as_of_date: date) -> int:
    with open_reader(warehouse_path()) as connection:
        summary = read_coverage(connection, as_of_date)
    if summary is None:
        print(f"No coverage row for {as_of_date.isoformat()} in {warehouse_path()}")
        return 1
    print(summary.render())
    return 0


def _generate(args: argparse.Namespace) -> int:
    from orchestration.sample_data import generate_landing_zone

    summary = generate_landing_zone(
        Path(args.landing).resolve(),
        people=args.people,
        days=args.days,
        end_date=args.end_date,
        seed=args.seed,
    )
    print(summary)
    return 0


def _run(args: argparse.Namespace) -> int:
    code = materialize(args.date)
    if code != 0:
        print(f"materialization of {args.date.isoformat()} failed (exit {code})", file=sys.stderr)
        return code
    return print_coverage(args.date)


def _demo(args: argparse.Namespace) -> int:
    from orchestration.sample_data import generate_landing_zone

    os.environ.setdefault(LANDING_DIR_VAR, str(DATA_DIR / "sample_landing"))
    target = landing_dir()
    print(f"Generating the sample landing zone in {target}", flush=True)
    generate_landing_zone(target, days=SAMPLE_DAYS, end_date=SAMPLE_END_DATE)
    return _run(argparse.Namespace(date=SAMPLE_END_DATE))


def _coverage(args: argparse.Namespace) -> int:
    return print_coverage(args.date)


def _evidence(args: argparse.Namespace) -> int:
    from orchestration.evidence.commands import regenerate_evidence

    return regenerate_evidence(args.date)


def _verify(args: argparse.Namespace) -> int:
    from orchestration.evidence.commands import verify

    return verify(Path(args.folder).resolve())


def _sample(args: argparse.Namespace) -> int:
    from orchestration.evidence.commands import sample
    from orchestration.evidence.sampling import SamplingWindow

    window = SamplingWindow.ending(args.date)
    window = SamplingWindow(args.window_start or window.start, args.window_end or window.end)
    output = Path(args.output).resolve() if args.output else None
    return sample(args.date, args.population, args.seed, args.size, window, output)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="compliance", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo", help="generate the sample landing zone, run its last day, print coverage"
    )
    demo.set_defaults(handler=_demo)

    run = commands.add_parser("run", help="materialize every asset for one as-of date")
    run.add_argument("--date", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    run.set_defaults(handler=_run)

    coverage = commands.add_parser("coverage", help="print a day's coverage from the warehouse")
    coverage.add_argument("--date", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    coverage.set_defaults(handler=_coverage)

    evidence = commands.add_parser(
        "evidence", help="rebuild a day's evidence folder from the warehouse (no dbt run)"
    )
    evidence.add_argument("--date", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    evidence.set_defaults(handler=_evidence)

    verify = commands.add_parser(
        "verify", help="re-hash evidence folders; list changed, missing and extra files"
    )
    verify.add_argument(
        "folder",
        nargs="?",
        default=str(evidence_dir()),
        help="a day's folder, or the evidence root to check every day (default: %(default)s)",
    )
    verify.set_defaults(handler=_verify)

    sample = commands.add_parser(
        "sample", help="draw a reproducible sample of a sampling population (CSV on stdout)"
    )
    sample.add_argument("--date", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    sample.add_argument(
        "--population", choices=("in_scope", "new_hires", "leavers"), default="in_scope"
    )
    sample.add_argument("--seed", type=int, default=sample_seed())
    sample.add_argument("--size", type=int, default=sample_size())
    sample.add_argument(
        "--window-start", type=date.fromisoformat, help="new hires/leavers (default: D - 89 days)"
    )
    sample.add_argument("--window-end", type=date.fromisoformat, help="default: D")
    sample.add_argument("--output", help="write the CSV here instead of stdout")
    sample.set_defaults(handler=_sample)

    generate = commands.add_parser("generate-sample", help="write a sample landing zone")
    generate.add_argument("--landing", default=str(landing_dir()), help="output directory")
    generate.add_argument("--people", type=int, default=2000)
    generate.add_argument("--days", type=int, default=SAMPLE_DAYS)
    generate.add_argument("--end-date", type=date.fromisoformat, default=SAMPLE_END_DATE)
    generate.add_argument("--seed", type=int, default=20261127)
    generate.set_defaults(handler=_generate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
