"""`compliance landing verify`: every loaded day's rows given back by the landing history,
checked against the hash the load recorded."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from orchestration.ingestion.landing_history import loaded_days, verify_day
from orchestration.warehouse import open_reader


def verify_landing(warehouse: Path, day: date | None = None, out: TextIO | None = None) -> int:
    """0 when every export of `day` (default: of every loaded day) reconstitutes exactly,
    1 otherwise; one line per export and day."""
    out = out or sys.stdout
    try:
        with open_reader(warehouse) as connection:
            days = [day] if day is not None else loaded_days(connection)
            checks = [check for each in days for check in verify_day(connection, each)]
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    if not checks:
        what = day.isoformat() if day is not None else "any day"
        print(
            f"FAILED  nothing was loaded for {what} in {warehouse}: materialize that day first",
            file=out,
        )
        return 1
    for check in checks:
        print(check.render(), file=out)
    failed = [check for check in checks if not check.ok]
    print(
        f"{len(checks) - len(failed)} of {len(checks)} exports reconstitute exactly "
        f"({len(days)} day(s))",
        file=out,
    )
    return 1 if failed else 0
