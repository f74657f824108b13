"""The seal log: an append-only chain of every seal of every day's evidence folder.

Each time a day's folder is sealed (the daily run, or `compliance evidence`), one JSON
line is appended to `<evidence>/seal_log.jsonl`:

    {"day", "sums_sha256", "reason", "sealed_at", "sequence", "previous_sha256",
     "entry_sha256"[, "signature"]}

`sums_sha256` is the SHA-256 of the day's SHA256SUMS file, so it pins every file of
the folder. `entry_sha256` is the SHA-256 of the entry's other fields as canonical JSON
(keys sorted, no spaces, ASCII); `previous_sha256` is the previous line's
`entry_sha256` (64 zeros for the first). Rewriting a past day means a new SHA256SUMS,
which no longer matches the day's entry; rewriting that entry changes its hash, which
the next entry no longer names. So whoever edits history must rewrite every later entry,
and a copy of any later hash kept elsewhere (the daily alert carries the latest) or a
signature (`signature`: Ed25519 over the ASCII of `entry_sha256`, base64) gives it away.

A regeneration appends a new entry for the day; the day's latest entry is the one its
folder must match, and the earlier ones stay as the record of what was there before.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from orchestration.evidence.layout import SEAL_LOG
from orchestration.evidence.signing import sign, signature_matches

DAILY_RUN = "daily run"
REGENERATION = "regeneration"
REASONS = (DAILY_RUN, REGENERATION)
GENESIS = "0" * 64
BODY_FIELDS = ("day", "sums_sha256", "reason", "sealed_at", "sequence", "previous_sha256")
# Beside the log, hidden: sealing runs of different days take it in turn.
LOCK_FILE = ".seal_log.lock"


class SealLogError(RuntimeError):
    pass


def log_path(root: Path) -> Path:
    return root / SEAL_LOG


def canonical(body: dict[str, Any]) -> bytes:
    """The bytes entry_sha256 hashes (`jq -cS 'del(.entry_sha256, .signature)'` prints
    the same for these ASCII fields)."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def entry_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(body)).hexdigest()


def body_of(entry: dict[str, Any]) -> dict[str, Any]:
    return {name: entry[name] for name in BODY_FIELDS if name in entry}


