"""The seal log: every seal of a day appended to a hash chain that `compliance verify`
walks. Rewriting a past day (and its SHA256SUMS), or the log, is caught and the day
named; with a signing key, only the public key is needed to catch a rebuilt chain."""

from __future__ import annotations

import base64
import itertools
import json
import multiprocessing
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from orchestration.alerting.run_alerts import build_run_alert
from orchestration.cli import main
from orchestration.evidence import layout, seal_log
from orchestration.evidence.seal import sha256_of, write_sums
from orchestration.evidence.signing import load_private_key, load_public_key, signature_matches
from tests.evidence.conftest import DAYS

FIRST_DAY = date(2026, 11, 20)
SMALL_DAYS = tuple(FIRST_DAY + timedelta(days=offset) for offset in range(3))


def _seal_day(root: Path, day: date, text: str, key=None, reason=seal_log.DAILY_RUN) -> dict:
    """What a build does for a day, on a small folder: write, seal, append."""
    folder = layout.day_folder(root, day)
    (folder / "population").mkdir(parents=True, exist_ok=True)
    (folder / "population" / "in_scope.csv").write_text(f"employee_id\n{text}\n")
    (folder / layout.COVERAGE).write_text(json.dumps({"day": day.isoformat()}))
    sums = write_sums(folder)
    with seal_log.locked(root):
        return seal_log.append_seal(root, day, sha256_of(sums), reason, key)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "evidence"
    for day in SMALL_DAYS:
        _seal_day(root, day, f"E{day.day}")
    return root


def _lines(root: Path) -> list[dict]:
    return [json.loads(line) for line in seal_log.log_path(root).read_text().splitlines()]


def _write_lines(root: Path, entries: list[dict]) -> None:
    seal_log.log_path(root).write_text(
        "".join(json.dumps(entry, sort_keys=True) + "\n" for entry in entries)
    )


def _verify(capsys, *args: str) -> tuple[int, str]:
    code = main(["verify", *args])
    return code, capsys.readouterr().out


