"""Where the pipeline reads and writes, from environment variables with project defaults.

Every path is made absolute: DuckDB, dbt and Dagster run from different working
directories, and a relative path would silently point at a different file in each.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
DATA_DIR = PROJECT_ROOT / "data"
POLICY_DIR = PROJECT_ROOT / "policy"

LANDING_DIR_VAR = "COMPLIANCE_LANDING_DIR"
WAREHOUSE_VAR = "COMPLIANCE_WAREHOUSE"
PARTITIONS_START_VAR = "COMPLIANCE_PARTITIONS_START"
SCHEDULE_CRON_VAR = "COMPLIANCE_SCHEDULE_CRON"
TIMEZONE_VAR = "COMPLIANCE_TIMEZONE"
DOCS_DIR_VAR = "COMPLIANCE_DOCS_DIR"
EVIDENCE_DIR_VAR = "COMPLIANCE_EVIDENCE_DIR"
EVIDENCE_INCLUDE_EMAILS_VAR = "COMPLIANCE_EVIDENCE_INCLUDE_EMAILS"
EVIDENCE_SIGNING_KEY_VAR = "COMPLIANCE_EVIDENCE_SIGNING_KEY"
SAMPLE_SEED_VAR = "COMPLIANCE_SAMPLE_SEED"
SAMPLE_SIZE_VAR = "COMPLIANCE_SAMPLE_SIZE"
FRESHNESS_DEADLINE_VAR = "COMPLIANCE_FRESHNESS_DEADLINE"
ALERT_SENSOR_INTERVAL_VAR = "COMPLIANCE_ALERT_SENSOR_INTERVAL_SECONDS"
DBT_TARGET_VAR = "COMPLIANCE_DBT_TARGET"
DUCKDB_MEMORY_LIMIT_VAR = "COMPLIANCE_DUCKDB_MEMORY_LIMIT"
POLICY_FILE_VAR = "COMPLIANCE_POLICY_FILE"
# Reminders (docs/reminders.md): off unless enabled; a dry run writes digests as files.
REMINDERS_ENABLED_VAR = "COMPLIANCE_REMINDERS_ENABLED"
REMINDERS_DRY_RUN_VAR = "COMPLIANCE_REMINDERS_DRY_RUN"
REMINDERS_OUTBOX_DIR_VAR = "COMPLIANCE_REMINDERS_OUTBOX_DIR"
REMINDERS_TOP_OF_LIST_VAR = "COMPLIANCE_REMINDERS_TOP_OF_LIST"
LOG_DIR_VAR = "COMPLIANCE_LOG_DIR"
# Set by the pipeline for dbt (never a user setting): the as-of date being built.
AS_OF_DATE_VAR = "COMPLIANCE_AS_OF_DATE"
# The PostgreSQL warehouse (dbt target `postgres`); profiles.yml reads the same variables.
PG_HOST_VAR = "COMPLIANCE_PG_HOST"
PG_PORT_VAR = "COMPLIANCE_PG_PORT"
PG_USER_VAR = "COMPLIANCE_PG_USER"
PG_PASSWORD_VAR = "COMPLIANCE_PG_PASSWORD"
PG_DATABASE_VAR = "COMPLIANCE_PG_DATABASE"
PG_SCHEMA_VAR = "COMPLIANCE_PG_SCHEMA"
# Connectors (docs/connectors.md): which system fills each export, and how to reach it.
HR_SOURCE_VAR = "COMPLIANCE_HR_SOURCE"
LMS_SOURCE_VAR = "COMPLIANCE_LMS_SOURCE"
CONNECTOR_MAPPING_VAR = "COMPLIANCE_CONNECTOR_MAPPING"
CONNECTOR_MAX_ATTEMPTS_VAR = "COMPLIANCE_CONNECTOR_MAX_ATTEMPTS"
BAMBOOHR_SUBDOMAIN_VAR = "COMPLIANCE_BAMBOOHR_SUBDOMAIN"
BAMBOOHR_API_KEY_VAR = "COMPLIANCE_BAMBOOHR_API_KEY"
BAMBOOHR_BASE_URL_VAR = "COMPLIANCE_BAMBOOHR_BASE_URL"
WORKDAY_REPORT_URL_VAR = "COMPLIANCE_WORKDAY_REPORT_URL"
WORKDAY_USERNAME_VAR = "COMPLIANCE_WORKDAY_USERNAME"
WORKDAY_PASSWORD_VAR = "COMPLIANCE_WORKDAY_PASSWORD"
KNOWBE4_API_KEY_VAR = "COMPLIANCE_KNOWBE4_API_KEY"
KNOWBE4_BASE_URL_VAR = "COMPLIANCE_KNOWBE4_BASE_URL"
SCW_API_KEY_VAR = "COMPLIANCE_SCW_API_KEY"
SCW_BASE_URL_VAR = "COMPLIANCE_SCW_BASE_URL"

DEFAULTS: dict[str, str] = {
    LANDING_DIR_VAR: str(DATA_DIR / "sample_landing"),
    WAREHOUSE_VAR: str(DATA_DIR / "warehouse" / "compliance.duckdb"),
    # Empty: the earliest export in the landing zone when the definitions load, else today.
    PARTITIONS_START_VAR: "",
    # Exports land overnight; 06:00 leaves the HRIS and LMS jobs time to finish.
    SCHEDULE_CRON_VAR: "0 6 * * *",
    TIMEZONE_VAR: "UTC",
    DOCS_DIR_VAR: str(DATA_DIR / "docs"),
    EVIDENCE_DIR_VAR: str(DATA_DIR / "evidence"),
    # Work emails are personal data: auditor evidence carries employee ids unless asked.
    EVIDENCE_INCLUDE_EMAILS_VAR: "false",
    # An Ed25519 private key (PEM) that signs every seal log entry; unset: entries unsigned.
    EVIDENCE_SIGNING_KEY_VAR: "",
    SAMPLE_SEED_VAR: "20261127",
    SAMPLE_SIZE_VAR: "25",
    # Today's run must have succeeded by then (HH:MM in COMPLIANCE_TIMEZONE).
    FRESHNESS_DEADLINE_VAR: "09:00",
    # How often the daemon evaluates the run-alert sensor: an alert goes out at most this
    # long after a run ends. Read when the definitions load.
    ALERT_SENSOR_INTERVAL_VAR: "15",
    # duckdb (the DuckDB file) or postgres (the COMPLIANCE_PG_* server): where dbt builds
    # the marts and every reader reads them; ingestion always checks into the DuckDB file.
    DBT_TARGET_VAR: "duckdb",
    # Per DuckDB process (the run's and dbt's, which never write at once). Past it
    # DuckDB spills to `<warehouse>.tmp/` instead of growing with the LMS export.
    DUCKDB_MEMORY_LIMIT_VAR: "2GB",
    # The control's reviewed policy (scope rules, courses, cycle): docs/policy.md.
    POLICY_FILE_VAR: str(POLICY_DIR / "trn-2-01.yml"),
    # Reminders name people and carry work emails: they go out only when asked for.
    REMINDERS_ENABLED_VAR: "false",
    REMINDERS_DRY_RUN_VAR: "false",
    # Dry-run digests, one folder per as-of date; outside the evidence (they hold names).
    REMINDERS_OUTBOX_DIR_VAR: str(DATA_DIR / "reminders_outbox"),
    # How many people of the chase list the compliance owner's digest shows.
    REMINDERS_TOP_OF_LIST_VAR: "20",
    # Where `compliance run` and `demo` keep Dagster's and dbt's output (one file per day).
    LOG_DIR_VAR: str(DATA_DIR / "logs"),
    PG_HOST_VAR: "localhost",
    PG_PORT_VAR: "5432",
    PG_USER_VAR: "compliance",
    PG_PASSWORD_VAR: "",
    PG_DATABASE_VAR: "compliance",
    # Marts land in `main` as on DuckDB, so auditors' queries run unchanged on both.
    PG_SCHEMA_VAR: "main",
    # csv: the exports are dropped into the landing zone by someone else (no pull).
    HR_SOURCE_VAR: "csv",
    LMS_SOURCE_VAR: "csv",
    CONNECTOR_MAPPING_VAR: "",
    # Per request, 429/503/5xx and timeouts included; then the pull fails naming the host.
    CONNECTOR_MAX_ATTEMPTS_VAR: "5",
    BAMBOOHR_SUBDOMAIN_VAR: "",
    BAMBOOHR_BASE_URL_VAR: "",
    WORKDAY_REPORT_URL_VAR: "",
    WORKDAY_USERNAME_VAR: "",
    KNOWBE4_BASE_URL_VAR: "https://us.api.knowbe4.com",
    SCW_BASE_URL_VAR: "https://portal-api.securecodewarrior.com/api/v2",
}

# Credentials: read when a pull starts, never given a default, never logged or stored.
SECRET_VARS = (
    BAMBOOHR_API_KEY_VAR,
    WORKDAY_PASSWORD_VAR,
    KNOWBE4_API_KEY_VAR,
    SCW_API_KEY_VAR,
)


def setting(name: str) -> str:
    """The environment's value for `name`, else the project default."""
    value = os.environ.get(name, "").strip()
    return value or DEFAULTS[name]


