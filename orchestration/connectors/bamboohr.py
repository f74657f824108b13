"""BambooHR: one custom report (POST /reports/custom?format=JSON) holding every employee."""

from __future__ import annotations

from collections.abc import Iterator

from orchestration.connectors.errors import ConnectorError
from orchestration.connectors.http import host_of, pages, rest_client, safe_url
from orchestration.connectors.mapping import SourceMapping, requested_fields
from orchestration.connectors.raw_responses import RawRecord, RawResponse
from orchestration.connectors.vendor_shapes import json_body, list_at
from orchestration.settings import BAMBOOHR_API_KEY_VAR, bamboohr_base_url, secret

SOURCE = "bamboohr"
REPORT_TITLE = "Training compliance roster"


def fetch(mapping: SourceMapping) -> Iterator[RawResponse]:
    from dlt.sources.helpers.rest_client.auth import HttpBasicAuth
    from dlt.sources.helpers.rest_client.paginators import SinglePagePaginator

    base_url, api_key = bamboohr_base_url(), secret(BAMBOOHR_API_KEY_VAR)
    if not base_url:
        raise ConnectorError(
            SOURCE, "set COMPLIANCE_BAMBOOHR_SUBDOMAIN (or COMPLIANCE_BAMBOOHR_BASE_URL)"
        )
    if not api_key:
        raise ConnectorError(SOURCE, "COMPLIANCE_BAMBOOHR_API_KEY is not set")
    # BambooHR's Basic auth: the API key is the user name, any text the password.
    client = rest_client(
        base_url,
        HttpBasicAuth(username=api_key, password="x"),
        headers={"Accept": "application/json"},
    )
    host = host_of(base_url)
    for page in pages(
        SOURCE,
        client,
        "reports/custom",
        SinglePagePaginator(),
        "employees",
        method="POST",
        params={"format": "JSON", "onlyCurrent": "false"},
        json={"title": REPORT_TITLE, "fields": requested_fields(mapping)},
    ):
        body = json_body(SOURCE, host, page.response.content)
        employees = list_at(SOURCE, host, body, "employees")
        yield RawResponse(
            file_name="report.json.gz",
            url=safe_url(page.response.url),
            body=page.response.content,
            records=[RawRecord(f"#/employees/{i}", record) for i, record in enumerate(employees)],
        )