def _key_files(tmp_path: Path) -> tuple[Ed25519PrivateKey, Path, Path]:
    key = Ed25519PrivateKey.generate()
    private = tmp_path / "seal-signing.pem"
    private.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    public = tmp_path / "seal-signing.pub.pem"
    public.write_bytes(
        key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    return key, private, public


def test_each_seal_is_chained_to_the_one_before(root: Path, capsys) -> None:
    entries = _lines(root)
    assert [entry["day"] for entry in entries] == [day.isoformat() for day in SMALL_DAYS]
    assert entries[0]["previous_sha256"] == seal_log.GENESIS
    for before, after in itertools.pairwise(entries):
        assert after["previous_sha256"] == before["entry_sha256"]
    for entry in entries:
        folder = root / entry["day"]
        assert entry["sums_sha256"] == sha256_of(folder / layout.SUMS)
        assert entry["entry_sha256"] == seal_log.entry_hash(seal_log.body_of(entry))
    code, out = _verify(capsys, str(root))
    assert code == 0, out
    assert f"OK  seal log {seal_log.log_path(root)}: 3 entries chained" in out
    assert out.count("as sealed in seal log entry") == 3
    # One day's folder checks against the log beside it.
    code, out = _verify(capsys, str(root / SMALL_DAYS[1].isoformat()))
    assert code == 0 and "as sealed in seal log entry 2 (daily run," in out


def test_rewriting_a_past_day_with_a_new_sums_names_that_day(root: Path, capsys) -> None:
    past = root / SMALL_DAYS[1].isoformat()
    (past / "population" / "in_scope.csv").write_text("employee_id\nE1\nE_ADDED_LATER\n")
    write_sums(past)  # what an insider would do: the folder matches its own SHA256SUMS again
    code, out = _verify(capsys, str(root))
    assert code == 1
    assert f"FAILED  {past}" in out and "the folder was rewritten after sealing" in out
    assert out.strip().endswith(f"First broken day: {SMALL_DAYS[1].isoformat()}")
    assert out.count("as sealed in seal log entry") == 2  # the other days still check out


def test_a_regeneration_is_a_new_entry_that_keeps_the_old_one(root: Path, capsys) -> None:
    before = _lines(root)
    entry = _seal_day(root, SMALL_DAYS[0], "E1\nE_REGENERATED", reason=seal_log.REGENERATION)
    after = _lines(root)
    assert after[:3] == before and after[3] == entry
    assert (entry["day"], entry["reason"], entry["sequence"]) == (
        SMALL_DAYS[0].isoformat(),
        seal_log.REGENERATION,
        4,
    )
    assert entry["previous_sha256"] == before[-1]["entry_sha256"]
    code, out = _verify(capsys, str(root))
    assert code == 0, out
    assert "as sealed in seal log entry 4 (regeneration," in out


def _change_sums_hash(entries: list[dict]) -> None:
    entries[1]["sums_sha256"] = "0" * 64


def _change_and_rehash(entries: list[dict]) -> None:
    entries[1]["sums_sha256"] = "0" * 64
    entries[1]["entry_sha256"] = seal_log.entry_hash(seal_log.body_of(entries[1]))


def _drop_first(entries: list[dict]) -> None:
    del entries[0]


def _swap(entries: list[dict]) -> None:
    entries[1], entries[2] = entries[2], entries[1]


@pytest.mark.parametrize(
    ("edit", "line", "problem"),
    [
        (_change_sums_hash, 2, "entry_sha256 does not match the entry's content"),
        (_change_and_rehash, 3, "previous_sha256 is not the hash of the entry before it"),
        (_drop_first, 1, "previous_sha256 is not the hash of the entry before it"),
        (_swap, 2, "previous_sha256 is not the hash of the entry before it"),
    ],
)
def test_an_edited_log_is_caught(root: Path, capsys, edit, line: int, problem: str) -> None:
    entries = _lines(root)
    edit(entries)
    _write_lines(root, entries)
    code, out = _verify(capsys, str(root))
    assert code == 1
    assert f"  problem  line {line} (" in out and problem in out
    assert "First broken day: " in out


def test_a_line_that_is_not_an_entry_is_caught_and_never_chained_onto(root: Path, capsys) -> None:
    with seal_log.log_path(root).open("a") as handle:
        handle.write('{"day": "2026-11-30", "reason": "daily run"\n')
    code, out = _verify(capsys, str(root))
    assert code == 1 and "  problem  line 4: not JSON" in out
    with pytest.raises(seal_log.SealLogError, match="line 4 is not a seal log entry"):
        _seal_day(root, SMALL_DAYS[2] + timedelta(days=1), "E9")


def test_a_day_folder_missing_from_the_log_or_the_disk_is_caught(root: Path, capsys) -> None:
    extra = SMALL_DAYS[-1] + timedelta(days=1)
    folder = layout.day_folder(root, extra)
    shutil.copytree(root / SMALL_DAYS[0].isoformat(), folder)  # sealed, never logged
    code, out = _verify(capsys, str(root))
    assert code == 1 and "no trusted seal log entry for this day" in out
    assert f"First broken day: {extra.isoformat()}" in out
    shutil.rmtree(folder)
    shutil.rmtree(root / SMALL_DAYS[1].isoformat())
    code, out = _verify(capsys, str(root))
    assert code == 1 and "but no sealed folder is there" in out
    assert f"First broken day: {SMALL_DAYS[1].isoformat()}" in out


def test_a_rebuilt_chain_is_caught_by_a_hash_kept_elsewhere(root: Path, capsys) -> None:
    kept = _lines(root)[-1]["entry_sha256"]  # e.g. from the daily alert
    # Rewrite a past day, then the whole log from scratch: consistent, but new.
    seal_log.log_path(root).unlink()
    for day in SMALL_DAYS:
        _seal_day(root, day, "E_FORGED" if day == SMALL_DAYS[0] else f"E{day.day}")
    assert _verify(capsys, str(root))[0] == 0  # without an outside anchor nothing can tell
    code, out = _verify(capsys, str(root), "--known-entry", kept)
    assert code == 1 and f"entry {kept} kept outside is not in the trusted seal log" in out


def test_signed_entries_verify_with_only_the_public_key(tmp_path: Path, capsys) -> None:
    _key, private, public = _key_files(tmp_path)
    root = tmp_path / "evidence"
    loaded = load_private_key(private)
    for day in SMALL_DAYS:
        _seal_day(root, day, f"E{day.day}", key=loaded)
    code, out = _verify(capsys, str(root), "--public-key", str(public))
    assert code == 0, out
    assert "3 entries chained, every entry signed by the public key" in out

    other = tmp_path / "other"
    other.mkdir()
    assert _verify(capsys, str(root), "--public-key", str(_key_files(other)[2]))[0] == 1


def _rebuild_unsigned(root: Path, entries: list[dict]) -> None:
    """The insider's rewrite: change day 1's seal and recompute every later hash."""
    entries[0]["sums_sha256"] = "0" * 64
    previous = seal_log.GENESIS
    for entry in entries:
        entry["previous_sha256"] = previous
        entry["entry_sha256"] = seal_log.entry_hash(seal_log.body_of(entry))
        previous = entry["entry_sha256"]


def _flip_signature(root: Path, entries: list[dict]) -> None:
    signature = bytearray(base64.b64decode(entries[1]["signature"]))
    signature[10] ^= 0x01
    entries[1]["signature"] = base64.b64encode(bytes(signature)).decode()


def _drop_signature(root: Path, entries: list[dict]) -> None:
    del entries[2]["signature"]


@pytest.mark.parametrize(
    ("edit", "line", "problem"),
    [
        (_rebuild_unsigned, 1, "signature does not match the public key"),
        (_flip_signature, 2, "signature does not match the public key"),
        (_drop_signature, 3, "entry is not signed"),
    ],
)
def test_a_changed_entry_or_signature_is_caught_with_the_public_key(
    tmp_path: Path, capsys, edit, line: int, problem: str
) -> None:
    key, _, public = _key_files(tmp_path)
    root = tmp_path / "evidence"
    for day in SMALL_DAYS:
        _seal_day(root, day, f"E{day.day}", key=key)
    entries = _lines(root)
    edit(root, entries)
    _write_lines(root, entries)
    code, out = _verify(capsys, str(root), "--public-key", str(public))
    assert code == 1
    assert f"  problem  line {line} ({entries[line - 1]['day']}): {problem}" in out
    assert f"First broken day: {entries[line - 1]['day']}" in out


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not on PATH")
def test_an_auditor_checks_an_entry_with_openssl_alone(tmp_path: Path, capsys) -> None:
    """The README's steps: a key made by openssl, an entry checked by openssl (and jq)."""
    private, public = tmp_path / "signing.pem", tmp_path / "signing.pub.pem"
    run = {"check": True, "capture_output": True, "text": True}
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(private)], **run)
    subprocess.run(["openssl", "pkey", "-in", str(private), "-pubout", "-out", str(public)], **run)
    root = tmp_path / "evidence"
    for day in SMALL_DAYS:
        _seal_day(root, day, f"E{day.day}", key=load_private_key(private))
    assert _verify(capsys, str(root), "--public-key", str(public))[0] == 0

    entry = _lines(root)[-1]
    message, signature = tmp_path / "entry_sha256", tmp_path / "entry.sig"
    message.write_text(entry["entry_sha256"])
    signature.write_bytes(base64.b64decode(entry["signature"]))
    command = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(public), "-rawin"]
    command += ["-in", str(message), "-sigfile", str(signature)]
    checked = subprocess.run(command, check=False, capture_output=True, text=True)
    assert checked.returncode == 0 and "Signature Verified Successfully" in checked.stdout
    message.write_text(entry["previous_sha256"])
    assert subprocess.run(command, check=False, capture_output=True).returncode != 0

    if shutil.which("jq"):  # the entry hash too, from the log line with jq and openssl
        body = subprocess.run(
            ["jq", "-cjS", "del(.entry_sha256, .signature)"], input=json.dumps(entry), **run
        ).stdout
        digest = subprocess.run(["openssl", "dgst", "-sha256", "-r"], input=body, **run).stdout
        assert digest.split()[0] == entry["entry_sha256"]


