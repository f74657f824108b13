"""The synthetic organisation: who works here, in which role, since and until when.

Everything is drawn once for the whole date range (the "world"); each day's HR
export is then a view of it, so consecutive days stay consistent.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .conventions import NEVER, generated_employee_numbers
from .reference import (
    CONTRACTOR,
    DEPARTMENTS,
    EMAIL_DOMAIN,
    EMPLOYEE,
    EMPLOYMENT_TYPES,
    ENGINEERING_MANAGER,
    EXECUTIVE_FAMILY,
    FAMILIES,
    FIRST_NAMES,
    IN_SCOPE_FAMILIES,
    INTERN,
    LAST_NAMES,
    email_token,
)

# One row per person of the world. The *_day columns are day numbers: the person
# appears in exports from visible_day, the export shows termination_date from
# notice_day, and NEVER means "no such date".
PEOPLE_SCHEMA = pa.schema(
    [
        ("employee_id", pa.string()),
        ("work_email", pa.string()),
        ("full_name", pa.string()),
        ("job_title", pa.string()),
        ("job_family", pa.string()),
        ("department", pa.string()),
        ("manager_id", pa.string()),
        ("employment_type", pa.string()),
        ("hire_day", pa.int32()),
        ("visible_day", pa.int32()),
        ("termination_day", pa.int32()),
        ("notice_day", pa.int32()),
        ("leave_start_day", pa.int32()),
        ("leave_end_day", pa.int32()),
    ]
)

FAMILY_NAMES: tuple[str, ...] = (*(family.name for family in FAMILIES), EXECUTIVE_FAMILY)
EXECUTIVE = len(FAMILIES)
IN_SCOPE = np.array([name in IN_SCOPE_FAMILIES for name in FAMILY_NAMES])
_DEPARTMENT_INDEX = {department.name: i for i, department in enumerate(DEPARTMENTS)}
_FAMILY_INDEX = {name: i for i, name in enumerate(FAMILY_NAMES)}
_FAMILY_DEPARTMENT = np.array([_DEPARTMENT_INDEX[family.department] for family in FAMILIES])


def _vocabulary(*groups: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for group in groups for item in group))


# Job titles are stem + suffix ("Senior Backend Engineer" + ", Plan").
TITLE_STEMS = _vocabulary(
    *(tuple(stem for stem, _ in family.titles) for family in FAMILIES),
    tuple(family.intern_title for family in FAMILIES if family.intern_title),
    *(department.manager_titles for department in DEPARTMENTS),
    tuple(department.executive_title for department in DEPARTMENTS),
)
TITLE_SUFFIXES = _vocabulary(
    ("",),
    *(family.suffixes for family in FAMILIES),
    *(department.manager_suffixes for department in DEPARTMENTS),
)
_STEM = {stem: i for i, stem in enumerate(TITLE_STEMS)}
_SUFFIX = {suffix: i for i, suffix in enumerate(TITLE_SUFFIXES)}

# Tenure is measured back from the end date; the organisation is about eight years old.
_COMPANY_AGE_DAYS = 2920
FIRST_TOKENS = tuple(email_token(name) for name in FIRST_NAMES)
LAST_TOKENS = tuple(email_token(name) for name in LAST_NAMES)
_NAME_STYLES = ("First Last", "Last, First", "First M. Last")


@dataclass(frozen=True)
class Population:
    """Integer-coded people; index i of every array is the same person."""

    number: np.ndarray  # employee number, E<number>
    family: np.ndarray  # index into FAMILY_NAMES
    department: np.ndarray  # index into DEPARTMENTS
    employment_type: np.ndarray  # index into EMPLOYMENT_TYPES
    title_stem: np.ndarray
    title_suffix: np.ndarray
    manager_number: np.ndarray  # -1: no manager
    first_name: np.ndarray
    last_name: np.ndarray
    name_style: np.ndarray  # index into _NAME_STYLES
    middle_initial: np.ndarray  # 0-25 -> A-Z
    hire_day: np.ndarray
    visible_day: np.ndarray
    termination_day: np.ndarray
    notice_day: np.ndarray
    leave_start_day: np.ndarray
    leave_end_day: np.ndarray

    def __len__(self) -> int:
        return len(self.number)

    def to_table(self) -> pa.Table:
        return _people_table(self)


def _largest_remainder(shares: np.ndarray, total: int) -> np.ndarray:
    """Integer counts proportional to `shares` summing exactly to `total`."""
    if total == 0 or shares.sum() == 0:
        return np.zeros(len(shares), dtype=np.int64)
    exact = shares / shares.sum() * total
    counts = np.floor(exact).astype(np.int64)
    # Ties go to the earlier entry (stable sort) so the split is reproducible.
    extra = np.argsort(-(exact - counts), kind="stable")[: total - counts.sum()]
    counts[extra] += 1
    return counts


def _weighted(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    cumulative = np.cumsum(weights, dtype=np.float64)
    return np.searchsorted(cumulative, rng.random(size) * cumulative[-1], side="right")


def _staff_families(rng: np.random.Generator, count: int) -> np.ndarray:
    shares = np.array([family.share for family in FAMILIES])
    families = np.repeat(np.arange(len(FAMILIES)), _largest_remainder(shares, count))
    return rng.permutation(families)


def _departments(rng: np.random.Generator, family: np.ndarray) -> np.ndarray:
    """Department of each staff member; engineering managers go where engineers are."""
    department = _FAMILY_DEPARTMENT[family].copy()
    managed = np.array([d.manager_family == ENGINEERING_MANAGER for d in DEPARTMENTS])
    em_departments = np.flatnonzero(managed)
    is_em = family == _FAMILY_INDEX[ENGINEERING_MANAGER]
    reports = np.bincount(department[~is_em], minlength=len(DEPARTMENTS))[em_departments]
    if reports.sum() == 0:
        reports = np.ones_like(reports)
    allocation = np.repeat(
        em_departments, _largest_remainder(reports.astype(float), int(is_em.sum()))
    )
    department[is_em] = rng.permutation(allocation)
    return department


def _managers(family: np.ndarray, department: np.ndarray) -> np.ndarray:
    """Who manages people: every engineering manager, plus leads picked in other departments."""
    is_manager = family == _FAMILY_INDEX[ENGINEERING_MANAGER]
    for d, dept in enumerate(DEPARTMENTS):
        if dept.manager_family in (ENGINEERING_MANAGER, EXECUTIVE_FAMILY):
            continue
        members = department == d
        # Families arrive shuffled, so the first candidates are a random pick.
        candidates = np.flatnonzero(members & (family == _FAMILY_INDEX[dept.manager_family]))
        wanted = -(-int(members.sum()) // (dept.people_per_manager + 1))
        is_manager[candidates[:wanted]] = True
    return is_manager


def _tenures(rng: np.random.Generator, count: int) -> np.ndarray:
    """Days from hire date to end date: past hires skewed recent, a few future starters."""
    kind = rng.random(count)
    future = -rng.integers(1, 46, count)
    recent = rng.integers(0, 61, count)  # both the 30-day grace period and just past it
    settled = 61 + np.floor((_COMPANY_AGE_DAYS - 61) * rng.beta(1.3, 2.0, count)).astype(np.int64)
    return np.where(kind < 0.015, future, np.where(kind < 0.075, recent, settled))


def _employment_types(
    rng: np.random.Generator, family: np.ndarray, is_manager: np.ndarray
) -> np.ndarray:
    takes_interns = np.array([f.intern_title is not None for f in FAMILIES])[family] & ~is_manager
    # Scale the intern probability so interns are about 3 % of all staff.
    intern_p = 0.03 * len(family) / max(int(takes_interns.sum()), 1)
    draw = rng.random(len(family))
    kind = np.full(len(family), EMPLOYEE, dtype=np.int8)
    kind[(draw < 0.085) & ~is_manager] = CONTRACTOR
    kind[takes_interns & (draw >= 0.085) & (draw < 0.085 + intern_p)] = INTERN
    return kind


def _titles(
    rng: np.random.Generator,
    family: np.ndarray,
    department: np.ndarray,
    is_manager: np.ndarray,
    kind: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    stem = np.zeros(len(family), dtype=np.int16)
    suffix = np.zeros(len(family), dtype=np.int16)
    for f, fam in enumerate(FAMILIES):
        members = np.flatnonzero((family == f) & ~is_manager & (kind != INTERN))
        stems = np.array([_STEM[s] for s, _ in fam.titles])
        stem[members] = stems[_weighted(rng, np.array([w for _, w in fam.titles]), len(members))]
        suffixes = np.array([_SUFFIX[s] for s in fam.suffixes])
        suffix[members] = suffixes[rng.integers(0, len(suffixes), len(members))]
        if fam.intern_title:
            stem[(family == f) & (kind == INTERN)] = _STEM[fam.intern_title]
    for d, dept in enumerate(DEPARTMENTS):
        members = np.flatnonzero(is_manager & (department == d))
        if not dept.manager_titles:
            continue
        stems = np.array([_STEM[s] for s in dept.manager_titles])
        stem[members] = stems[rng.integers(0, len(stems), len(members))]
        suffixes = np.array([_SUFFIX[s] for s in dept.manager_suffixes])
        suffix[members] = suffixes[rng.integers(0, len(suffixes), len(members))]
    return stem, suffix


def _employment_dates(
    rng: np.random.Generator,
    end_day: int,
    tenure: np.ndarray,
    kind: np.ndarray,
    is_manager: np.ndarray,
) -> dict[str, np.ndarray]:
    count = len(tenure)
    hire = (end_day - tenure).astype(np.int32)
    termination = np.full(count, NEVER, dtype=np.int32)
    notice = np.full(count, NEVER, dtype=np.int32)
    draw = rng.random(count)
    regular = ~is_manager & (kind != INTERN) & (tenure > 45)

    # Leavers stay in the export with status terminated, as HRIS exports keep them.
    leaver = regular & (draw < 0.055)
    leaves_on = np.maximum(end_day - rng.integers(0, 541, count), hire + 30)
    # Resignations already handed in: active with a future termination date.
    resigning = regular & (draw >= 0.055) & (draw < 0.067)
    resigns_on = end_day + rng.integers(1, 41, count)
    gives_notice = rng.integers(14, 61, count)
    contract_ends = (kind == CONTRACTOR) & ~leaver & ~resigning & (rng.random(count) < 0.35)
    internship_ends = kind == INTERN
    termination[leaver] = leaves_on[leaver]
    termination[resigning] = resigns_on[resigning]
    notice[leaver | resigning] = np.maximum(termination - gives_notice, hire)[leaver | resigning]
    termination[contract_ends] = (end_day + rng.integers(30, 366, count))[contract_ends]
    termination[internship_ends] = (hire + rng.integers(90, 181, count))[internship_ends]
    # A fixed-term end date is known from the first day.
    notice[contract_ends | internship_ends] = hire[contract_ends | internship_ends]

    on_leave = (
        (kind != INTERN) & (termination == NEVER) & (tenure > 180) & (rng.random(count) < 0.033)
    )
    leave_start = np.maximum(end_day - rng.integers(0, 201, count), hire + 90)
    leave_end = np.maximum(end_day + rng.integers(-15, 201, count), leave_start + 7)
    return {
        "hire_day": hire,
        "visible_day": (hire - rng.integers(14, 61, count)).astype(np.int32),
        "termination_day": termination,
        "notice_day": notice,
        "leave_start_day": np.where(on_leave, leave_start, NEVER).astype(np.int32),
        "leave_end_day": np.where(on_leave, leave_end, NEVER).astype(np.int32),
    }


def _names(rng: np.random.Generator, count: int) -> dict[str, np.ndarray]:
    style = _weighted(rng, np.array([0.945, 0.03, 0.025]), count).astype(np.int8)
    return {
        "first_name": rng.integers(0, len(FIRST_NAMES), count).astype(np.int16),
        "last_name": rng.integers(0, len(LAST_NAMES), count).astype(np.int16),
        "name_style": style,
        "middle_initial": rng.integers(0, 26, count).astype(np.int8),
    }


def _executives(rng: np.random.Generator, count: int, end_day: int) -> Population:
    department = np.arange(count)
    tenure = rng.integers(2400, _COMPANY_AGE_DAYS + 1, count)
    tenure[:1] = _COMPANY_AGE_DAYS + 30  # the founder predates everybody
    hire = (end_day - tenure).astype(np.int32)
    return Population(
        number=np.arange(1, count + 1, dtype=np.int64),
        family=np.full(count, EXECUTIVE, dtype=np.int16),
        department=department.astype(np.int16),
        employment_type=np.full(count, EMPLOYEE, dtype=np.int8),
        title_stem=np.array(
            [_STEM[DEPARTMENTS[d].executive_title] for d in department], dtype=np.int16
        ),
        title_suffix=np.zeros(count, dtype=np.int16),
        # Executives report to the chief executive (number 1), who reports to nobody.
        manager_number=np.where(department == 0, -1, 1).astype(np.int64),
        hire_day=hire,
        visible_day=hire - 30,
        termination_day=np.full(count, NEVER, dtype=np.int32),
        notice_day=np.full(count, NEVER, dtype=np.int32),
        leave_start_day=np.full(count, NEVER, dtype=np.int32),
        leave_end_day=np.full(count, NEVER, dtype=np.int32),
        **_names(rng, count),
    )


def _assign_managers(
    rng: np.random.Generator,
    department: np.ndarray,
    is_manager: np.ndarray,
    number: np.ndarray,
    executives: int,
) -> np.ndarray:
    """Staff report to a manager of their department; managers to its executive."""
    chief = 1 if executives else -1
    manager = np.full(len(department), chief, dtype=np.int64)
    for d in range(len(DEPARTMENTS)):
        in_department = department == d
        # Executive d is number d + 1; departments too small for one fall back to the chief.
        head = d + 1 if d < executives else chief
        managers = number[in_department & is_manager]
        reports = np.flatnonzero(in_department & ~is_manager)
        manager[in_department & is_manager] = head
        if len(managers):
            manager[reports] = managers[rng.integers(0, len(managers), len(reports))]
        else:
            manager[reports] = head
    return manager


def generate_population(rng: np.random.Generator, people: int, end_day: int) -> Population:
    """`people` people: executives, managers and staff, numbered in order of hire."""
    executives = _executives(rng, min(people, len(DEPARTMENTS)), end_day)
    count = people - len(executives)
    family = _staff_families(rng, count)
    department = _departments(rng, family)
    is_manager = _managers(family, department)
    kind = _employment_types(rng, family, is_manager)
    tenure = np.where(
        is_manager, rng.integers(365, _COMPANY_AGE_DAYS + 1, count), _tenures(rng, count)
    )
    intern_tenure = np.where(
        rng.random(count) < 0.85, rng.integers(0, 151, count), -rng.integers(1, 46, count)
    )
    tenure = np.where(kind == INTERN, intern_tenure, tenure)
    stem, suffix = _titles(rng, family, department, is_manager, kind)
    dates = _employment_dates(rng, end_day, tenure, kind, is_manager)

    # Employee numbers follow hire order, as an HRIS assigns them.
    order = np.argsort(dates["hire_day"], kind="stable")
    number = generated_employee_numbers(len(executives) + 1, count)
    staff = Population(
        number=number,
        family=family[order].astype(np.int16),
        department=department[order].astype(np.int16),
        employment_type=kind[order],
        title_stem=stem[order],
        title_suffix=suffix[order],
        manager_number=_assign_managers(
            rng, department[order], is_manager[order], number, len(executives)
        ),
        **{name: values[order] for name, values in dates.items()},
        **_names(rng, count),
    )
    return Population(
        **{
            f.name: np.concatenate([getattr(executives, f.name), getattr(staff, f.name)])
            for f in fields(Population)
        }
    )


def _strings(values: tuple[str, ...], index: np.ndarray) -> pa.Array:
    return pa.array(values, pa.string()).take(pa.array(index))


def format_employee_ids(numbers: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    digits = pc.cast(pa.array(numbers, pa.int64(), mask=mask), pa.string())
    return pc.binary_join_element_wise("E", pc.utf8_lpad(digits, 6, "0"), "")


def _people_table(population: Population) -> pa.Table:
    first = _strings(FIRST_NAMES, population.first_name)
    last = _strings(LAST_NAMES, population.last_name)
    middle = _strings(tuple(chr(ord("A") + i) for i in range(26)), population.middle_initial)
    style = pa.array(population.name_style)
    full_name = pc.case_when(
        pc.make_struct(pc.equal(style, 1), pc.equal(style, 2)),
        pc.binary_join_element_wise(last, first, ", "),
        pc.binary_join_element_wise(first, pc.binary_join_element_wise(middle, "", "."), last, " "),
        pc.binary_join_element_wise(first, last, " "),
    )
    email = pc.binary_join_element_wise(
        _strings(FIRST_TOKENS, population.first_name),
        ".",
        _strings(LAST_TOKENS, population.last_name),
        pc.cast(pa.array(population.number), pa.string()),
        "@",
        EMAIL_DOMAIN,
        "",
    )
    departments = tuple(department.name for department in DEPARTMENTS)
    columns = {
        "employee_id": format_employee_ids(population.number),
        "work_email": email,
        "full_name": full_name,
        "job_title": pc.binary_join_element_wise(
            _strings(TITLE_STEMS, population.title_stem),
            _strings(TITLE_SUFFIXES, population.title_suffix),
            "",
        ),
        "job_family": _strings(FAMILY_NAMES, population.family),
        "department": _strings(departments, population.department),
        "manager_id": format_employee_ids(population.manager_number, population.manager_number < 0),
        "employment_type": _strings(EMPLOYMENT_TYPES, population.employment_type),
        **{
            name: pa.array(getattr(population, name), pa.int32())
            for name in (
                "hire_day",
                "visible_day",
                "termination_day",
                "notice_day",
                "leave_start_day",
                "leave_end_day",
            )
        },
    }
    return pa.table(columns, schema=PEOPLE_SCHEMA)