def landing_dir() -> Path:
    return Path(setting(LANDING_DIR_VAR)).expanduser().resolve()


def warehouse_path() -> Path:
    return Path(setting(WAREHOUSE_VAR)).expanduser().resolve()


def policy_file() -> Path:
    return Path(setting(POLICY_FILE_VAR)).expanduser().resolve()


def docs_dir() -> Path:
    return Path(setting(DOCS_DIR_VAR)).expanduser().resolve()


def evidence_dir() -> Path:
    return Path(setting(EVIDENCE_DIR_VAR)).expanduser().resolve()


def log_dir() -> Path:
    return Path(setting(LOG_DIR_VAR)).expanduser().resolve()


def evidence_includes_emails() -> bool:
    return setting(EVIDENCE_INCLUDE_EMAILS_VAR).lower() in ("1", "true", "yes")


def _is_true(name: str) -> bool:
    return setting(name).lower() in ("1", "true", "yes")


def reminders_enabled() -> bool:
    return _is_true(REMINDERS_ENABLED_VAR)


def reminders_dry_run() -> bool:
    return _is_true(REMINDERS_DRY_RUN_VAR)


def reminders_outbox_dir() -> Path:
    return Path(setting(REMINDERS_OUTBOX_DIR_VAR)).expanduser().resolve()


