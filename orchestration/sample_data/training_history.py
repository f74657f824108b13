"""LMS training records of the world: qualifying completions, renewals, other courses.

Each record carries the days it was assigned, started and completed, so the
export of any day shows exactly the records (and statuses) that existed then.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .conventions import FIRST_GENERATED_RECORD, NEVER
from .population import FIRST_TOKENS, IN_SCOPE, LAST_TOKENS, Population
from .reference import COURSES, UTC_OFFSETS_MINUTES, VENDOR_DOMAINS

# How the LMS shows the learner's e-mail (the HR e-mail "jane.doe12@example.com").
AS_IS, TITLE_CASE, UPPER_CASE, PADDED_TITLE_CASE, PADDED, ALIAS = range(6)
# Which employee_id the LMS carries.
NO_ID, HR_ID, UNKNOWN_ID = range(3)
# How completed_at is written.
DATE_ONLY, UTC_TIMESTAMP, OFFSET_TIMESTAMP = range(3)

_QUALIFYING = np.array([i for i, course in enumerate(COURSES) if course.qualifying])
_OTHER = np.array([i for i, course in enumerate(COURSES) if not course.qualifying])
_OTHER_WEIGHTS = np.array([COURSES[i].weight for i in _OTHER])
_VALIDITY_DAYS = 365


@dataclass(frozen=True)
class Records:
    """Integer-coded LMS records; rows refer to identities (HR people, then outside learners)."""

    record_number: np.ndarray  # int64, record_id L<number>
    email_row: np.ndarray  # identity whose e-mail the record shows
    id_row: np.ndarray  # identity whose employee_id the record shows, per id_code
    id_code: np.ndarray
    email_variant: np.ndarray
    course: np.ndarray  # index into COURSES
    assigned_day: np.ndarray  # the record exists from this day
    started_day: np.ndarray
    completed_day: np.ndarray  # UTC day of completion
    completed_second: np.ndarray  # seconds after UTC midnight
    timestamp_style: np.ndarray
    utc_offset_minutes: np.ndarray
    score_tenths: np.ndarray  # -1: no score

    def __len__(self) -> int:
        return len(self.record_number)

    @staticmethod
    def concat(*parts: Records) -> Records:
        return Records(
            **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Records)}
        )


@dataclass(frozen=True)
class _Drafts:
    """Records before the per-record presentation details are drawn."""

    owner: np.ndarray
    course: np.ndarray
    assigned_day: np.ndarray
    started_day: np.ndarray
    completed_day: np.ndarray

    def take(self, order: np.ndarray) -> _Drafts:
        return _Drafts(**{f.name: getattr(self, f.name)[order] for f in fields(self)})

    @staticmethod
    def concat(*parts: _Drafts) -> _Drafts:
        # Compact dtypes halve the cost of the sort that follows.
        return _Drafts(
            **{
                f.name: np.minimum(
                    np.concatenate([getattr(p, f.name) for p in parts]), NEVER
                ).astype(np.int8 if f.name == "course" else np.int32)
                for f in fields(_Drafts)
            }
        )


def _categorical(
    rng: np.random.Generator, weights: np.ndarray | list[float], count: int
) -> np.ndarray:
    """Indices drawn with the given weights (comparisons beat searchsorted at this size)."""
    cumulative = np.cumsum(weights, dtype=np.float64)
    draw = rng.random(count, dtype=np.float32) * np.float32(cumulative[-1])
    index = np.zeros(count, dtype=np.int8)
    for bound in cumulative[:-1]:
        index += draw >= bound
    return index


def _uniform_days(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """A day in [low, high] per element (inclusive)."""
    return low + np.floor(rng.random(len(low)) * (high - low + 1)).astype(np.int64)


def _last_completions(
    rng: np.random.Generator, population: Population, end_day: int, ref: np.ndarray
) -> np.ndarray:
    """Day of each person's latest qualifying completion, NEVER for people who have none.

    Ages are chosen so that on the end date most in-scope people are current,
    some due soon, a minority overdue and some never trained.
    """
    count = len(population)
    hired = population.hire_day <= end_day
    tenure = np.where(hired, ref - population.hire_day, -1)
    in_scope = IN_SCOPE[population.family]
    draw = rng.random(count)
    current = np.where(in_scope, draw < 0.78, draw < 0.10)
    overdue = np.where(in_scope, (draw >= 0.78) & (draw < 0.92), (draw >= 0.10) & (draw < 0.15))
    # Half of the new starters train within their first weeks, the rest not yet.
    newcomer = tenure <= 45
    current = np.where(newcomer, rng.random(count) < 0.5, current)
    overdue &= ~newcomer
    age = np.where(
        overdue, rng.integers(366, 701, count), rng.integers(0, _VALIDITY_DAYS + 1, count)
    )
    # Nobody completed before being hired: shorten ages that would reach past the hire date.
    too_old = age > tenure
    age[too_old] = np.floor(rng.random(int(too_old.sum())) * (tenure[too_old] + 1)).astype(np.int64)
    trained = hired & (current | overdue)
    return np.where(trained, ref - age, NEVER)


def _qualifying_history(rng: np.random.Generator, hire: np.ndarray, last: np.ndarray) -> _Drafts:
    """Yearly completions going back from `last` to the hire date."""
    people = np.flatnonzero(last != NEVER)
    per_person = np.minimum(1 + (last[people] - hire[people]) // 300, 12)
    owner = np.repeat(people, per_person)
    first_of_person = np.repeat(np.cumsum(per_person) - per_person, per_person)
    gap = rng.integers(300, 421, len(owner))
    gap[np.arange(len(owner)) == first_of_person] = 0
    steps = np.cumsum(gap)
    completed = last[owner] - (steps - steps[first_of_person])
    keep = completed >= hire[owner]
    owner, completed = owner[keep], completed[keep]
    assigned = np.maximum(completed - rng.integers(0, 46, len(owner)), hire[owner])
    return _Drafts(
        owner=owner,
        course=np.where(rng.random(len(owner)) < 0.6, _QUALIFYING[0], _QUALIFYING[1]),
        assigned_day=assigned,
        started_day=_uniform_days(rng, assigned, completed),
        completed_day=completed,
    )


def _pending_qualifying(
    rng: np.random.Generator,
    population: Population,
    end_day: int,
    ref: np.ndarray,
    last: np.ndarray,
) -> _Drafts:
    """Renewal reminders and first assignments that nobody has completed (yet)."""
    count = len(population)
    hire = population.hire_day
    age = ref - last
    draw = rng.random(count)
    renewal = (last != NEVER) & (age >= 300) & (draw < 0.75)
    untrained = (last == NEVER) & IN_SCOPE[population.family] & (hire <= end_day) & (draw < 0.6)
    assigned = np.where(
        renewal,
        last + np.minimum(rng.integers(300, 341, count), age),
        hire + rng.integers(0, 21, count),
    )
    owner = np.flatnonzero(renewal | untrained)
    assigned = assigned[owner]
    started = np.where(
        rng.random(len(owner)) < 0.5, assigned + rng.integers(0, 31, len(owner)), NEVER
    )
    return _Drafts(
        owner=owner,
        course=np.where(rng.random(len(owner)) < 0.6, _QUALIFYING[0], _QUALIFYING[1]),
        assigned_day=assigned,
        started_day=started,
        completed_day=np.full(len(owner), NEVER, dtype=np.int64),
    )


def _other_courses(
    rng: np.random.Generator, population: Population, end_day: int, ref: np.ndarray, count: int
) -> _Drafts:
    """Non-qualifying courses, spread over people in proportion to their tenure."""
    hired = np.flatnonzero(population.hire_day <= end_day)
    if count <= 0 or len(hired) == 0:
        return _Drafts(*(np.zeros(0, dtype=np.int64) for _ in fields(_Drafts)))
    weight = (ref[hired] - population.hire_day[hired] + 60).astype(np.float64)
    # Counts per person rather than an owner per record: no random lookups over millions of people.
    owner = np.repeat(hired, rng.multinomial(count, weight / weight.sum()))
    hire = population.hire_day[owner].astype(np.int64)
    day = _uniform_days(rng, hire, ref[owner])
    assigned = np.maximum(day - rng.integers(0, 31, count), hire)
    state = rng.random(count, dtype=np.float32)
    done, in_progress = state < 0.88, (state >= 0.88) & (state < 0.95)
    started = np.where(done, _uniform_days(rng, assigned, day), np.where(in_progress, day, NEVER))
    return _Drafts(
        owner=owner,
        course=_OTHER[_categorical(rng, _OTHER_WEIGHTS, count)],
        assigned_day=np.where(done, assigned, day),
        started_day=started,
        completed_day=np.where(done, day, NEVER),
    )


def _outside_learners(
    rng: np.random.Generator, learners: int, records: int, end_day: int, first_row: int
) -> tuple[_Drafts, pa.Table]:
    """Vendor contractors on the LMS who are not in HR: they must end up unmatched."""
    names = pc.binary_join_element_wise(
        pa.array(FIRST_TOKENS).take(pa.array(rng.integers(0, len(FIRST_TOKENS), learners))),
        ".",
        pa.array(LAST_TOKENS).take(pa.array(rng.integers(0, len(LAST_TOKENS), learners))),
        pc.cast(pa.array(np.arange(1, learners + 1)), pa.string()),
        "@",
        pa.array(VENDOR_DOMAINS).take(pa.array(rng.integers(0, len(VENDOR_DOMAINS), learners))),
        "",
    )
    identities = pa.table({"employee_id": pa.nulls(learners, pa.string()), "email": names})
    owner = first_row + rng.integers(0, learners, records)
    completed = end_day - rng.integers(0, 731, records)
    assigned = completed - rng.integers(0, 31, records)
    done = rng.random(records) < 0.85
    course = np.where(
        rng.random(records) < 0.55,
        _QUALIFYING[rng.integers(0, len(_QUALIFYING), records)],
        _OTHER[rng.integers(0, len(_OTHER), records)],
    )
    drafts = _Drafts(
        owner=owner,
        course=course,
        assigned_day=assigned,
        started_day=_uniform_days(rng, assigned, completed),
        completed_day=np.where(done, completed, NEVER),
    )
    return drafts, identities


def _stable_order(days: np.ndarray) -> np.ndarray:
    """Stable argsort of day numbers; as 16-bit offsets numpy radix-sorts them, much faster."""
    if len(days) and int(days.max()) - int(days.min()) < 2**16:
        return np.argsort((days - days.min()).astype(np.uint16), kind="stable")
    return np.argsort(days, kind="stable")


def _present(rng: np.random.Generator, drafts: _Drafts, outside_from: int) -> Records:
    """Draw how the LMS shows each record: identity columns, timestamp style, score."""
    count = len(drafts.owner)
    outside = drafts.owner >= outside_from
    id_draw = rng.random(count, dtype=np.float32)
    id_code = (id_draw < 0.7).astype(np.int8)  # HR_ID when true, NO_ID otherwise
    id_code[id_draw > 0.998] = UNKNOWN_ID
    id_code[outside] = np.where(id_draw[outside] < 0.25, UNKNOWN_ID, NO_ID)
    variant = _categorical(rng, [0.86, 0.05, 0.03, 0.03, 0.02, 0.01], count)
    # A stale alias is only plausible where the HR id still ties the record to its person.
    variant[(variant == ALIAS) & (id_code != HR_ID)] = AS_IS
    variant[outside] = AS_IS
    style = _categorical(rng, [0.55, 0.30, 0.15], count)
    offsets = np.array(UTC_OFFSETS_MINUTES, dtype=np.int16)
    score = rng.integers(55, 101, count, dtype=np.int16) * np.int16(10)
    score += np.int16(5) * (rng.random(count, dtype=np.float32) < 0.25)
    score = np.minimum(score, np.int16(1000))
    score[rng.random(count, dtype=np.float32) >= 0.8] = -1
    return Records(
        record_number=np.arange(
            FIRST_GENERATED_RECORD, FIRST_GENERATED_RECORD + count, dtype=np.int64
        ),
        email_row=drafts.owner,
        id_row=drafts.owner,
        id_code=id_code,
        email_variant=variant,
        course=drafts.course,
        assigned_day=drafts.assigned_day,
        started_day=drafts.started_day,
        completed_day=drafts.completed_day,
        completed_second=rng.integers(0, 86_400, count, dtype=np.int32),
        timestamp_style=style,
        utc_offset_minutes=offsets[rng.integers(0, len(offsets), count, dtype=np.int8)],
        score_tenths=score,
    )


def generate_history(
    rng: np.random.Generator,
    population: Population,
    end_day: int,
    records_per_person: float,
    outside_first_row: int,
) -> tuple[Records, pa.Table]:
    """About `records_per_person` LMS records per person, plus outside learners.

    Returns the records and the identities (employee_id, email) of the outside
    learners, whose rows start at `outside_first_row`.
    """
    ref = np.minimum(end_day, population.termination_day.astype(np.int64) - 1)
    last = _last_completions(rng, population, end_day, ref)
    qualifying = _qualifying_history(rng, population.hire_day.astype(np.int64), last)
    pending = _pending_qualifying(rng, population, end_day, ref, last)
    learners = max(3, round(len(population) * 0.004))
    outside, outside_identities = _outside_learners(
        rng, learners, 3 * learners, end_day, outside_first_row
    )
    budget = round(len(population) * records_per_person)
    others = _other_courses(
        rng,
        population,
        end_day,
        ref,
        budget - len(qualifying.owner) - len(pending.owner) - len(outside.owner),
    )
    drafts = _Drafts.concat(qualifying, pending, others, outside)
    # LMS record ids grow with creation time, so number records in order of assignment.
    drafts = drafts.take(_stable_order(drafts.assigned_day))
    return _present(rng, drafts, outside_first_row), outside_identities
