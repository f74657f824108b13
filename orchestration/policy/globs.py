"""Policy patterns: case-insensitive globs over the whole normalised value, as SQL LIKE.

`*` is any run of characters and `?` one character; everything else is
literal. Wildcards are read after normalisation, so a fullwidth asterisk
(U+FF0A) is a wildcard too (NFKC makes it "*"). The LIKE patterns use `\\` as escape
character: compare with `value like pattern escape '\\'`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from orchestration.policy.normalisation import normalise, skeleton

LIKE_ESCAPE = "\\"
_WILDCARDS = {"*": "%", "?": "_"}
_LIKE_SPECIAL = re.compile(r"([%_\\])")
_TOKENS = re.compile(r"([*?])")


def _escape(literal: str) -> str:
    return _LIKE_SPECIAL.sub(r"\\\1", literal)


def _like(pattern: str, literal_form: Callable[[str], str]) -> str:
    normalised = normalise(pattern) or ""
    parts = []
    for token in _TOKENS.split(normalised):
        if token in _WILDCARDS:
            parts.append(_WILDCARDS[token])
        elif token:
            parts.append(_escape(literal_form(token)))
    return "".join(parts)


def glob_to_like(pattern: str) -> str:
    """The normalised pattern as a LIKE pattern matching the whole value."""
    return _like(pattern, lambda literal: literal)


def skeleton_like(pattern: str) -> str:
    """As glob_to_like, with the literal parts replaced by their TR39 skeleton.

    Only the literal runs are skeletonised: a look-alike of "*" in the text
    (e.g. U+204E) stays a literal and never becomes a wildcard.
    """
    return _like(pattern, lambda literal: skeleton(literal) or "")


def has_wildcards(pattern: str) -> bool:
    """Whether the normalised pattern has a `*` or `?`."""
    return any(wildcard in (normalise(pattern) or "") for wildcard in _WILDCARDS)
