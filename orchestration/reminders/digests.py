"""The day's digests, built from the chase list and the HR contacts of the as-of date.

Who hears of whom is decided by the chase list's columns (the mart applies the rules):
a person hears of their own item; a manager of every direct report on the list, the
failing ones apart from those due soon or in grace; a skip-level manager of the people
whose escalation_level reached the skip level. The compliance owner's digest is built
from the same items, so everybody's view of the day agrees.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from orchestration.policy.tables import POLICY_SCHEMA
from orchestration.warehouse_reader import MartsConnection

CHASE_LIST_TABLE = "main.fct_chase_list"
CONTACTS_TABLE = "staging.stg_hr__contacts"
POLICY_DOCUMENTS_TABLE = f"{POLICY_SCHEMA}.policy_documents"
# escalation_level as the chase list defines it: 1 adds the manager, 2 the skip level.
SKIP_LEVEL_ESCALATION = 2

EMPLOYEE = "employee"
COMPLIANCE_OWNER = "compliance_owner"
# The owner is not an HR person: one fixed id in the log, beside recipient_kind.
COMPLIANCE_OWNER_ID = "compliance_owner"

PERSON_ROLE = "person"
MANAGER_ROLE = "manager"
SKIP_LEVEL_ROLE = "skip_level_manager"


@dataclass(frozen=True)
class ChaseItem:
    """One person of the day's chase list, with their name for the people told of them."""

    employee_id: str
    full_name: str | None
    department: str | None
    manager_id: str | None
    skip_level_manager_id: str | None
    status: str
    is_failing: bool
    chase_reason: str
    complete_by: date | None
    days_overdue: int | None
    escalation_level: int

    @property
    def display_name(self) -> str:
        return f"{self.full_name} ({self.employee_id})" if self.full_name else self.employee_id


@dataclass(frozen=True)
class Contact:
    employee_id: str
    full_name: str | None
    work_email: str | None
    # False for an id the chase list names (a manager) that D's HR roster does not have.
    on_roster: bool = True


@dataclass
class Digest:
    """Everything one HR person is told on one day, in one message."""

    as_of_date: date
    recipient: Contact
    own_item: ChaseItem | None = None
    reports_failing: list[ChaseItem] = field(default_factory=list)
    reports_upcoming: list[ChaseItem] = field(default_factory=list)
    escalated: list[ChaseItem] = field(default_factory=list)

    @property
    def roles(self) -> tuple[str, ...]:
        roles = []
        if self.own_item is not None:
            roles.append(PERSON_ROLE)
        if self.reports_failing or self.reports_upcoming:
            roles.append(MANAGER_ROLE)
        if self.escalated:
            roles.append(SKIP_LEVEL_ROLE)
        return tuple(roles)

    @property
    def item_count(self) -> int:
        """People the digest tells of (a person in two sections counts once)."""
        items = [self.own_item] if self.own_item else []
        items += self.reports_failing + self.reports_upcoming + self.escalated
        return len({item.employee_id for item in items})


@dataclass(frozen=True)
class Unreachable:
    """A recipient the day's HR roster gives no work email (or no valid one)."""

    employee_id: str
    roles: tuple[str, ...]
    item_count: int
    reason: str


@dataclass(frozen=True)
class DayPolicy:
    """What the messages quote from the policy the day's run applied."""

    control: str
    escalate_after_days: int


@dataclass(frozen=True)
class DayReminders:
    as_of_date: date
    policy: DayPolicy
    items: tuple[ChaseItem, ...]
    digests: tuple[Digest, ...]

    @property
    def failing(self) -> tuple[ChaseItem, ...]:
        return tuple(item for item in self.items if item.is_failing)

    @property
    def escalated(self) -> tuple[ChaseItem, ...]:
        return tuple(item for item in self.items if item.escalation_level >= SKIP_LEVEL_ESCALATION)

    @property
    def failing_without_manager(self) -> tuple[ChaseItem, ...]:
        return tuple(item for item in self.failing if not item.manager_id)

    @property
    def escalated_without_skip_level(self) -> tuple[ChaseItem, ...]:
        return tuple(item for item in self.escalated if not item.skip_level_manager_id)


