"""The daily partition: one partition per as-of date D."""

from __future__ import annotations

from dagster import DailyPartitionsDefinition

from orchestration.settings import PARTITIONS_START_VAR, TIMEZONE_VAR, setting

# end_offset=1 makes today a partition: exports dated D arrive on D itself.
daily_as_of_dates = DailyPartitionsDefinition(
    start_date=setting(PARTITIONS_START_VAR),
    timezone=setting(TIMEZONE_VAR),
    end_offset=1,
)
