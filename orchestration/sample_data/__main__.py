"""python -m orchestration.sample_data --landing DIR [...]: write a sample landing zone."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from .landing_zone import generate_landing_zone


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.sample_data",
        description="Write a synthetic HR/LMS landing zone.",
    )
    parser.add_argument("--landing", type=Path, required=True, help="landing zone directory")
    parser.add_argument(
        "--people", type=int, default=2000, help="generated people (planted ones come on top)"
    )
    parser.add_argument(
        "--days", type=int, default=3, help="consecutive daily exports ending at --end-date"
    )
    parser.add_argument(
        "--end-date", type=date.fromisoformat, default=date(2026, 11, 27), help="YYYY-MM-DD"
    )
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--lms-records-per-person", type=float, default=6.0)
    args = parser.parse_args(argv)
    summary = generate_landing_zone(
        args.landing,
        people=args.people,
        days=args.days,
        end_date=args.end_date,
        seed=args.seed,
        lms_records_per_person=args.lms_records_per_person,
    )
    print(summary)


if __name__ == "__main__":
    main()