def most_overdue_first(items: Iterable[ChaseItem]) -> list[ChaseItem]:
    """Longest failing first, then the earliest complete-by date; ids break ties."""
    return sorted(
        items,
        key=lambda item: (
            -(item.days_overdue if item.days_overdue is not None else -1),
            item.complete_by or date.max,
            item.employee_id,
        ),
    )


def read_contacts(connection: MartsConnection, as_of_date: date) -> dict[str, Contact]:
    rows = connection.execute(
        f"select employee_id, full_name, work_email from {CONTACTS_TABLE} where as_of_date = ?",
        [as_of_date],
    ).fetchall()
    return {row[0]: Contact(*row) for row in rows}


def read_chase_items(
    connection: MartsConnection, as_of_date: date, contacts: dict[str, Contact]
) -> list[ChaseItem]:
    rows = connection.execute(
        f"""
        select employee_id, department, manager_id, skip_level_manager_id, status,
               is_failing, chase_reason, complete_by, days_overdue, escalation_level
        from {CHASE_LIST_TABLE}
        where as_of_date = ?
        """,
        [as_of_date],
    ).fetchall()
    items = []
    for (
        employee_id,
        department,
        manager_id,
        skip_level_manager_id,
        status,
        is_failing,
        chase_reason,
        complete_by,
        days_overdue,
        escalation_level,
    ) in rows:
        contact = contacts.get(employee_id)
        items.append(
            ChaseItem(
                employee_id=employee_id,
                full_name=contact.full_name if contact else None,
                department=department,
                manager_id=manager_id,
                skip_level_manager_id=skip_level_manager_id,
                status=status,
                is_failing=bool(is_failing),
                chase_reason=chase_reason,
                complete_by=complete_by,
                days_overdue=days_overdue,
                escalation_level=int(escalation_level),
            )
        )
    return most_overdue_first(items)


def build_digests(
    as_of_date: date, items: list[ChaseItem], contacts: dict[str, Contact]
) -> list[Digest]:
    """One digest per HR person with anything to hear, in recipient id order."""
    digests: dict[str, Digest] = {}

    def digest_for(employee_id: str) -> Digest:
        if employee_id not in digests:
            contact = contacts.get(employee_id) or Contact(employee_id, None, None, False)
            digests[employee_id] = Digest(as_of_date, contact)
        return digests[employee_id]

    for item in most_overdue_first(items):
        digest_for(item.employee_id).own_item = item
        if item.manager_id:
            manager = digest_for(item.manager_id)
            (manager.reports_failing if item.is_failing else manager.reports_upcoming).append(item)
        if item.escalation_level >= SKIP_LEVEL_ESCALATION and item.skip_level_manager_id:
            digest_for(item.skip_level_manager_id).escalated.append(item)
    return [digests[employee_id] for employee_id in sorted(digests)]


def read_policy(connection: MartsConnection, as_of_date: date) -> DayPolicy:
    row = connection.execute(
        f"select control, escalate_after_days from {POLICY_DOCUMENTS_TABLE} where as_of_date = ?",
        [as_of_date],
    ).fetchone()
    if row is None:
        raise LookupError(f"no policy loaded for {as_of_date.isoformat()}: run the day first")
    return DayPolicy(control=row[0], escalate_after_days=int(row[1]))


def read_day(connection: MartsConnection, as_of_date: date) -> DayReminders:
    contacts = read_contacts(connection, as_of_date)
    items = read_chase_items(connection, as_of_date, contacts)
    return DayReminders(
        as_of_date,
        read_policy(connection, as_of_date),
        tuple(items),
        tuple(build_digests(as_of_date, items, contacts)),
    )
