"""The landing-zone data contract (docs/data-contract.md) as data.

Each export is described once here; the header check, the row validation SQL
and the landing-table DDL derive from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path


class Kind(Enum):
    TEXT = "text"
    DATE = "date"
    DATE_OR_TIMESTAMP = "date or ISO-8601 timestamp"
    ENUM = "enumeration"
    SCORE = "number 0-100"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool
    allowed: tuple[str, ...] = ()
    # An optional column many sources lack: its absence is recorded in the load
    # audit but is not schema drift for the header check.
    may_be_absent: bool = False


class Derivation(Enum):
    # normalise() of a CSV column (orchestration/policy/normalisation.py).
    KEY = "key"
    # skeleton() of a KEY column: look-alike characters mapped to one form.
    SKELETON = "skeleton"


@dataclass(frozen=True)
class DerivedColumn:
    """A landing column computed at load time, never read from the file."""

    name: str
    derivation: Derivation
    # KEY: the contract column it normalises; SKELETON: the KEY column it maps.
    source: str


@dataclass(frozen=True)
class RowRule:
    """A rule across columns; `violated_sql` is evaluated over typed values."""

    column: str
    violated_sql: str
    reason: str


@dataclass(frozen=True)
class UniqueKey:
    column: str
    # SQL over the typed column giving the value compared for uniqueness.
    compare_sql: str


@dataclass(frozen=True)
class ExportContract:
    source: str
    landing_table: str
    columns: tuple[Column, ...]
    unique_keys: tuple[UniqueKey, ...] = ()
    row_rules: tuple[RowRule, ...] = ()
    derived: tuple[DerivedColumn, ...] = ()
    optional_file: bool = False
    file_pattern: str = ""
    fixed_file: str = ""
    description: str = field(default="", compare=False)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def derived_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.derived)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)

    def path_for(self, landing_dir: Path, as_of_date: date) -> Path:
        if self.fixed_file:
            return landing_dir / self.fixed_file
        return landing_dir / self.file_pattern.format(date=as_of_date.isoformat())


HR_EMPLOYEES = ExportContract(
    source="hr",
    landing_table="hr_employees",
    file_pattern="hr/employees_{date}.csv",
    description="HR roster as of the export date",
    columns=(
        Column("employee_id", Kind.TEXT, required=True),
        Column("work_email", Kind.TEXT, required=True),
        Column("full_name", Kind.TEXT, required=False),
        Column("job_title", Kind.TEXT, required=True),
        Column("job_family", Kind.TEXT, required=True),
        Column("department", Kind.TEXT, required=True),
        Column("manager_id", Kind.TEXT, required=False),
        Column(
            "employment_type",
            Kind.ENUM,
            required=True,
            allowed=("employee", "contractor", "intern"),
        ),
        Column(
            "employment_status",
            Kind.ENUM,
            required=True,
            allowed=("active", "leave", "terminated"),
        ),
        Column("hire_date", Kind.DATE, required=True),
        Column("termination_date", Kind.DATE, required=False),
        # Last, so a warehouse created before it gains it at the same position.
        Column("job_code", Kind.TEXT, required=False, may_be_absent=True),
    ),
    # The values scope rules match, normalised once here for every model.
    derived=(
        DerivedColumn("job_family_key", Derivation.KEY, "job_family"),
        DerivedColumn("job_title_key", Derivation.KEY, "job_title"),
        DerivedColumn("job_code_key", Derivation.KEY, "job_code"),
        DerivedColumn("department_key", Derivation.KEY, "department"),
        DerivedColumn("work_email_key", Derivation.KEY, "work_email"),
        DerivedColumn("job_family_skeleton", Derivation.SKELETON, "job_family_key"),
        DerivedColumn("job_title_skeleton", Derivation.SKELETON, "job_title_key"),
    ),
    unique_keys=(
        UniqueKey("employee_id", "employee_id"),
        # A work email identifies one person: LMS records matched by email
        # could otherwise be credited to the wrong one.
        UniqueKey("work_email", "lower(work_email)"),
    ),
)

LMS_COMPLETIONS = ExportContract(
    source="lms",
    landing_table="lms_completions",
    file_pattern="lms/completions_{date}.csv",
    description="LMS training records as of the export date",
    columns=(
        Column("record_id", Kind.TEXT, required=True),
        Column("user_email", Kind.TEXT, required=True),
        Column("employee_id", Kind.TEXT, required=False),
        Column("course_id", Kind.TEXT, required=True),
        Column("course_title", Kind.TEXT, required=False),
        Column(
            "status",
            Kind.ENUM,
            required=True,
            allowed=("completed", "in_progress", "not_started"),
        ),
        Column("completed_at", Kind.DATE_OR_TIMESTAMP, required=False),
        Column("score", Kind.SCORE, required=False),
    ),
    unique_keys=(UniqueKey("record_id", "record_id"),),
    derived=(DerivedColumn("user_email_key", Derivation.KEY, "user_email"),),
    row_rules=(
        RowRule(
            column="completed_at",
            violated_sql="status = 'completed' and completed_at is null",
            reason="missing completed_at on a completed record",
        ),
    ),
)

EXCEPTIONS = ExportContract(
    source="exceptions",
    landing_table="training_exceptions",
    fixed_file="exceptions.csv",
    optional_file=True,
    description="approved exceptions to the training requirement",
    columns=(
        Column("employee_id", Kind.TEXT, required=True),
        Column("reason", Kind.TEXT, required=True),
        Column("approved_by", Kind.TEXT, required=True),
        Column("approved_on", Kind.DATE, required=True),
        Column("expires_on", Kind.DATE, required=False),
    ),
    row_rules=(
        RowRule(
            column="expires_on",
            violated_sql="expires_on < approved_on",
            reason="expires_on is before approved_on",
        ),
    ),
)

CONTRACTS: tuple[ExportContract, ...] = (HR_EMPLOYEES, LMS_COMPLETIONS, EXCEPTIONS)
