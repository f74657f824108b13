"""The landing zone resource: where the day's exports are read from."""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource


class LandingZoneResource(ConfigurableResource):
    """Directory holding hr/, lms/ and exceptions.csv (see the data contract)."""

    path: str

    @property
    def directory(self) -> Path:
        return Path(self.path).expanduser().resolve()
