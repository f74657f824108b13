"""The connector assets: the day's HR roster and LMS records, pulled or dropped as files.

They run before the landing step. A `csv` source pulls nothing (someone else drops the
file, as before). A pulling source pulls only for today's as-of date; any other day, and
today again unless refresh is asked for, uses the export already in the landing zone.
"""

# No `from __future__ import annotations`: Dagster reads PullConfig from the signature.
import warnings
from datetime import date

from dagster import (
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    BetaWarning,
    Config,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)
from pydantic import Field

from orchestration.connectors.errors import ConnectorError
from orchestration.connectors.pull import pull, raw_folder, today
from orchestration.connectors.sources import CSV, checked_source
from orchestration.ingestion.contract import HR_EMPLOYEES, LMS_COMPLETIONS, ExportContract
from orchestration.landing import LandingZoneResource
from orchestration.partitions import daily_as_of_dates
from orchestration.settings import HR_SOURCE_VAR, LMS_SOURCE_VAR, hr_source, lms_source

CONNECTORS_PREFIX = "connectors"


class PullConfig(Config):
    refresh: bool = Field(
        default=False,
        description="Pull today's export again even when today's pull already ran.",
    )


def source_asset_key(contract: ExportContract) -> AssetKey:
    return AssetKey([CONNECTORS_PREFIX, f"{contract.source}_export"])


def _materialize_source(
    context: AssetExecutionContext,
    config: PullConfig,
    landing_zone: LandingZoneResource,
    contract: ExportContract,
    setting_value: str,
    variable: str,
) -> MaterializeResult:
    as_of_date = date.fromisoformat(context.partition_key)
    try:
        source = checked_source(setting_value, contract)
    except ValueError as error:
        raise Failure(description=f"{variable}: {error}") from None
    export = contract.path_for(landing_zone.directory, as_of_date)
    metadata: dict[str, object] = {"source": source, "export": MetadataValue.path(str(export))}
    if source == CSV:
        context.log.info(
            "%s: %s is dropped into the landing zone (no pull)", contract.source, export
        )
        return MaterializeResult(metadata={**metadata, "pulled": False})

    current_day = today()
    if as_of_date != current_day or (export.is_file() and not config.refresh):
        if not export.is_file():
            raise Failure(
                description=(
                    f"{source}: no export for {as_of_date} at {export}; an API gives "
                    f"only the present, so it is pulled only for today ({current_day})"
                )
            )
        context.log.info("%s: using the export already pulled, %s", source, export)
        return MaterializeResult(metadata={**metadata, "pulled": False})

    context.log.info("%s: pulling today's export (%s)", source, as_of_date)
    try:
        result = pull(source, landing_zone.directory, as_of_date)
    except ConnectorError as error:
        # The message names the source and the cause, never a credential or a header.
        raise Failure(description=f"pull failed: {error}") from None
    context.log.info(
        "%s: %s records from %s responses into %s",
        source,
        result.record_count,
        len(result.responses),
        export,
    )
    return MaterializeResult(
        metadata={
            **metadata,
            "pulled": True,
            "export_sha256": result.export_sha256,
            "dagster/row_count": result.record_count,
            "raw_folder": MetadataValue.path(
                str(raw_folder(landing_zone.directory, source, as_of_date))
            ),
            "raw_responses": MetadataValue.json(
                [response.as_dict() for response in result.responses]
            ),
        }
    )


# One partition per run, as on the other daily assets; on @asset Dagster 1.13 marks the
# parameter beta, and the warning would repeat on the console of every command.
warnings.filterwarnings("ignore", category=BetaWarning, message=".*backfill_policy.*")


@asset(
    key=source_asset_key(HR_EMPLOYEES),
    description="Today's HR roster pulled from the HRIS (COMPLIANCE_HR_SOURCE), or the "
    "export dropped as a file (csv).",
    group_name="ingestion",
    kinds={"python"},
    partitions_def=daily_as_of_dates,
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
)
def hr_export(
    context: AssetExecutionContext, config: PullConfig, landing_zone: LandingZoneResource
) -> MaterializeResult:
    return _materialize_source(
        context, config, landing_zone, HR_EMPLOYEES, hr_source(), HR_SOURCE_VAR
    )


@asset(
    key=source_asset_key(LMS_COMPLETIONS),
    description="Today's LMS training records pulled from the LMS (COMPLIANCE_LMS_SOURCE), "
    "or the export dropped as a file (csv).",
    group_name="ingestion",
    kinds={"python"},
    partitions_def=daily_as_of_dates,
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
)
def lms_export(
    context: AssetExecutionContext, config: PullConfig, landing_zone: LandingZoneResource
) -> MaterializeResult:
    return _materialize_source(
        context, config, landing_zone, LMS_COMPLETIONS, lms_source(), LMS_SOURCE_VAR
    )


source_assets = [hr_export, lms_export]
