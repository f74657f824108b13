"""Every argument error of `compliance` is one clear line on stderr and exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.cli import main

DAY = "2026-11-27"
BAD_DATES = ("2026-02-30", "27/11/2026", "2026-11-27x", "")
# Every place a command takes a date.
DATE_ARGUMENTS = (
    ["run", "--date"],
    ["coverage", "--date"],
    ["evidence", "--date"],
    ["sample", "--date"],
    ["sample", "--date", DAY, "--window-start"],
    ["sample", "--date", DAY, "--window-end"],
    ["generate-sample", "--end-date"],
    ["publish-postgres"],
)
OTHER_ERRORS = {
    "negative size": (["sample", "--date", DAY, "--size", "-1"], "'--size': -1"),
    "inverted window": (
        [
            "sample",
            "--date",
            DAY,
            "--population",
            "new_hires",
            "--window-start",
            "2026-11-20",
            "--window-end",
            "2026-11-01",
        ],
        "window start 2026-11-20 is after its end 2026-11-01",
    ),
    "start after the default end": (
        ["sample", "--date", DAY, "--window-start", "2026-12-01"],
        "window start 2026-12-01 is after its end 2026-11-27",
    ),
    "unknown population": (["sample", "--date", DAY, "--population", "all"], "'--population'"),
    "size not a number": (["sample", "--date", DAY, "--size", "ten"], "'--size'"),
    "missing date": (["sample"], "'--date'"),
    "no such policy file": (["policy", "check", "/nonexistent/policy.yml"], "does not exist"),
    "negative people": (["generate-sample", "--people", "-1"], "'--people'"),
    "known entry not a hash": (["verify", "--known-entry", "abc"], "is not a SHA-256 in hex"),
    "absent public key": (["verify", "--public-key", "/nonexistent.pem"], "cannot read key file"),
}


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in captured.err and "Usage:" not in captured.err
    return lines[0]


@pytest.mark.parametrize("value", BAD_DATES)
@pytest.mark.parametrize("command", DATE_ARGUMENTS, ids=" ".join)
def test_a_bad_date_anywhere_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], command: list[str], value: str
) -> None:
    assert main([*command, value]) == 2
    assert _one_error_line(capsys).endswith(f"{value!r} is not a date written YYYY-MM-DD")


@pytest.mark.parametrize("case", sorted(OTHER_ERRORS))
def test_other_argument_errors_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, case: str
) -> None:
    # No warehouse: an argument error is found before any data is read.
    monkeypatch.setenv("COMPLIANCE_WAREHOUSE", str(tmp_path / "absent.duckdb"))
    arguments, expected = OTHER_ERRORS[case]
    assert main(arguments) == 2
    assert expected in _one_error_line(capsys)


def test_sample_without_a_warehouse_is_one_line_not_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COMPLIANCE_WAREHOUSE", str(tmp_path / "absent.duckdb"))
    assert main(["sample", "--date", DAY]) == 1
    captured = capsys.readouterr()
    assert captured.err == (
        f"warehouse {tmp_path / 'absent.duckdb'} does not exist yet: materialize a day first\n"
    )


def test_the_console_script_prints_one_line_for_a_negative_size(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "compliance"), "sample", "--date", DAY, "--size", "-1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "Error: Invalid value for '--size': -1 is not in the range x>=0.\n"
