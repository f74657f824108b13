"""The repository carries its own reference in docs/, and everything points into it.

- no file refers to a reference kept outside the repository;
- every rule citation (the section sign followed by N or N.M) outside docs/ names a
  heading of docs/rules.md;
- the reference pages exist, and every relative link of README.md and docs/*.md
  reaches an existing file (and, for a Markdown file, an existing heading anchor).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
RULES = DOCS / "rules.md"
REFERENCE_PAGES = ("rules.md", "data-contract.md", "architecture.md", "README.md")

# The section headings rules.md must define, exactly as models and comments cite them.
RULE_SECTIONS = {
    "1": "Population on the as-of date",
    "2": "Scope",
    "3": "Qualifying training",
    "4": "Status",
    "5": "Exceptions",
    "6": "Coverage and the verdict",
    "7": "Worked examples",
}

# Built from parts, so that this file does not report itself.
OUTSIDE_REFERENCES = ("../" + "shared", "shared" + "/spec")

SECTION_SIGN = "\u00a7"
# A citation: the section sign, or its JSON escape, then N or N.M.
CITATION = re.compile(r"(?:\u00a7|\\u00a7)(\d+(?:\.\d+)?)")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@cache
def repository_files() -> tuple[Path, ...]:
    """Tracked files plus untracked ones git does not ignore, as they are on disk."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git working tree")
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")
    paths = {ROOT / name for name in listing.split("\0") if name}
    # A file deleted in the working tree but still in the index is no longer there.
    return tuple(sorted(path for path in paths if path.is_file()))


def text_of(path: Path) -> str | None:
    """The file's text, or None for a binary file."""
    data = path.read_bytes()
    if b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace")


def numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    text = text_of(path)
    if text is not None:
        yield from enumerate(text.splitlines(), start=1)


def prose_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Markdown lines outside fenced code blocks, with inline code removed."""
    in_fence = False
    for number, line in numbered_lines(path):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            yield number, INLINE_CODE.sub("", line)


def headings(path: Path) -> list[str]:
    found = []
    for _, line in prose_lines(path):
        match = HEADING.match(line)
        if match:
            found.append(match.group(2))
    return found


def rule_labels() -> dict[str, str]:
    """Section label (N or N.M) -> heading text, for every labelled heading of rules.md."""
    labels: dict[str, str] = {}
    for heading in headings(RULES):
        match = re.match(SECTION_SIGN + r"(\d+(?:\.\d+)?)(?:\s|$)", heading)
        if match:
            labels[match.group(1)] = heading
    return labels


def anchor_slugs(path: Path) -> set[str]:
    """The anchors a Markdown renderer gives the file's headings (GitHub's scheme)."""
    slugs: set[str] = set()
    seen: dict[str, int] = {}
    # Unlike prose_lines, inline code is kept: its text is part of the anchor.
    in_fence = False
    for _, line in numbered_lines(path):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        match = None if in_fence else HEADING.match(line)
        if not match:
            continue
        text = match.group(2).replace("`", "")
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
        slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        slugs.add(slug if count == 0 else f"{slug}-{count}")
    return slugs


def relative_path(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_no_file_refers_to_a_reference_outside_the_repository() -> None:
    offenders = [
        f"{relative_path(path)}:{number}: {line.strip()}"
        for path in repository_files()
        for number, line in numbered_lines(path)
        if any(reference in line for reference in OUTSIDE_REFERENCES)
    ]
    assert not offenders, "point these at docs/ instead:\n" + "\n".join(offenders)


def test_rules_define_the_cited_sections() -> None:
    labels = rule_labels()
    for label, title in RULE_SECTIONS.items():
        assert labels.get(label) == f"{SECTION_SIGN}{label} {title}", (
            f"docs/rules.md lacks the heading '## {SECTION_SIGN}{label} {title}'"
        )
    for label, heading in labels.items():
        if "." in label:
            parent = label.split(".")[0]
            assert parent in labels, f"docs/rules.md: '{heading}' has no section {parent}"


def test_every_rule_citation_names_a_heading_of_the_rules() -> None:
    labels = rule_labels()
    citations = 0
    broken = []
    for path in repository_files():
        if path.is_relative_to(DOCS):
            continue
        for number, line in numbered_lines(path):
            for match in CITATION.finditer(line):
                citations += 1
                if match.group(1) not in labels:
                    broken.append(
                        f"{relative_path(path)}:{number}: {SECTION_SIGN}{match.group(1)}"
                        f" in: {line.strip()}"
                    )
    assert citations > 0, "no rule citation found: the scan reads nothing"
    assert not broken, (
        "these citations name no heading of docs/rules.md "
        f"(it defines {', '.join(sorted(labels))}):\n" + "\n".join(broken)
    )


@pytest.mark.parametrize("page", REFERENCE_PAGES)
def test_reference_page_exists(page: str) -> None:
    path = DOCS / page
    assert path.is_file(), f"docs/{page} is missing"
    assert path.read_text("utf-8").strip(), f"docs/{page} is empty"


def markdown_pages() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("page", markdown_pages(), ids=relative_path)
def test_relative_links_reach_existing_files(page: Path) -> None:
    broken = []
    for number, line in prose_lines(page):
        for match in LINK.finditer(line):
            target = match.group(1)
            if SCHEME.match(target):
                continue
            file_part, _, anchor = target.partition("#")
            resolved = (page.parent / file_part).resolve() if file_part else page
            where = f"{relative_path(page)}:{number}: {target}"
            if not resolved.is_relative_to(ROOT):
                broken.append(f"{where} (outside the repository)")
            elif not resolved.exists():
                broken.append(f"{where} (no such file)")
            elif anchor and resolved.suffix == ".md" and anchor not in anchor_slugs(resolved):
                broken.append(f"{where} (no such heading)")
    assert not broken, "broken links:\n" + "\n".join(broken)
