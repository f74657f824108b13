"""The day's reminders as a Dagster asset: after the chase list, before the evidence."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dagster import (
    AssetExecutionContext,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from orchestration.partitions import daily_as_of_dates
from orchestration.policy.assets import POLICY_DOCUMENTS_KEY
from orchestration.reminders.reminders_log import ensure_reminders_log
from orchestration.reminders.sending import RemindersOptions, RemindersSetupError, send_reminders
from orchestration.settings import (
    REMINDERS_ENABLED_VAR,
    TIMEZONE_VAR,
    reminders_dry_run,
    reminders_enabled,
    reminders_outbox_dir,
    reminders_top_of_list,
    setting,
)
from orchestration.transformation.model_keys import CHASE_LIST_KEY, model_key
from orchestration.transformation.translator import CONTROL_OWNER
from orchestration.warehouse import WarehouseResource

CONTACTS_KEY = model_key("stg_hr__contacts")

# The evidence step (priority -10) copies the reminders log, so among steps ready at
# once this one must run first; it is no dependency of the evidence, which is written
# even when a reminder could not be delivered.
BEFORE_EVIDENCE_PRIORITY = "-5"


def today() -> date:
    return datetime.now(ZoneInfo(setting(TIMEZONE_VAR))).date()


@asset(
    name="reminders_log",
    key_prefix=["reminders"],
    group_name="reminders",
    description="The day's reminders: one digest per person, manager, skip-level manager and "
    "the compliance owner, sent once by email (and the owner's also to the webhook), each "
    "attempt in the reminders log that the evidence includes. Off unless "
    f"{REMINDERS_ENABLED_VAR}=true; only for today's as-of date.",
    partitions_def=daily_as_of_dates,
    deps=[CHASE_LIST_KEY, CONTACTS_KEY, POLICY_DOCUMENTS_KEY],
    op_tags={"dagster/priority": BEFORE_EVIDENCE_PRIORITY},
    owners=[CONTROL_OWNER],
    kinds={"email", "duckdb"},
)
def reminders_log(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    as_of_date = date.fromisoformat(context.partition_key)
    with warehouse.marts(write=True) as connection:
        # The evidence exports the log every day, sent or not.
        ensure_reminders_log(connection)
        if not reminders_enabled():
            context.log.info(f"reminders off: {REMINDERS_ENABLED_VAR} is not true")
            return MaterializeResult(metadata={"enabled": False, "sent": 0})
        options = RemindersOptions(
            today=today(),
            dry_run=reminders_dry_run(),
            outbox_dir=reminders_outbox_dir(),
            top_of_list=reminders_top_of_list(),
            run_id=context.run.run_id,
        )
        try:
            report = send_reminders(connection, as_of_date, options, context.log.warning)
        except RemindersSetupError as error:
            raise Failure(str(error)) from None
    context.log.info(report.summary())
    metadata = {
        "enabled": True,
        "dry_run": options.dry_run,
        "summary": report.summary(),
        "digests": report.digests,
        "already_done": report.already_done,
        "without_email": len(report.unreachable),
        "outcomes": MetadataValue.json(report.outcomes),
    }
    if report.outbox is not None:
        metadata["outbox"] = MetadataValue.path(str(report.outbox))
    if report.failed:
        # After every digest was tried and logged: a later run of the day retries these.
        raise Failure(
            f"{report.failed} reminder(s) could not be delivered; the next run of "
            f"{as_of_date.isoformat()} retries them (see the reminders log)",
            metadata=metadata,
        )
    return MaterializeResult(metadata=metadata)
