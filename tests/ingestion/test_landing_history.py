"""Landing history: each day reconstitutes exactly as loaded, in any load order, and an
unchanged record is stored once."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.cli import main
from orchestration.ingestion.contract import EXCEPTIONS, LMS_COMPLETIONS
from orchestration.ingestion.landing_history import verify_day
from orchestration.ingestion.landing_tables import ensure_landing_schema
from orchestration.ingestion.loader import load_export

FIRST_DAY = date(2026, 11, 20)
LMS_HEADER = "record_id,user_email,employee_id,course_id,course_title,status,completed_at,score"
EXCEPTIONS_HEADER = "employee_id,reason,approved_by,approved_on,expires_on"
LMS_COLUMNS = "source_line, record_id, user_email, course_id, status, completed_at, score"


@pytest.fixture
def connection(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "compliance.duckdb")) as connection:
        yield connection


def _lms_line(record: str, status: str, score: int | None) -> str:
    completed = "2026-08-15" if status == "completed" else ""
    return (
        f"{record},{record.lower()}@example.com,,SEC-CODE-101,Secure code,{status},"
        f"{completed},{'' if score is None else score}"
    )


def _write_lms(landing: Path, day: date, lines: list[str]) -> None:
    path = landing / f"lms/completions_{day.isoformat()}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([LMS_HEADER, *lines]) + "\n")


def _expected_lms(lines: list[str]) -> list[tuple]:
    rows = []
    for number, line in enumerate(lines, start=2):
        record, email, _, course, _, status, completed, score = line.split(",")
        rows.append(
            (
                number,
                record,
                email,
                course,
                status,
                completed or None,
                float(score) if score else None,
            )
        )
    return rows


def _stored_lms(connection: duckdb.DuckDBPyConnection, day: date) -> list[tuple]:
    return connection.execute(
        f"select {LMS_COLUMNS} from landing.lms_completions where as_of_date = ? "
        "order by source_line",
        [day],
    ).fetchall()


def _random_lms_day(rng: random.Random) -> list[str]:
    """A few records from a small pool, in a random order, with values that recur."""
    records = rng.sample([f"L{number}" for number in range(1, 13)], rng.randint(0, 9))
    if rng.random() < 0.5:
        records.sort()
    return [
        _lms_line(
            record,
            rng.choice(["completed", "in_progress"]),
            rng.choice([None, 80, 90]),
        )
        for record in records
    ]


def test_any_order_of_loads_and_reloads_keeps_every_day_exact(tmp_path: Path, connection) -> None:
    rng = random.Random(20261127)
    days = [FIRST_DAY + timedelta(days=offset) for offset in range(5)]
    expected: dict[date, list[tuple]] = {}
    for _ in range(30):
        day = rng.choice(days)
        lines = (
            _random_lms_day(rng)
            if day not in expected or rng.random() < 0.7
            # A rerun of the same file: nothing may change.
            else [
                line
                for line in (tmp_path / f"lms/completions_{day}.csv").read_text().splitlines()[1:]
            ]
        )
        _write_lms(tmp_path, day, lines)
        load_export(connection, LMS_COMPLETIONS, tmp_path, day)
        expected[day] = _expected_lms(lines)
        for loaded_day, rows in expected.items():
            assert _stored_lms(connection, loaded_day) == rows, loaded_day
            assert all(check.ok for check in verify_day(connection, loaded_day)), loaded_day
    # Validity intervals of one record never overlap.
    overlapping = connection.execute(
        """
        select count(*) from landing.lms_completions_versions as a
        join landing.lms_completions_versions as b
          on a.slot_id = b.slot_id and a.valid_from < b.valid_from
         and (a.valid_to is null or a.valid_to > b.valid_from)
        """
    ).fetchone()[0]
    assert overlapping == 0


def test_identical_exception_rows_on_several_days_are_stored_once(
    tmp_path: Path, connection
) -> None:
    line = "E1,Medical leave,CISO,2026-09-01,"
    rows = [line, line, "E2,Sabbatical,CISO,2026-10-01,2027-01-31"]
    (tmp_path / "exceptions.csv").write_text("\n".join([EXCEPTIONS_HEADER, *rows]) + "\n")
    for offset in (0, 2, 1):
        load_export(connection, EXCEPTIONS, tmp_path, FIRST_DAY + timedelta(days=offset))
    assert connection.execute(
        "select count(*) from landing.training_exceptions_versions"
    ).fetchone() == (3,)
    for offset in range(3):
        day = FIRST_DAY + timedelta(days=offset)
        assert connection.execute(
            "select source_line, employee_id from landing.training_exceptions "
            "where as_of_date = ? order by source_line",
            [day],
        ).fetchall() == [(2, "E1"), (3, "E1"), (4, "E2")]
        assert all(check.ok for check in verify_day(connection, day))


def test_an_unchanged_record_is_not_stored_again(tmp_path: Path, connection) -> None:
    lines = [_lms_line(f"L{number}", "in_progress", None) for number in range(1, 101)]
    for offset in range(3):
        if offset == 2:
            lines[40] = _lms_line("L41", "completed", 90)
        _write_lms(tmp_path, FIRST_DAY + timedelta(days=offset), lines)
        load_export(connection, LMS_COMPLETIONS, tmp_path, FIRST_DAY + timedelta(days=offset))
    assert connection.execute(
        "select count(*) from landing.lms_completions_versions"
    ).fetchone() == (101,)
    # A changed value keeps the record's slot: each day is still one run of lines.
    assert connection.execute(
        "select as_of_date, first_line, line_count from landing.lms_completions_lines order by 1"
    ).fetchall() == [(FIRST_DAY + timedelta(days=offset), 2, 100) for offset in range(3)]


def test_the_day_hash_is_of_the_loaded_rows_and_catches_a_changed_value(
    tmp_path: Path, connection
) -> None:
    _write_lms(tmp_path, FIRST_DAY, [_lms_line("L1", "completed", 90), "bad,line"])
    report = load_export(connection, LMS_COMPLETIONS, tmp_path, FIRST_DAY)
    audit = connection.execute(
        "select rows_sha256 from landing.load_audit where source = 'lms'"
    ).fetchone()[0]
    assert audit == report.rows_sha256 and len(audit) == 64
    (check,) = verify_day(connection, FIRST_DAY)
    assert check.ok and check.actual_rows == 1
    connection.execute("update landing.lms_completions_versions set score = 91")
    (check,) = verify_day(connection, FIRST_DAY)
    assert not check.ok
    assert "FAILED" in check.render() and "recorded at load: 1 rows" in check.render()


def test_landing_verify_command_checks_every_day_or_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = tmp_path / "verify.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        for offset in range(2):
            day = FIRST_DAY + timedelta(days=offset)
            _write_lms(tmp_path, day, [_lms_line("L1", "in_progress", None)] * (offset == 0))
            load_export(connection, LMS_COMPLETIONS, tmp_path, day)
    monkeypatch.setenv("COMPLIANCE_WAREHOUSE", str(warehouse))
    assert main(["landing", "verify"]) == 0
    out = capsys.readouterr().out
    assert f"OK      {FIRST_DAY.isoformat()} lms: 1 rows" in out
    assert "2 of 2 exports reconstitute exactly (2 day(s))" in out

    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("update landing.lms_completions_versions set status = 'completed'")
    assert main(["landing", "verify", "--date", FIRST_DAY.isoformat()]) == 1
    assert f"FAILED  {FIRST_DAY.isoformat()} lms" in capsys.readouterr().out
    assert main(["landing", "verify", "--date", "2026-01-01"]) == 1
    assert "nothing was loaded for 2026-01-01" in capsys.readouterr().out


def test_a_warehouse_with_full_daily_copies_is_converted_day_for_day(connection) -> None:
    """The old layout: landing.lms_completions held every day's rows in full."""
    connection.execute("create schema landing")
    connection.execute(
        "create table landing.lms_completions (as_of_date date not null, "
        "source_line bigint not null, record_id varchar, user_email varchar, "
        "employee_id varchar, course_id varchar, course_title varchar, status varchar, "
        "completed_at varchar, score double, user_email_key varchar)"
    )
    connection.execute(
        "create table landing.load_audit (as_of_date date not null, source varchar not null, "
        "source_file varchar not null, file_present boolean not null, sha256 varchar, "
        "size_bytes bigint, record_count bigint not null, loaded_row_count bigint not null, "
        "rejected_row_count bigint not null, file_columns varchar[], extra_columns varchar[], "
        "missing_optional_columns varchar[], loaded_at timestamp not null)"
    )
    rows = {
        FIRST_DAY: [(2, "L1", "in_progress", None), (3, "L2", "completed", 90.0)],
        FIRST_DAY + timedelta(days=1): [(2, "L2", "completed", 90.0), (3, "L1", "completed", 80)],
    }
    for day, records in rows.items():
        connection.execute(
            "insert into landing.load_audit (as_of_date, source, source_file, file_present, "
            "record_count, loaded_row_count, rejected_row_count, loaded_at) "
            "values (?, 'lms', 'lms.csv', true, 2, 2, 0, now())",
            [day],
        )
        for line, record, status, score in records:
            connection.execute(
                "insert into landing.lms_completions values "
                "(?, ?, ?, 'a@x.com', null, 'C1', null, ?, null, ?, 'a@x.com')",
                [day, line, record, status, score],
            )
    ensure_landing_schema(connection)
    for day, records in rows.items():
        assert (
            connection.execute(
                "select source_line, record_id, status, score from landing.lms_completions "
                "where as_of_date = ? order by source_line",
                [day],
            ).fetchall()
            == records
        )
        (check,) = verify_day(connection, day)
        assert check.ok and check.expected_sha256 is not None
    # L2 did not change between the days: three versions, not four rows.
    assert connection.execute(
        "select count(*) from landing.lms_completions_versions"
    ).fetchone() == (3,)
