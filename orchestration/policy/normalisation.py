"""The one normalisation of text compared for scope and identity (compliance rule 2.1).

Policy patterns, HR values and emails all go through `normalise`; the landing
loader computes the same function in SQL for ASCII values (see
orchestration/ingestion/derived_columns.py) and calls these functions for the rest.
"""

from __future__ import annotations

import sys
import unicodedata
from functools import cache

from orchestration.policy.confusables import prototypes


@cache
def _format_characters() -> dict[int, None]:
    """Every code point of category Cf (zero-width space and joiners, BOM, soft hyphen, ...)."""
    return {
        code: None for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cf"
    }


def normalise(value: str | None) -> str | None:
    """NFKC, format characters removed, whitespace runs as one space, trimmed, lower-cased.

    `lower()`, not `casefold()`: the rule says lower-casing, and casefold goes
    further ("Straße" would equal "strasse", "ﬁ" would be "fi"); lower() also
    agrees with SQL's lower() on every ASCII value, which the loader's SQL fast
    path relies on. An all-blank value gives "" (not None): the value was there.
    """
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", value).translate(_format_characters())
    # str.split() with no argument splits on runs of str.isspace() characters
    # (tab, no-break space, line separators, ...) and drops them at both ends.
    return " ".join(text.split()).lower()


def skeleton(value: str | None) -> str | None:
    """The Unicode TR39 skeleton of a normalised value: look-alikes map to one form.

    skeleton(X) = NFD(prototype of each character of NFD(X)); Cyrillic "\u0430"
    becomes Latin "a", "rn" and "m" meet, so two values that look the same
    compare equal. Apply it to `normalise`'s output, as both sides of a
    comparison must.
    """
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFD", value)
    return unicodedata.normalize("NFD", decomposed.translate(prototypes()))
