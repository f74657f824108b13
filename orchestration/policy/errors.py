"""The one error a policy file can raise: every problem found, one line each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    # Dotted key path with [i] for list items, e.g. "scope.rules[2].match"; "" = the document.
    path: str
    message: str

    def render(self, file: Path | str) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{file}: {where}{self.message}"


class PolicyError(ValueError):
    """A policy file that cannot be used: the message names the file, the key path and why."""

    def __init__(self, file: Path | str, problems: Sequence[Problem]) -> None:
        self.file = Path(file)
        self.problems = tuple(problems)
        super().__init__("\n".join(problem.render(file) for problem in self.problems))


def key_path(location: Sequence[str | int]) -> str:
    """Pydantic's loc tuple as a dotted path: ("scope", "rules", 2, "id") -> scope.rules[2].id."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path
