"""Identifier formats, reserved ranges and day numbers shared by the generators."""

from __future__ import annotations

from datetime import date

import numpy as np

EPOCH = date(1970, 1, 1)

# Day numbers (days since EPOCH) are int32; NEVER stands for "not on any date".
NEVER = np.iinfo(np.int32).max

# Employee numbers 900000-900999 are never given to the generic population:
# planted people use 900001-900099 and LMS records carrying an id unknown to HR
# use 900500-900999, so neither can collide with a generated employee.
RESERVED_BLOCK_START = 900_000
RESERVED_BLOCK_SIZE = 1_000
UNKNOWN_ID_START = 900_500
UNKNOWN_ID_COUNT = 500

# Record numbers below this are reserved for planted LMS records.
FIRST_GENERATED_RECORD = 1_000


def to_day(value: date) -> int:
    return (value - EPOCH).days


def employee_id(number: int) -> str:
    return f"E{number:06d}"


def generated_employee_numbers(start: int, count: int) -> np.ndarray:
    """`count` consecutive employee numbers from `start`, skipping the reserved block."""
    sequence = np.arange(start, start + count, dtype=np.int64)
    return sequence + RESERVED_BLOCK_SIZE * (sequence >= RESERVED_BLOCK_START)
