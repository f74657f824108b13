"""Delivers each alert exactly once per channel, even across failed ticks and restarts.

A channel's position (the sequence number of the last alert it received) is saved
in the Dagster instance's key-value storage right after each delivery. A sensor
that raises loses its own cursor update; these positions survive it, so a retry
after one channel failed never repeats what another channel already received.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dagster import DagsterInstance

from orchestration.alerting.channels import Alert, Channel, DeliveryError, send_with_retries


@dataclass(frozen=True)
class PendingAlert:
    sequence: int
    alert: Alert


class ChannelPositions:
    """Per-channel positions of one sensor in the instance's key-value storage."""

    def __init__(self, instance: DagsterInstance, sensor_name: str) -> None:
        self._instance = instance
        self._prefix = f"training_compliance/{sensor_name}/"

    def _key(self, channel: Channel) -> str:
        return self._prefix + channel.name

    def get(self, channel: Channel) -> int | None:
        key = self._key(channel)
        value = self._instance.run_storage.get_cursor_values({key}).get(key)
        return int(value) if value else None

    def set(self, channel: Channel, sequence: int) -> None:
        self._instance.run_storage.set_cursor_values({self._key(channel): str(sequence)})


def deliver(
    pending: Sequence[PendingAlert],
    channels: Sequence[Channel],
    positions: ChannelPositions,
    log: Callable[[str], None],
) -> int:
    """Sends alerts newer than each channel's position, in order; returns deliveries made.

    Raises DeliveryError naming every channel that failed, after the others were served.
    """
    delivered = 0
    failures: list[str] = []
    for channel in channels:
        position = positions.get(channel) or 0
        for item in sorted(pending, key=lambda candidate: candidate.sequence):
            if item.sequence <= position:
                continue
            try:
                send_with_retries(channel, item.alert)
            except DeliveryError as error:
                failures.append(str(error))
                break
            positions.set(channel, item.sequence)
            delivered += 1
            log(f"alert sent by {channel.describe()}: {item.alert.subject}")
    if failures:
        raise DeliveryError("alert delivery failed after retries: " + "; ".join(failures))
    return delivered


def initialise_positions(
    channels: Sequence[Channel], positions: ChannelPositions, current: int
) -> list[Channel]:
    """Starts new channels at `current` (no flood of history); returns the ones started."""
    started = []
    for channel in channels:
        if positions.get(channel) is None:
            positions.set(channel, current)
            started.append(channel)
    return started
