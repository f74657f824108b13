"""Secure Code Warrior: the users list (for emails), then each qualifying course's progress.

The courses asked for are the policy's qualifying courses: their course_id is the Secure
Code Warrior course id. A progress record names a user id; its email comes from the users
list, so both lists are kept among the raw responses.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from orchestration.connectors.errors import ConnectorError
from orchestration.connectors.http import host_of, pages, rest_client, safe_url
from orchestration.connectors.mapping import SourceMapping, as_text
from orchestration.connectors.raw_responses import RawRecord, RawResponse
from orchestration.connectors.vendor_shapes import json_body, list_at
from orchestration.policy.loading import load_policy
from orchestration.settings import SCW_API_KEY_VAR, SCW_BASE_URL_VAR, policy_file, secret, setting

SOURCE = "securecodewarrior"


def _paginator():
    from dlt.sources.helpers.rest_client.paginators import PageNumberPaginator

    return PageNumberPaginator(base_page=1, page_param="page", total_path="links.total_pages")


def fetch(mapping: SourceMapping) -> Iterator[RawResponse]:
    from dlt.sources.helpers.rest_client.auth import APIKeyAuth

    base_url, api_key = setting(SCW_BASE_URL_VAR), secret(SCW_API_KEY_VAR)
    if not api_key:
        raise ConnectorError(SOURCE, "COMPLIANCE_SCW_API_KEY is not set")
    client = rest_client(base_url, APIKeyAuth(name="X-API-Key", api_key=api_key))
    host = host_of(base_url)
    training = load_policy(policy_file()).document.training
    course_ids = [course.course_id for course in training.qualifying_courses]

    emails: dict[str, str | None] = {}
    for number, page in enumerate(pages(SOURCE, client, "users", _paginator(), "users"), 1):
        users = list_at(SOURCE, host, json_body(SOURCE, host, page.response.content), "users")
        for user in users:
            if isinstance(user, dict) and as_text(user.get("id")) is not None:
                emails[as_text(user.get("id"))] = as_text(user.get("email"))
        # The users list maps ids to emails; its records are no export rows of their own.
        yield RawResponse(
            f"users-{number:04d}.json.gz", safe_url(page.response.url), page.response.content
        )

    for course_number, course_id in enumerate(course_ids, 1):
        path = f"courses/{quote(course_id, safe='')}/developers-progress"
        for number, page in enumerate(pages(SOURCE, client, path, _paginator(), "data"), 1):
            body = json_body(SOURCE, host, page.response.content)
            progress = list_at(SOURCE, host, body, "data")
            records = []
            for i, entry in enumerate(progress):
                user_id = as_text(entry.get("user_id")) if isinstance(entry, dict) else None
                flattened = {
                    **(entry if isinstance(entry, dict) else {}),
                    "record_id": f"{course_id}:{user_id}" if user_id is not None else None,
                    "course_id": course_id,
                    "user": {"id": user_id, "email": emails.get(user_id or "")},
                }
                records.append(RawRecord(f"#/data/{i}", flattened))
            yield RawResponse(
                f"course-{course_number:02d}-progress-{number:04d}.json.gz",
                safe_url(page.response.url),
                page.response.content,
                records,
            )
