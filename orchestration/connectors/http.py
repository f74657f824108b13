"""The HTTP layer of every connector: dlt's REST client with bounded, Retry-After-aware retries.

dlt's Client retries 429, 5xx, timeouts and dropped connections with exponential backoff,
waiting what `Retry-After` says when the server sends it. Errors are turned into one
ConnectorError naming the host and the status, never the URL's query or a header.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

from orchestration.connectors.errors import ConnectorError
from orchestration.settings import connector_max_attempts, dlt_environment

if TYPE_CHECKING:
    from dlt.sources.helpers.rest_client import RESTClient
    from dlt.sources.helpers.rest_client.client import PageData
    from dlt.sources.helpers.rest_client.paginators import BasePaginator

# Seconds: a request that answers nothing for this long counts as a failed attempt.
REQUEST_TIMEOUT = 60
# The longest wait between attempts, Retry-After included: a longer Retry-After is cut to
# it (the attempt count still bounds the pull) rather than holding the run for hours.
MAX_RETRY_DELAY = 120


def _prepare_dlt() -> None:
    # Before dlt is imported: no telemetry, and dlt's files in the project's data folder.
    for name, value in dlt_environment().items():
        os.environ[name] = value


def host_of(url: str) -> str:
    return urlsplit(url).hostname or url


def safe_url(url: str) -> str:
    """The URL as it may be recorded: no user or password, sensitive query values redacted."""
    _prepare_dlt()
    from dlt.sources.helpers.rest_client.redaction import sanitize_url

    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return sanitize_url(parts._replace(netloc=netloc).geturl())


def _cap_retry_after(response: requests.Response) -> None:
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit() and int(value) > MAX_RETRY_DELAY:
        response.headers["Retry-After"] = str(MAX_RETRY_DELAY)


def _raise_for_status(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    # An HTTPError carrying the response lets dlt's retry decide by status code.
    if response.status_code >= 400:
        _cap_retry_after(response)
        raise requests.HTTPError(f"status {response.status_code}", response=response)


def rest_client(base_url: str, auth: Any, headers: dict[str, str] | None = None) -> RESTClient:
    _prepare_dlt()
    from dlt.sources.helpers.requests.retry import Client
    from dlt.sources.helpers.rest_client import RESTClient

    session = Client(
        request_timeout=REQUEST_TIMEOUT,
        raise_for_status=False,
        request_max_attempts=connector_max_attempts(),
        request_backoff_factor=1,
        request_max_retry_delay=MAX_RETRY_DELAY,
        respect_retry_after_header=True,
    ).session
    return RESTClient(base_url=base_url, headers=headers, auth=auth, session=session)


def pages(
    source: str,
    client: RESTClient,
    path: str,
    paginator: BasePaginator,
    data_selector: str,
    **request: Any,
) -> Iterator[PageData[Any]]:
    """Every page of one endpoint; any failure is a ConnectorError naming host and cause."""
    host = host_of(client.base_url if not path.startswith("http") else path)
    try:
        yield from client.paginate(
            path,
            paginator=paginator,
            data_selector=data_selector,
            hooks={"response": [_raise_for_status]},
            **request,
        )
    except requests.HTTPError as error:
        status = error.response.status_code if error.response is not None else None
        if status in (401, 403):
            raise ConnectorError(source, f"credentials refused by {host} ({status})") from None
        raise ConnectorError(
            source,
            f"{host} answered {status} after {connector_max_attempts()} attempt(s)"
            if status in (429, *range(500, 600))
            else f"{host} answered {status}",
        ) from None
    except ValueError as error:
        # Not JSON, or JSON without what the paginator reads (e.g. links.total_pages).
        raise ConnectorError(
            source, f"{host} answered in a shape the connector cannot read ({error})"
        ) from None
    except requests.RequestException as error:
        raise ConnectorError(
            source,
            f"{host} could not be reached after {connector_max_attempts()} attempt(s) "
            f"({type(error).__name__})",
        ) from None
