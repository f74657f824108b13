"""Each file's view of the world as of one day: which rows it holds and their CSV columns."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .conventions import UNKNOWN_ID_COUNT, UNKNOWN_ID_START
from .population import format_employee_ids
from .reference import COURSES
from .training_history import DATE_ONLY, NO_ID, OFFSET_TIMESTAMP, UNKNOWN_ID, UTC_TIMESTAMP, Records
from .writer import CsvSource, text_schema

HR_HEADER = (
    "employee_id",
    "work_email",
    "full_name",
    "job_title",
    "job_family",
    "department",
    "manager_id",
    "employment_type",
    "employment_status",
    "hire_date",
    "termination_date",
)
LMS_HEADER = (
    "record_id",
    "user_email",
    "employee_id",
    "course_id",
    "course_title",
    "status",
    "completed_at",
    "score",
)
EXCEPTIONS_HEADER = ("employee_id", "reason", "approved_by", "approved_on", "expires_on")

HR_SCHEMA = text_schema(HR_HEADER, hire_date=pa.date32(), termination_date=pa.date32())
LMS_SCHEMA = text_schema(LMS_HEADER)

_HR_TEXT = HR_HEADER[:8]
_EMPLOYMENT_STATUSES = pa.array(["active", "leave", "terminated"])
_LMS_STATUSES = pa.array(["completed", "in_progress", "not_started"])


def dates(days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Dates of day numbers, null where not `valid`."""
    mask = None if valid is None else ~valid
    return pa.array(days.astype(np.int32), pa.int32(), mask=mask).cast(pa.date32())


