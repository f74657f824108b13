"""The daily partition: one partition per as-of date D, from the landing zone's first export.

Dagster reads the partitions definition once, when the definitions load: the first
day is taken from the landing zone then (or from COMPLIANCE_PARTITIONS_START). Days
exported later are covered by the definition's open end; an export older than the
first day needs a reload of the definitions (`dagster dev` reloads on "Reload").
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dagster import DailyPartitionsDefinition

from orchestration.ingestion.contract import CONTRACTS
from orchestration.settings import PARTITIONS_START_VAR, TIMEZONE_VAR, landing_dir, setting

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def export_days(landing: Path) -> list[date]:
    """The as-of dates of every dated export file in the landing zone, oldest first."""
    days: set[date] = set()
    for contract in CONTRACTS:
        if not contract.file_pattern:
            continue
        prefix, suffix = contract.file_pattern.split("{date}")
        for path in landing.glob(prefix + "*" + suffix):
            stamp = path.name.removeprefix(Path(prefix).name).removesuffix(suffix)
            if _ISO_DAY.fullmatch(stamp):
                try:
                    days.add(date.fromisoformat(stamp))
                except ValueError:
                    # A misnamed file is the loader's to report; it is no partition.
                    continue
    return sorted(days)


def first_partition_day(landing: Path, today: date) -> date:
    """The configured start, else the landing zone's earliest export, else today."""
    configured = setting(PARTITIONS_START_VAR)
    if configured:
        if _ISO_DAY.fullmatch(configured):
            try:
                return date.fromisoformat(configured)
            except ValueError:
                pass
        raise ValueError(f"{PARTITIONS_START_VAR}={configured!r} is not a date written YYYY-MM-DD")
    days = export_days(landing)
    # An empty landing zone (a new deployment): the schedule's days start today.
    return days[0] if days else today


def _today() -> date:
    return datetime.now(ZoneInfo(setting(TIMEZONE_VAR))).date()


# end_offset=1 makes today a partition: exports dated D arrive on D itself.
daily_as_of_dates = DailyPartitionsDefinition(
    start_date=first_partition_day(landing_dir(), _today()).isoformat(),
    timezone=setting(TIMEZONE_VAR),
    end_offset=1,
)
