"""Workday: a custom report published as a RaaS web service (GET <report URL>?format=json).

The whole report comes in one response. A report with no rows has no Report_Entry key at
all: that is an empty export (which fails the coverage gate as an empty roster does).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

from orchestration.connectors.errors import ConnectorError
from orchestration.connectors.http import host_of, pages, rest_client, safe_url
from orchestration.connectors.mapping import SourceMapping
from orchestration.connectors.raw_responses import RawRecord, RawResponse
from orchestration.connectors.vendor_shapes import json_body, list_at
from orchestration.settings import (
    WORKDAY_PASSWORD_VAR,
    WORKDAY_REPORT_URL_VAR,
    WORKDAY_USERNAME_VAR,
    secret,
    setting,
)

SOURCE = "workday"


def fetch(mapping: SourceMapping) -> Iterator[RawResponse]:
    from dlt.sources.helpers.rest_client.auth import HttpBasicAuth
    from dlt.sources.helpers.rest_client.paginators import SinglePagePaginator

    report_url = setting(WORKDAY_REPORT_URL_VAR)
    username, password = setting(WORKDAY_USERNAME_VAR), secret(WORKDAY_PASSWORD_VAR)
    if not report_url:
        raise ConnectorError(SOURCE, "COMPLIANCE_WORKDAY_REPORT_URL is not set")
    if not (username and password):
        raise ConnectorError(
            SOURCE, "COMPLIANCE_WORKDAY_USERNAME and COMPLIANCE_WORKDAY_PASSWORD must be set"
        )
    client = rest_client(report_url, HttpBasicAuth(username=username, password=password))
    host = host_of(report_url)
    # The URL Workday shows may already ask for a format; JSON is the one read here.
    params = {} if "format" in parse_qs(urlsplit(report_url).query) else {"format": "json"}
    for page in pages(
        SOURCE, client, report_url, SinglePagePaginator(), "Report_Entry", params=params
    ):
        body = json_body(SOURCE, host, page.response.content)
        entries = list_at(SOURCE, host, body, "Report_Entry", optional=True)
        yield RawResponse(
            file_name="report.json.gz",
            url=safe_url(page.response.url),
            body=page.response.content,
            records=[RawRecord(f"#/Report_Entry/{i}", entry) for i, entry in enumerate(entries)],
        )
