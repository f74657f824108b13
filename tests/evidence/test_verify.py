"""`compliance verify` catches every changed, missing or extra file of a sealed folder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from orchestration.cli import main
from orchestration.evidence import layout
from orchestration.evidence.seal import verify_folder, write_sums
from tests.evidence.conftest import END_DATE


@pytest.fixture
def sealed_copy(evidence_run, tmp_path: Path) -> Path:
    """A copy of a real evidence folder with the dbt docs page it shares with other days,
    as an auditor copies them, so tampering leaves the shared ones intact."""
    copy = tmp_path / END_DATE.isoformat()
    shutil.copytree(evidence_run.day(END_DATE), copy)
    shutil.copytree(evidence_run.evidence / layout.DBT_DOCS_ROOT, tmp_path / layout.DBT_DOCS_ROOT)
    return copy


def _shared_docs(folder: Path) -> str:
    (page,) = [
        line.split("  ", 1)[1]
        for line in (folder / layout.SUMS).read_text().splitlines()
        if "  ../" in line
    ]
    return page


def _flip_one_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_an_untouched_folder_verifies(sealed_copy: Path, capsys) -> None:
    assert main(["verify", str(sealed_copy)]) == 0
    out = capsys.readouterr().out
    # A day's folder copied without the evidence root's seal log: its own seal only.
    assert out.startswith("OK") and "NOTE  no seal_log.jsonl beside" in out
    if shutil.which("sha256sum"):  # the format is sha256sum's: checkable without this project
        check = subprocess.run(
            ["sha256sum", "--check", "--quiet", layout.SUMS], cwd=sealed_copy, check=False
        )
        assert check.returncode == 0


@pytest.mark.parametrize(
    "relative",
    [
        f"{layout.IN_SCOPE}{layout.POPULATION_CSV}",
        f"{layout.IN_SCOPE}.parquet",
        layout.DAY_PAGE,
        layout.COVERAGE,
    ],
)
def test_a_one_byte_edit_is_caught(sealed_copy: Path, relative: str, capsys) -> None:
    path = sealed_copy / relative
    _flip_one_byte(path, path.stat().st_size // 2)
    assert main(["verify", str(sealed_copy)]) == 1
    assert f"changed  {relative}" in capsys.readouterr().out


def test_an_edit_of_the_shared_dbt_docs_is_caught(sealed_copy: Path, capsys) -> None:
    page = _shared_docs(sealed_copy)
    assert page.startswith(f"../{layout.DBT_DOCS_ROOT}/")
    _flip_one_byte(sealed_copy / page, 1000)
    assert main(["verify", str(sealed_copy)]) == 1
    assert f"changed  {page}" in capsys.readouterr().out


def test_a_folder_copied_without_its_shared_dbt_docs_says_so(sealed_copy: Path, capsys) -> None:
    page = _shared_docs(sealed_copy)
    shutil.rmtree(sealed_copy.parent / layout.DBT_DOCS_ROOT)
    assert main(["verify", str(sealed_copy)]) == 1
    assert f"missing  {page}" in capsys.readouterr().out


def test_a_deleted_file_is_caught(sealed_copy: Path, capsys) -> None:
    (sealed_copy / layout.EXCEPTIONS_IN_FORCE).unlink()
    assert main(["verify", str(sealed_copy)]) == 1
    assert f"missing  {layout.EXCEPTIONS_IN_FORCE}" in capsys.readouterr().out


def test_an_added_file_is_caught(sealed_copy: Path, capsys) -> None:
    (sealed_copy / "population" / "extra_person.csv").write_text("employee_id\nE999999\n")
    assert main(["verify", str(sealed_copy)]) == 1
    assert "extra    population/extra_person.csv" in capsys.readouterr().out


def test_every_kind_of_tampering_is_listed_at_once(sealed_copy: Path) -> None:
    _flip_one_byte(sealed_copy / layout.COVERAGE, 0)
    (sealed_copy / layout.REJECTS).unlink()
    (sealed_copy / "notes.txt").write_text("added later")
    report = verify_folder(sealed_copy)
    assert (report.changed, report.missing, report.extra) == (
        [layout.COVERAGE],
        [layout.REJECTS],
        ["notes.txt"],
    )


def test_an_edited_sums_file_is_caught(sealed_copy: Path) -> None:
    sums = sealed_copy / layout.SUMS
    lines = sums.read_text().splitlines()
    sums.write_text("\n".join(lines[1:]) + "\n")  # drop a file from the seal
    report = verify_folder(sealed_copy)
    assert not report.ok and report.extra == [lines[0].split("  ", 1)[1]]
    sums.write_text("not a checksum line\n")
    assert verify_folder(sealed_copy).problems


def test_the_evidence_root_verifies_every_day(evidence_run, tmp_path: Path, capsys) -> None:
    root = tmp_path / "evidence"
    shutil.copytree(evidence_run.evidence, root)
    assert main(["verify", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("OK  seal log ")
    days = [line for line in out if line.startswith("OK") and "as sealed in seal log" in line]
    assert len(days) == len(layout.evidence_days(root)) >= 2
    # The index over days is outside every seal: it changes whenever a day is added.
    (root / layout.ROOT_INDEX).write_text("rebuilt")
    assert main(["verify", str(root)]) == 0
    _flip_one_byte(root / END_DATE.isoformat() / layout.COVERAGE_TREND, 3)
    assert main(["verify", str(root)]) == 1


def test_nothing_to_verify_fails(tmp_path: Path) -> None:
    assert main(["verify", str(tmp_path)]) == 1
    assert main(["verify", str(tmp_path / "absent")]) == 1


def test_seal_of_a_small_folder(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.csv").write_text("x\n1\n")
    (tmp_path / "two.json").write_text("{}\n")
    write_sums(tmp_path)
    assert (tmp_path / layout.SUMS).read_text().splitlines()[0].endswith("  a/one.csv")
    assert verify_folder(tmp_path).ok
