"""KnowBe4: training enrollments, GET /v1/training/enrollments?page=N, until an empty page."""

from __future__ import annotations

import time
from collections.abc import Iterator

from orchestration.connectors.errors import ConnectorError
from orchestration.connectors.http import host_of, pages, rest_client, safe_url
from orchestration.connectors.mapping import SourceMapping
from orchestration.connectors.raw_responses import RawRecord, RawResponse
from orchestration.connectors.vendor_shapes import json_body, list_at
from orchestration.settings import KNOWBE4_API_KEY_VAR, KNOWBE4_BASE_URL_VAR, secret, setting

SOURCE = "knowbe4"
PER_PAGE = 500
# KnowBe4 answers 429 above 4 requests a second: pace below it rather than lean on retries.
MIN_SECONDS_BETWEEN_PAGES = 0.25


def fetch(mapping: SourceMapping) -> Iterator[RawResponse]:
    from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
    from dlt.sources.helpers.rest_client.paginators import PageNumberPaginator

    base_url, api_key = setting(KNOWBE4_BASE_URL_VAR), secret(KNOWBE4_API_KEY_VAR)
    if not api_key:
        raise ConnectorError(SOURCE, "COMPLIANCE_KNOWBE4_API_KEY is not set")
    client = rest_client(base_url, BearerTokenAuth(token=api_key))
    host = host_of(base_url)
    paginator = PageNumberPaginator(
        base_page=1, page_param="page", total_path=None, stop_after_empty_page=True
    )
    last_request = 0.0
    for number, page in enumerate(
        pages(
            SOURCE,
            client,
            "v1/training/enrollments",
            paginator,
            "$",
            params={"per_page": PER_PAGE},
        ),
        start=1,
    ):
        body = json_body(SOURCE, host, page.response.content)
        enrollments = list_at(SOURCE, host, body, None)
        yield RawResponse(
            file_name=f"enrollments-{number:04d}.json.gz",
            url=safe_url(page.response.url),
            body=page.response.content,
            records=[RawRecord(f"#/{i}", record) for i, record in enumerate(enrollments)],
        )
        wait = MIN_SECONDS_BETWEEN_PAGES - (time.monotonic() - last_request)
        if wait > 0:
            time.sleep(wait)
        last_request = time.monotonic()