def reminders_top_of_list() -> int:
    return int(setting(REMINDERS_TOP_OF_LIST_VAR))


def evidence_signing_key_file() -> Path | None:
    value = setting(EVIDENCE_SIGNING_KEY_VAR)
    return Path(value).expanduser().resolve() if value else None


def alert_sensor_interval_seconds() -> int:
    value = setting(ALERT_SENSOR_INTERVAL_VAR)
    if not value.isdigit() or int(value) < 1:
        raise ValueError(
            f"{ALERT_SENSOR_INTERVAL_VAR} must be a whole number of seconds >= 1, got {value!r}"
        )
    return int(value)


def sample_seed() -> int:
    return int(setting(SAMPLE_SEED_VAR))


def sample_size() -> int:
    return int(setting(SAMPLE_SIZE_VAR))


DUCKDB_TARGET = "duckdb"
POSTGRES_TARGET = "postgres"

# libpq's own variable for each COMPLIANCE_PG_* setting: used when ours is unset, so a
# data team's existing PG* environment works unchanged (profiles.yml falls back alike).
_LIBPQ_VARS = {
    PG_HOST_VAR: ("host", "PGHOST"),
    PG_PORT_VAR: ("port", "PGPORT"),
    PG_USER_VAR: ("user", "PGUSER"),
    PG_PASSWORD_VAR: ("password", "PGPASSWORD"),
    PG_DATABASE_VAR: ("dbname", "PGDATABASE"),
}


def dbt_target() -> str:
    return setting(DBT_TARGET_VAR).lower()


def marts_on_postgres() -> bool:
    """Whether dbt builds (and every reader reads) the marts in PostgreSQL."""
    return dbt_target() == POSTGRES_TARGET


def _postgres_setting(name: str) -> str:
    _, libpq_var = _LIBPQ_VARS[name]
    for variable in (name, libpq_var):
        # The password may be blank on purpose (trust or .pgpass), so only unset falls back.
        value = os.environ.get(variable)
        if value is not None and (value.strip() or name == PG_PASSWORD_VAR):
            return value if name == PG_PASSWORD_VAR else value.strip()
    return DEFAULTS[name]


def postgres_connection() -> dict[str, str]:
    """libpq keyword arguments of the PostgreSQL warehouse: COMPLIANCE_PG_*, else libpq's
    PG* variable, else the project default. The password is never logged."""
    return {keyword: _postgres_setting(name) for name, (keyword, _) in _LIBPQ_VARS.items()}


def postgres_address(connection: dict[str, str]) -> str:
    """host:port, for messages (never the password)."""
    return f"{connection.get('host', '')}:{connection.get('port', '')}"


def hr_source() -> str:
    return setting(HR_SOURCE_VAR).lower()


def lms_source() -> str:
    return setting(LMS_SOURCE_VAR).lower()


def connector_mapping_file() -> Path | None:
    value = setting(CONNECTOR_MAPPING_VAR)
    return Path(value).expanduser().resolve() if value else None


def connector_max_attempts() -> int:
    return max(1, int(setting(CONNECTOR_MAX_ATTEMPTS_VAR)))


def bamboohr_base_url() -> str:
    """The API root: COMPLIANCE_BAMBOOHR_BASE_URL, else BambooHR's gateway for the subdomain."""
    explicit = setting(BAMBOOHR_BASE_URL_VAR)
    if explicit:
        return explicit
    subdomain = setting(BAMBOOHR_SUBDOMAIN_VAR)
    return f"https://api.bamboohr.com/api/gateway.php/{subdomain}/v1" if subdomain else ""


def secret(name: str) -> str:
    """A credential from the environment ("" when unset); callers keep it out of every output."""
    if name not in SECRET_VARS:
        raise KeyError(f"{name} is not a credential setting")
    return os.environ.get(name, "").strip()


def dlt_environment() -> dict[str, str]:
    """dlt's own settings: no telemetry, and its files under the project's data folder."""
    return {
        "RUNTIME__DLTHUB_TELEMETRY": "false",
        "DLT_DATA_DIR": str(DATA_DIR / "dlt"),
        "DLT_PROJECT_DIR": str(DATA_DIR / "dlt"),
    }
