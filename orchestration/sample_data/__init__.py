"""Synthetic landing zone for the training-compliance pipeline.

`generate_landing_zone` writes daily HR and LMS full exports plus an exceptions
file, following docs/data-contract.md; `planted_people` lists the
people planted in every landing zone with their expected status per date.
"""

from .day_series import changed_day_series
from .landing_zone import generate_landing_zone, hr_path, lms_path
from .planted import PlantedPerson, planted_people
from .summary import DayFiles, GenerationSummary

__all__ = [
    "DayFiles",
    "GenerationSummary",
    "PlantedPerson",
    "changed_day_series",
    "generate_landing_zone",
    "hr_path",
    "lms_path",
    "planted_people",
]
