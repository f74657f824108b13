"""Sensors that alert the control owners; they run by default with the Dagster daemon.

They read the instance's event log, so they see runs from any code location,
including `dagster asset materialize -m orchestration` runs.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dagster import (
    AssetRecordsFilter,
    DagsterEventType,
    DagsterInstance,
    DefaultSensorStatus,
    RunStatusChangeRecordsFilter,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)

from orchestration.alerting.channels import Alert, Channel, configured_channels
from orchestration.alerting.delivery import (
    ChannelPositions,
    PendingAlert,
    deliver,
    initialise_positions,
)
from orchestration.alerting.run_alerts import build_run_alert
from orchestration.settings import (
    ALERT_SENSOR_INTERVAL_VAR,
    FRESHNESS_DEADLINE_VAR,
    TIMEZONE_VAR,
    alert_sensor_interval_seconds,
    setting,
)
from orchestration.transformation.model_keys import COVERAGE_KEY

ALERT_SENSOR = "compliance_alert_sensor"
FRESHNESS_SENSOR = "compliance_freshness_sensor"
_RUN_END_EVENTS = (DagsterEventType.RUN_SUCCESS, DagsterEventType.RUN_FAILURE)
_RUNS_PER_TICK = 100


# Where a sensor keeps the reasons it last logged for channels left off (key-value storage).
_SKIPPED_NOTICE_KEY = "training_compliance/{sensor}/channels_off"


def _channels_or_skip(context: SensorEvaluationContext, sensor_name: str) -> list[Channel]:
    """The configured channels; why the others are off is logged once, not on every tick.

    The reasons last logged are kept in the instance, so a daemon restart stays quiet
    too; a change of configuration (a channel turned on or off) logs the new reasons.
    """
    channels, skipped = configured_channels()
    key = _SKIPPED_NOTICE_KEY.format(sensor=sensor_name)
    notice = "\n".join(skipped)
    storage = context.instance.run_storage
    if storage.get_cursor_values({key}).get(key, "") != notice:
        for line in skipped:
            context.log.info(f"{line} (logged once until the configuration changes)")
        storage.set_cursor_values({key: notice})
    return channels


def _latest_run_end(instance: DagsterInstance) -> int:
    latest = 0
    for event_type in _RUN_END_EVENTS:
        records = instance.fetch_run_status_changes(event_type, limit=1, ascending=False).records
        if records:
            latest = max(latest, records[0].storage_id)
    return latest


def _run_ends_after(instance: DagsterInstance, storage_id: int) -> list[tuple[int, str, bool]]:
    """(storage id, run id, failed?) of runs that finished after `storage_id`, oldest first."""
    ends = []
    for event_type in _RUN_END_EVENTS:
        records = instance.fetch_run_status_changes(
            RunStatusChangeRecordsFilter(event_type=event_type, after_storage_id=storage_id),
            limit=_RUNS_PER_TICK,
            ascending=True,
        ).records
        failed = event_type == DagsterEventType.RUN_FAILURE
        ends.extend(
            (record.storage_id, record.event_log_entry.run_id, failed) for record in records
        )
    return sorted(ends)


@sensor(
    name=ALERT_SENSOR,
    minimum_interval_seconds=alert_sensor_interval_seconds(),
    default_status=DefaultSensorStatus.RUNNING,
    description="Notifies the control owners of every finished run whose ERROR checks failed "
    "(coverage below 100%, rejected HR rows, empty roster) or that failed: once per run "
    f"and channel (evaluated every ${ALERT_SENSOR_INTERVAL_VAR} seconds).",
)
def compliance_alert_sensor(context: SensorEvaluationContext) -> SkipReason:
    channels = _channels_or_skip(context, ALERT_SENSOR)
    if not channels:
        return SkipReason("no alert channel configured")
    instance = context.instance
    positions = ChannelPositions(instance, ALERT_SENSOR)
    for channel in initialise_positions(channels, positions, _latest_run_end(instance)):
        context.log.info(f"{channel.describe()}: alerting on runs that finish from now on")

    oldest_position = min(positions.get(channel) or 0 for channel in channels)
    pending = [
        PendingAlert(storage_id, alert)
        for storage_id, run_id, failed in _run_ends_after(instance, oldest_position)
        if (alert := build_run_alert(instance, run_id, run_failed=failed)) is not None
    ]
    delivered = deliver(pending, channels, positions, context.log.info)
    return SkipReason(f"{delivered} alert(s) delivered, {len(pending)} run(s) needing one")


def _deadline() -> time:
    return time.fromisoformat(setting(FRESHNESS_DEADLINE_VAR))


def _coverage_materialized(instance: DagsterInstance, as_of_date: date) -> bool:
    records = instance.fetch_materializations(
        AssetRecordsFilter(asset_key=COVERAGE_KEY, asset_partitions=[as_of_date.isoformat()]),
        limit=1,
    ).records
    return bool(records)


@sensor(
    name=FRESHNESS_SENSOR,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    description="Alerts when today's coverage has not been materialized by the deadline "
    f"({FRESHNESS_DEADLINE_VAR}, in {TIMEZONE_VAR}).",
)
def compliance_freshness_sensor(context: SensorEvaluationContext) -> SkipReason:
    now = datetime.now(ZoneInfo(setting(TIMEZONE_VAR)))
    deadline = _deadline()
    today = now.date()
    if now.time() < deadline:
        return SkipReason(f"before the {deadline.isoformat('minutes')} deadline")
    if _coverage_materialized(context.instance, today):
        return SkipReason(f"{today.isoformat()} is fresh")
    channels = _channels_or_skip(context, FRESHNESS_SENSOR)
    if not channels:
        return SkipReason("no alert channel configured")
    headline = (
        f"TRN.2.01 {today.isoformat()}: no successful daily run by "
        f"{deadline.isoformat('minutes')} {setting(TIMEZONE_VAR)}"
    )
    alert = Alert(
        subject=headline,
        text=f"{headline}\nCoverage for today has not been materialized: check the schedule, "
        "the landing zone exports and the latest run.",
    )
    positions = ChannelPositions(context.instance, FRESHNESS_SENSOR)
    delivered = deliver(
        [PendingAlert(today.toordinal(), alert)], channels, positions, context.log.info
    )
    return SkipReason(f"{delivered} freshness alert(s) delivered for {today.isoformat()}")