def _seal_days(root: Path, first: date, count: int, go) -> None:
    """One sealing run: waits for the start signal, then seals `count` days in a row."""
    go.wait()
    for offset in range(count):
        day = first + timedelta(days=offset)
        folder = layout.day_folder(root, day)
        folder.mkdir(parents=True)
        (folder / layout.COVERAGE).write_text(str(offset))
        with seal_log.locked(root):
            seal_log.append_seal(root, day, sha256_of(write_sums(folder)), seal_log.DAILY_RUN)


def test_two_runs_sealing_different_days_at_once_keep_the_chain(tmp_path: Path, capsys) -> None:
    # Forked processes: separate open files, so each takes the lock as a run would.
    context = multiprocessing.get_context("fork")
    root, count, go = tmp_path / "evidence", 40, context.Event()
    root.mkdir()
    writers = [
        context.Process(target=_seal_days, args=(root, start, count, go))
        for start in (date(2025, 1, 1), date(2026, 1, 1))
    ]
    for writer in writers:
        writer.start()
    go.set()
    for writer in writers:
        writer.join(timeout=120)
    assert [writer.exitcode for writer in writers] == [0, 0]
    report = seal_log.verify_chain(root)
    assert report.ok and report.entries == 2 * count
    days = [entry["day"] for entry in _lines(root)]
    assert days != sorted(days), "the runs should have interleaved"
    assert _verify(capsys, str(root))[0] == 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--public-key", "absent.pem"], "cannot read key file"),
        (["--known-entry", "abc"], "is not a SHA-256 in hex"),
    ],
)
def test_bad_verify_arguments_are_one_line_and_exit_2(
    root: Path, capsys, arguments: list[str], message: str
) -> None:
    assert main(["verify", str(root), *arguments]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_private_key_given_as_public_key_is_refused(tmp_path: Path, root: Path, capsys) -> None:
    _, private, _ = _key_files(tmp_path)
    assert main(["verify", str(root), "--public-key", str(private)]) == 2
    assert "is not a PEM public key" in capsys.readouterr().err


def test_an_unreadable_signing_key_stops_the_build_first(tmp_path: Path, monkeypatch, capsys):
    (tmp_path / "not-a-key.pem").write_text("-----BEGIN NOTHING-----\n")
    monkeypatch.setenv("COMPLIANCE_EVIDENCE_SIGNING_KEY", str(tmp_path / "not-a-key.pem"))
    monkeypatch.setenv("COMPLIANCE_EVIDENCE_DIR", str(tmp_path / "evidence"))
    monkeypatch.setenv("COMPLIANCE_WAREHOUSE", str(tmp_path / "absent.duckdb"))
    assert main(["evidence", "--date", "2026-11-27"]) == 1
    assert "is not an unencrypted PEM private key" in capsys.readouterr().err
    assert not seal_log.log_path(tmp_path / "evidence").exists()


def test_the_daily_runs_chain_their_seals(evidence_run, tmp_path: Path, capsys) -> None:
    root = tmp_path / "evidence"
    shutil.copytree(evidence_run.evidence, root)
    entries = _lines(root)
    assert [(entry["day"], entry["reason"]) for entry in entries] == [
        (day.isoformat(), seal_log.DAILY_RUN) for day in DAYS
    ]
    metadata = evidence_run.results[DAYS[-1]].asset_materializations_for_node("evidence_pack")
    assert metadata[0].metadata["seal_entry_sha256"].value == entries[-1]["entry_sha256"]
    assert _verify(capsys, str(root))[0] == 0

    past = root / DAYS[0].isoformat()
    csv = past / layout.CHASE_LIST
    rows = csv.read_bytes().splitlines(keepends=True)
    csv.write_bytes(b"".join([*rows, rows[-1]]))  # one person listed twice
    write_sums(past)
    code, out = _verify(capsys, str(root))
    assert code == 1 and out.strip().endswith(f"First broken day: {DAYS[0].isoformat()}")


def test_the_daily_alert_carries_the_latest_entry(evidence_run) -> None:
    result = evidence_run.results[DAYS[-1]]
    alert = build_run_alert(evidence_run.instance, result.run_id, run_failed=False)
    assert alert is not None, "the sample's coverage gate fails, so the day alerts"
    entry = _lines(evidence_run.evidence)[-1]["entry_sha256"]
    assert f"Evidence sealed: seal log entry {entry}" in alert.text.splitlines()


@pytest.mark.slow
def test_compliance_evidence_appends_a_signed_regeneration(
    evidence_run, monkeypatch, tmp_path: Path, capsys
) -> None:
    root = tmp_path / "evidence"
    shutil.copytree(evidence_run.evidence, root)
    before = _lines(root)
    _, private, public = _key_files(tmp_path)
    evidence_run.environment(monkeypatch)
    monkeypatch.setenv("COMPLIANCE_EVIDENCE_DIR", str(root))
    monkeypatch.setenv("COMPLIANCE_EVIDENCE_SIGNING_KEY", str(private))

    assert main(["evidence", "--date", DAYS[0].isoformat()]) == 0
    entries = _lines(root)
    assert entries[: len(before)] == before  # appended, nothing replaced
    (entry,) = entries[len(before) :]
    assert (entry["day"], entry["reason"]) == (DAYS[0].isoformat(), seal_log.REGENERATION)
    assert entry["previous_sha256"] == before[-1]["entry_sha256"]
    assert entry["sums_sha256"] == sha256_of(root / DAYS[0].isoformat() / layout.SUMS)
    capsys.readouterr()
    code, out = _verify(capsys, str(root))
    assert code == 0 and f"entry {len(entries)} (regeneration," in out
    # The daily runs' entries were sealed before the key existed: unsigned, and said so.
    code, out = _verify(capsys, str(root), "--public-key", str(public))
    assert code == 1 and f"line 1 ({DAYS[0].isoformat()}): entry is not signed" in out
    key = load_public_key(public)
    assert signature_matches(key, entry["entry_sha256"].encode(), entry["signature"])
