"""The daily run: every asset (and its checks) for today's as-of date."""

from dagster import (
    AssetSelection,
    RunRequest,
    ScheduleEvaluationContext,
    define_asset_job,
    schedule,
)

from orchestration.settings import SCHEDULE_CRON_VAR, TIMEZONE_VAR, setting

daily_compliance_job = define_asset_job(
    name="daily_compliance_job",
    selection=AssetSelection.all(),
    description="Loads the day's exports, builds the compliance models and runs their checks.",
)


@schedule(
    job=daily_compliance_job,
    cron_schedule=setting(SCHEDULE_CRON_VAR),
    execution_timezone=setting(TIMEZONE_VAR),
)
def daily_compliance_schedule(context: ScheduleEvaluationContext) -> RunRequest:
    as_of_date = context.scheduled_execution_time.date().isoformat()
    return RunRequest(run_key=as_of_date, partition_key=as_of_date)
