"""Makes values taken from the data safe inside chat markup and mail headers.

Slack-compatible webhooks read `<...>` as mentions (`<!channel>`, `<@U…>`) and
disguised links (`<https://x|text>`), and `&` as the start of an entity; Slack's
own rule is to escape exactly these three characters in any text not meant as
markup. Mail headers end at a line break, so a CR or LF from the data could add
a header: header values are folded to one line instead. A value placed inside a
line of alert text is folded the same way, so it cannot forge lines of its own.
"""

from __future__ import annotations

import re

_SLACK_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
# Controls that are neither line breaks nor tab: NUL and the like are never text.
_OTHER_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f]")


def escape_slack_text(value: object) -> str:
    """The value as literal text in a Slack-compatible message (no mention, link or entity)."""
    text = str(value)
    for character, entity in _SLACK_ESCAPES:
        text = text.replace(character, entity)
    return text


def one_line(value: object) -> str:
    """The value on one line: line breaks become single spaces, other controls go."""
    return _LINE_BREAKS.sub(" ", _OTHER_CONTROLS.sub("", str(value)))


def header_value(value: object) -> str:
    """The value on one line, fit for a mail header: line breaks become single spaces."""
    return one_line(value).strip()
