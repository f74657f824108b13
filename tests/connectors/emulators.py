"""Loopback HTTP servers answering as each vendor's API documents (docs/connectors.md).

Each emulator is a real http.server in a thread on 127.0.0.1. It checks the credentials
the vendor checks, pages its data the vendor's way, and records every request it saw.
`faults` replaces the answer to the n-th request (1-based, retries counted) with another
one (a 429 with Retry-After, a 503, a dropped connection) to exercise the client.
"""

from __future__ import annotations

import base64
import json
import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    # Close the connection without answering (a pull interrupted mid-way).
    drop: bool = False


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def param(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, [default])[0]

    def json(self) -> Any:
        return json.loads(self.body)


Responder = Callable[[SeenRequest], Reply]


class Emulator:
    def __init__(self, responder: Responder, faults: dict[int, Reply] | None = None) -> None:
        self.responder = responder
        self.faults = dict(faults or {})
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        seen = SeenRequest(
            method=handler.command,
            path=parts.path,
            query=parse_qs(parts.query),
            headers={name.lower(): value for name, value in handler.headers.items()},
            body=handler.rfile.read(length) if length else b"",
        )
        with self._lock:
            self.requests.append(seen)
            number = len(self.requests)
        reply = self.faults.get(number) or self.responder(seen)
        if reply.drop:
            handler.close_connection = True
            handler.wfile.flush()
            handler.connection.shutdown(2)
            return
        body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
        handler.send_response(reply.status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    @contextmanager
    def running(self) -> Iterator[Emulator]:
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                emulator._handle(self)

            do_POST = do_GET

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join()


def _basic(request: SeenRequest) -> tuple[str, str] | None:
    value = request.headers.get("authorization", "")
    if not value.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(value[6:]).decode().partition(":")
    return user, password


UNAUTHORIZED = Reply(401, {"error": "Unauthorized"})


def bamboohr(api_key: str, employees: list[dict[str, str]]) -> Responder:
    """POST /v1/reports/custom?format=JSON: the report's fields for every employee."""

    def respond(request: SeenRequest) -> Reply:
        if _basic(request) is None or _basic(request)[0] != api_key:
            return UNAUTHORIZED
        if request.method != "POST" or request.path != "/v1/reports/custom":
            return Reply(404, {"error": "not found"})
        if request.param("format") != "JSON" or "json" not in request.headers.get("accept", ""):
            return Reply(406, {"error": "ask for JSON"})
        fields = request.json()["fields"]
        rows = [
            {name: employee.get(name, "") for name in ["id", *fields]} for employee in employees
        ]
        return Reply(body={"fields": [{"id": name} for name in fields], "employees": rows})

    return respond


def workday(username: str, password: str, entries: list[dict[str, str]] | None) -> Responder:
    """GET <report>?format=json: {"Report_Entry": [...]}, no key at all when empty."""

    def respond(request: SeenRequest) -> Reply:
        if _basic(request) != (username, password):
            return UNAUTHORIZED
        if request.param("format") != "json":
            return Reply(400, {"error": "format"})
        return Reply(body={} if not entries else {"Report_Entry": entries})

    return respond


def knowbe4(api_key: str, enrollments: list[dict[str, Any]]) -> Responder:
    """GET /v1/training/enrollments?page=N&per_page=M: a bare array, [] past the end."""

    def respond(request: SeenRequest) -> Reply:
        if request.headers.get("authorization") != f"Bearer {api_key}":
            return UNAUTHORIZED
        if request.path != "/v1/training/enrollments":
            return Reply(404, {"error": "not found"})
        page, per_page = int(request.param("page", "1")), int(request.param("per_page", "100"))
        start = (page - 1) * per_page
        return Reply(body=enrollments[start : start + per_page])

    return respond


def securecodewarrior(
    api_key: str,
    users: list[dict[str, Any]],
    progress: dict[str, list[dict[str, Any]]],
    page_size: int = 2,
) -> Responder:
    """GET /users?page=N and /courses/<id>/developers-progress?page=N, links.total_pages."""

    def paged(key: str, items: list[dict[str, Any]], page: int) -> Reply:
        total = max(1, math.ceil(len(items) / page_size))
        chunk = items[(page - 1) * page_size : page * page_size]
        return Reply(body={key: chunk, "links": {"total_pages": total, "page": page}})

    def respond(request: SeenRequest) -> Reply:
        if request.headers.get("x-api-key") != api_key:
            return UNAUTHORIZED
        page = int(request.param("page", "1"))
        if request.path == "/users":
            return paged("users", users, page)
        parts = request.path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "courses" and parts[2] == "developers-progress":
            return paged("data", progress.get(parts[1], []), page)
        return Reply(404, {"error": "not found"})

    return respond
