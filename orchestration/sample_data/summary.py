"""What a generation run wrote: per date, the files and their row counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class DayFiles:
    as_of: date
    hr_path: Path
    hr_rows: int
    lms_path: Path
    lms_rows: int


@dataclass(frozen=True)
class GenerationSummary:
    landing_dir: Path
    days: tuple[DayFiles, ...]  # oldest first
    exceptions_path: Path
    exceptions_rows: int
    people: int  # generated population, planted people included
    planted_people: int
    seconds: float

    @property
    def dates(self) -> tuple[date, ...]:
        return tuple(day.as_of for day in self.days)

    def for_date(self, as_of: date) -> DayFiles:
        for day in self.days:
            if day.as_of == as_of:
                return day
        raise KeyError(f"no export generated for {as_of.isoformat()}")

    def row_counts(self) -> dict[Path, int]:
        counts = {day.hr_path: day.hr_rows for day in self.days}
        counts.update({day.lms_path: day.lms_rows for day in self.days})
        counts[self.exceptions_path] = self.exceptions_rows
        return counts

    def __str__(self) -> str:
        lines = [
            f"landing zone {self.landing_dir}: {self.people} people "
            f"({self.planted_people} planted), {len(self.days)} day(s), {self.seconds:.1f} s",
        ]
        lines += [f"  {path}  {rows} rows" for path, rows in self.row_counts().items()]
        return "\n".join(lines)
