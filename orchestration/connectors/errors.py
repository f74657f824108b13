"""The one error a pull raises: it names the source and the cause, never a credential."""

from __future__ import annotations


class ConnectorError(Exception):
    def __init__(self, source: str, cause: str) -> None:
        self.source = source
        self.cause = cause
        super().__init__(f"{source}: {cause}")


class MappingError(ValueError):
    """A mapping file that cannot be used: every problem, one per line, with its key path."""