def last_entry(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    number = len(lines)
    while number and not lines[number - 1].strip():
        number -= 1
    if not number:
        return None
    try:
        entry = json.loads(lines[number - 1])
    except ValueError:
        entry = None
    if not (
        isinstance(entry, dict)
        and isinstance(entry.get("entry_sha256"), str)
        and isinstance(entry.get("sequence"), int)
    ):
        raise SealLogError(
            f"{path} line {number} is not a seal log entry: refusing to chain onto it "
            "(run `compliance verify`)"
        )
    return entry


@contextmanager
def locked(root: Path) -> Iterator[None]:
    """Exclusive use of the log while a day's folder is swapped in and its seal appended.

    Holding it over both keeps the order of folders and entries the same when two runs
    seal the same day at once; the OS drops the lock if the process dies.
    """
    root.mkdir(parents=True, exist_ok=True)
    with (root / LOCK_FILE).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def append_seal(
    root: Path,
    day: date,
    sums_sha256: str,
    reason: str,
    signing_key: Ed25519PrivateKey | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Appends the seal of `day` to the log; call inside `locked(root)`."""
    if reason not in REASONS:
        raise ValueError(f"seal reason {reason!r} is not one of {', '.join(REASONS)}")
    path = log_path(root)
    previous = last_entry(path)
    body = {
        "day": day.isoformat(),
        "sums_sha256": sums_sha256,
        "reason": reason,
        "sealed_at": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "sequence": previous["sequence"] + 1 if previous else 1,
        "previous_sha256": previous["entry_sha256"] if previous else GENESIS,
    }
    entry = {**body, "entry_sha256": entry_hash(body)}
    if signing_key is not None:
        entry["signature"] = sign(signing_key, entry["entry_sha256"].encode("ascii"))
    line = json.dumps(entry, sort_keys=True, ensure_ascii=True) + "\n"
    # One write of the whole line in append mode, then fsync: the line is there or not.
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, line.encode("ascii"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return entry


@dataclass(frozen=True)
class LogProblem:
    line: int
    day: str | None
    reason: str

    def render(self) -> str:
        where = f"line {self.line}" + (f" ({self.day})" if self.day else "")
        return f"{where}: {self.reason}"


@dataclass
class ChainReport:
    path: Path
    entries: int = 0
    problems: list[LogProblem] = field(default_factory=list)
    # Each day's latest entry, from the lines before the first broken one.
    latest: dict[str, dict[str, Any]] = field(default_factory=dict)
    head: str | None = None
    # entry_sha256 of every trusted entry, to find hashes kept outside the host.
    hashes: set[str] = field(default_factory=set)
    signed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_broken(self) -> LogProblem | None:
        return self.problems[0] if self.problems else None

    def render(self) -> str:
        if self.ok:
            signed = ", every entry signed by the public key" if self.signed else ""
            return (
                f"OK  seal log {self.path}: {self.entries} entries chained{signed}, "
                f"latest entry {self.head}"
            )
        lines = [f"FAILED  seal log {self.path}"]
        lines += [f"  problem  {problem.render()}" for problem in self.problems]
        trusted = sum(1 for _ in self.hashes)
        if self.entries > trusted:
            lines.append(
                f"  {self.entries - trusted} of {self.entries} entries are not trusted "
                "(from the first problem on)"
            )
        return "\n".join(lines)


def _entry_problem(
    entry: Any, previous: str, sequence: int, public_key: Ed25519PublicKey | None
) -> str | None:
    if not isinstance(entry, dict) or set(BODY_FIELDS) - entry.keys():
        return "not a seal log entry (fields missing)"
    if entry.get("reason") not in REASONS:
        return f"unknown reason {entry.get('reason')!r}"
    if entry["previous_sha256"] != previous:
        return (
            "previous_sha256 is not the hash of the entry before it "
            "(a line was changed, removed or inserted)"
        )
    if entry["sequence"] != sequence:
        return f"sequence {entry['sequence']!r} where {sequence} was due"
    if entry.get("entry_sha256") != entry_hash(body_of(entry)):
        return "entry_sha256 does not match the entry's content"
    if public_key is not None:
        signature = entry.get("signature")
        if not isinstance(signature, str):
            return "entry is not signed"
        if not signature_matches(public_key, entry["entry_sha256"].encode("ascii"), signature):
            return "signature does not match the public key"
    return None


def verify_chain(root: Path, public_key: Ed25519PublicKey | None = None) -> ChainReport:
    """Walks the whole log; every entry from the first broken one on is untrustworthy."""
    path = log_path(root)
    report = ChainReport(path=path, signed=public_key is not None)
    if not path.is_file():
        report.problems.append(LogProblem(0, None, f"no {SEAL_LOG} at {root}"))
        return report
    previous = GENESIS
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        report.entries += 1
        try:
            entry = json.loads(line)
        except ValueError:
            entry = None
        day = entry.get("day") if isinstance(entry, dict) else None
        day = day if isinstance(day, str) else None
        problem = (
            "not JSON"
            if entry is None
            else _entry_problem(entry, previous, report.entries, public_key)
        )
        if problem is not None:
            report.problems.append(LogProblem(number, day, problem))
            continue
        if not report.problems:
            report.latest[entry["day"]] = entry
            report.head = entry["entry_sha256"]
            report.hashes.add(entry["entry_sha256"])
        previous = entry["entry_sha256"]
    if report.entries == 0:
        report.problems.append(LogProblem(0, None, f"{SEAL_LOG} holds no entry"))
    return report