def iso_dates(days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """YYYY-MM-DD for day numbers, null where not `valid`: one take from the span's date strings."""
    if valid is None:
        valid = np.ones(len(days), dtype=bool)
    if not valid.any():
        return pa.nulls(len(days), pa.string())
    first, last = int(days[valid].min()), int(days[valid].max())
    strings = pa.array(np.arange(first, last + 1, dtype=np.int32), pa.date32()).cast(pa.string())
    return strings.take(pa.array(np.where(valid, days - first, 0), mask=~valid))


def _digits(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width, "0")


class HrExport:
    """HR roster exports: who is visible on a day, with status and termination date as of then."""

    def __init__(self, people: pa.Table) -> None:
        self._text = {name: people[name].combine_chunks() for name in _HR_TEXT}
        self._days = {
            name: people[name].to_numpy() for name in people.column_names if name.endswith("_day")
        }

    def as_of(self, day: int) -> CsvSource:
        rows = np.flatnonzero(self._days["visible_day"] <= day)

        def columns(start: int, stop: int) -> list[pa.Array]:
            chosen = rows[start:stop]
            days = {name: values[chosen] for name, values in self._days.items()}
            on_leave = (days["leave_start_day"] <= day) & (day <= days["leave_end_day"])
            status = np.where(days["termination_day"] <= day, 2, np.where(on_leave, 1, 0))
            return [
                *(self._text[name].take(pa.array(chosen)) for name in _HR_TEXT),
                _EMPLOYMENT_STATUSES.take(pa.array(status)),
                dates(days["hire_day"]),
                dates(days["termination_day"], days["notice_day"] <= day),
            ]

        return CsvSource(HR_SCHEMA, len(rows), columns)


def _email_variants(emails: pa.Array) -> list[pa.Array]:
    """The HR e-mail as LMS systems show it, in the order of the training_history constants."""
    parts = pc.split_pattern(emails, "@", max_splits=1)
    local, domain = pc.list_element(parts, 0), pc.list_element(parts, 1)
    # "jane.doe12@example.com" -> "Jane.Doe12@Example.com"
    title = pc.binary_join_element_wise(pc.utf8_title(local), pc.utf8_capitalize(domain), "@")
    # A stale address of the same person: "jdoe12@example.com".
    alias = pc.binary_join_element_wise(
        pc.replace_substring_regex(local, r"^(.)[^.]*\.", r"\1"), domain, "@"
    )
    return [
        emails,
        title,
        pc.utf8_upper(emails),
        pc.binary_join_element_wise("  ", title, " ", ""),
        pc.binary_join_element_wise(" ", emails, "  ", ""),
        alias,
    ]


def _times_of_day() -> pa.Array:
    """Time-of-day text ("T09:12:03") for each second of the day, then "" for plain dates."""
    second = np.arange(86_400)
    times = pc.binary_join_element_wise(
        "T",
        _digits(second // 3600, 2),
        ":",
        _digits(second // 60 % 60, 2),
        ":",
        _digits(second % 60, 2),
        "",
    )
    return pa.concat_arrays([times, pa.array([""])])


_MIN_OFFSET, _MAX_OFFSET = -720, 840


def _offset_suffixes() -> pa.Array:
    """Offset text ("+02:00") for every minute offset from -12:00 to +14:00, then "" and "Z"."""
    minutes = np.arange(_MIN_OFFSET, _MAX_OFFSET + 1)
    sign = pa.array(np.where(minutes < 0, "-", "+"))
    labels = pc.binary_join_element_wise(
        sign, _digits(np.abs(minutes) // 60, 2), ":", _digits(np.abs(minutes) % 60, 2), ""
    )
    return pa.concat_arrays([labels, pa.array(["", "Z"])])


def _scores() -> pa.Array:
    """Score text for each score in tenths, 0-1000: "87", "92.5"."""
    tenths = np.arange(1001)
    fraction = pc.if_else(
        pa.array(tenths % 10 == 0),
        "",
        pc.binary_join_element_wise(".", pc.cast(pa.array(tenths % 10), pa.string()), ""),
    )
    return pc.binary_join_element_wise(pc.cast(pa.array(tenths // 10), pa.string()), fraction, "")


class LmsExport:
    """LMS exports: the records assigned by a day, with their status and completion as of then."""

    def __init__(self, records: Records, identities: pa.Table) -> None:
        self._records = records
        emails = identities["email"].combine_chunks()
        self._identities = len(emails)
        # Dictionaries built once; every column of a day is then a take from one of them.
        self._emails = pa.concat_arrays(_email_variants(emails))
        unknown = format_employee_ids(
            np.arange(UNKNOWN_ID_START, UNKNOWN_ID_START + UNKNOWN_ID_COUNT)
        )
        self._employee_ids = pa.concat_arrays([identities["employee_id"].combine_chunks(), unknown])
        self._course_ids = pa.array([course.course_id for course in COURSES])
        self._course_titles = pa.array([course.title for course in COURSES])
        self._times = _times_of_day()
        self._suffixes = _offset_suffixes()
        self._scores = _scores()
        width = max(8, len(str(int(records.record_number.max(initial=0)))))
        self._record_base = 10**width  # "L" replaces the leading 1 of base + number

    def as_of(self, day: int) -> CsvSource:
        rows = np.flatnonzero(self._records.assigned_day <= day)
        return CsvSource(
            LMS_SCHEMA, len(rows), lambda start, stop: self._columns(rows[start:stop], day)
        )

    def _columns(self, rows: np.ndarray, day: int) -> list[pa.Array]:
        r = self._records
        course = pa.array(r.course[rows])
        completed = r.completed_day[rows] <= day
        status = np.where(completed, 0, np.where(r.started_day[rows] <= day, 1, 2))
        score = r.score_tenths[rows]
        id_code, id_row = r.id_code[rows], r.id_row[rows].astype(np.int64)
        id_index = np.where(
            id_code == UNKNOWN_ID, self._identities + id_row % UNKNOWN_ID_COUNT, id_row
        )
        record_id = pc.cast(pa.array(r.record_number[rows] + self._record_base), pa.string())
        return [
            pc.utf8_replace_slice(record_id, 0, 1, "L"),
            self._emails.take(
                pa.array(
                    r.email_variant[rows].astype(np.int64) * self._identities + r.email_row[rows]
                )
            ),
            self._employee_ids.take(pa.array(id_index, mask=id_code == NO_ID)),
            self._course_ids.take(course),
            self._course_titles.take(course),
            _LMS_STATUSES.take(pa.array(status)),
            self._completed_at(rows, completed),
            self._scores.take(pa.array(np.maximum(score, 0), mask=~completed | (score < 0))),
        ]

    def _completed_at(self, rows: np.ndarray, completed: np.ndarray) -> pa.Array:
        """A date, a UTC timestamp or a local timestamp with offset; the date is the local one."""
        r = self._records
        style = r.timestamp_style[rows]
        offset = np.where(style == OFFSET_TIMESTAMP, r.utc_offset_minutes[rows], 0).astype(np.int64)
        local = (
            r.completed_day[rows].astype(np.int64) * 86_400 + r.completed_second[rows] + offset * 60
        )
        time_index = np.where(style == DATE_ONLY, 86_400, local % 86_400)
        empty, zulu = len(self._suffixes) - 2, len(self._suffixes) - 1
        suffix_index = np.select(
            [style == DATE_ONLY, style == UTC_TIMESTAMP], [empty, zulu], offset - _MIN_OFFSET
        )
        return pc.binary_join_element_wise(
            iso_dates(local // 86_400, completed),
            self._times.take(pa.array(time_index)),
            self._suffixes.take(pa.array(suffix_index)),
            "",
        )


def exceptions_source(exceptions: pa.Table) -> CsvSource:
    table = exceptions.select(list(EXCEPTIONS_HEADER))

    def columns(start: int, stop: int) -> list[pa.Array]:
        part = table.slice(start, stop - start)
        return [column.combine_chunks() for column in part.columns]

    return CsvSource(table.schema, table.num_rows, columns)
