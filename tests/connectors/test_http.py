"""What the HTTP layer records about a URL, and what it says about a shape it cannot read."""

from __future__ import annotations

import time
from datetime import date

import pytest

from orchestration.connectors.errors import ConnectorError
from orchestration.connectors.http import safe_url
from orchestration.connectors.pull import pull
from tests.connectors import emulators
from tests.connectors.conftest import WORKDAY_USER


def test_recorded_urls_carry_no_user_password_or_token() -> None:
    url = safe_url("https://isu:hunter2@wd5.example.com/ccx/report?format=json&api_key=abc123")
    assert url.startswith("https://wd5.example.com/ccx/report?format=json")
    assert "hunter2" not in url and "isu" not in url and "abc123" not in url


def test_a_page_without_its_paging_links_fails_naming_the_host(tmp_path, serve) -> None:
    # A full page without links.total_pages: how many pages there are is unknown.
    users = {"users": [{"id": "u-1", "email": "a@example.com"}]}
    serve("securecodewarrior", lambda request: emulators.Reply(body=users))
    with pytest.raises(
        ConnectorError, match=r"securecodewarrior: 127\.0\.0\.1 answered in a shape"
    ):
        pull("securecodewarrior", tmp_path, date(2026, 12, 2))
    assert list(tmp_path.rglob("*.csv")) == []


def test_a_body_that_is_not_json_fails_naming_the_host(tmp_path, serve) -> None:
    serve("workday", lambda request: emulators.Reply(body=b"<html>maintenance</html>"))
    with pytest.raises(ConnectorError, match=r"workday: 127\.0\.0\.1 answered in a shape"):
        pull("workday", tmp_path, date(2026, 12, 2))


def test_a_retry_after_longer_than_the_cap_is_cut_to_it(
    tmp_path, serve, credentials, monkeypatch
) -> None:
    monkeypatch.setattr("orchestration.connectors.http.MAX_RETRY_DELAY", 1)
    slow_down = emulators.Reply(429, {"message": "later"}, {"Retry-After": "3600"})
    emulator = serve(
        "workday",
        emulators.workday(WORKDAY_USER, credentials["COMPLIANCE_WORKDAY_PASSWORD"], []),
        faults={1: slow_down},
    )
    started = time.monotonic()
    pull("workday", tmp_path, date(2026, 12, 2))
    assert 1 <= time.monotonic() - started < 30
    assert len(emulator.requests) == 2
