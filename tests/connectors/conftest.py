"""Credentials and emulators shared by the connector tests."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.connectors import emulators

# Distinctive values, so a scan of every file after a run finds any leak of them.
SECRETS = {
    "COMPLIANCE_BAMBOOHR_API_KEY": "bamboo-key-7f3a91c2d4e5",
    "COMPLIANCE_WORKDAY_PASSWORD": "wd-pass-5b8e2c1f9a7d",
    "COMPLIANCE_KNOWBE4_API_KEY": "kb4-token-3c9d7e1a2b6f",
    "COMPLIANCE_SCW_API_KEY": "scw-key-8a1f4d2e6c3b",
}
WORKDAY_USER = "ISU_Compliance"


def leak_patterns() -> list[bytes]:
    """Each secret as written, and the Basic-auth header values that carry one."""
    patterns = [value.encode() for value in SECRETS.values()]
    for user, password in (
        (SECRETS["COMPLIANCE_BAMBOOHR_API_KEY"], "x"),
        (WORKDAY_USER, SECRETS["COMPLIANCE_WORKDAY_PASSWORD"]),
    ):
        patterns.append(base64.b64encode(f"{user}:{password}".encode()))
    return patterns


def leaks_under(root: Path) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            found += [f"{path}: {p.decode()}" for p in leak_patterns() if p in content]
    return found


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("COMPLIANCE_WORKDAY_USERNAME", WORKDAY_USER)
    return SECRETS


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch, credentials: dict[str, str]):
    """serve(source, responder, faults) starts an emulator and points the source at it."""
    started: list = []

    def start(source: str, responder, faults=None) -> emulators.Emulator:
        emulator = emulators.Emulator(responder, faults)
        context = emulator.running()
        context.__enter__()
        started.append(context)
        urls = {
            "bamboohr": ("COMPLIANCE_BAMBOOHR_BASE_URL", "/v1"),
            "workday": (
                "COMPLIANCE_WORKDAY_REPORT_URL",
                "/ccx/service/customreport2/acme/ISU_Compliance/Training_Roster",
            ),
            "knowbe4": ("COMPLIANCE_KNOWBE4_BASE_URL", ""),
            "securecodewarrior": ("COMPLIANCE_SCW_BASE_URL", ""),
        }
        variable, suffix = urls[source]
        monkeypatch.setenv(variable, emulator.url + suffix)
        return emulator

    yield start
    for context in started:
        context.__exit__(None, None, None)


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("COMPLIANCE_CONNECTOR_MAX_ATTEMPTS", "2")
    yield
