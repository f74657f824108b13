"""The evidence folder a daily run writes: contents, run metadata, GX results of the same
run, and no personal data beyond employee ids."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dagster import DagsterEventType

from orchestration.evidence import dbt_docs, layout
from orchestration.evidence.seal import sha256_of
from orchestration.evidence.table_exports import TABLE_EXPORTS, read_export
from orchestration.rule_settings import load_rule_settings
from orchestration.statuses import load_statuses
from orchestration.validation.checks import GX_CHECK_SPECS
from tests.evidence.conftest import DAYS, END_DATE, EvidenceRun

EXPECTED_FILES = (
    layout.DAY_PAGE,
    f"{layout.IN_SCOPE}{layout.POPULATION_CSV}",
    f"{layout.IN_SCOPE}.parquet",
    f"{layout.SCOPE_DECISIONS}{layout.POPULATION_CSV}",
    f"{layout.SCOPE_DECISIONS}.parquet",
    layout.EXCEPTIONS_IN_FORCE,
    layout.UNMATCHED_LMS_RECORDS,
    layout.REJECTS,
    layout.COVERAGE,
    layout.COVERAGE_TREND,
    layout.SAMPLING,
    layout.GX_DATA_DOCS,
    layout.RUN_METADATA,
    layout.SUMS,
)


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _gzip_csv_rows(path: Path) -> list[dict[str, str]]:
    return _csv_rows(gzip.decompress(path.read_bytes()).decode("utf-8"))


def _shared_docs(folder: Path) -> list[str]:
    sums = (folder / layout.SUMS).read_text().splitlines()
    return [line.split("  ", 1)[1] for line in sums if "  ../" in line]


def _metadata(evidence_run: EvidenceRun) -> dict:
    return json.loads((evidence_run.day(END_DATE) / layout.RUN_METADATA).read_text())


@pytest.mark.parametrize("as_of_date", DAYS)
def test_each_run_leaves_a_complete_folder_and_an_index(evidence_run, as_of_date) -> None:
    folder = evidence_run.day(as_of_date)
    for relative in EXPECTED_FILES:
        assert (folder / relative).is_file(), relative
    for spec in GX_CHECK_SPECS:
        assert (folder / layout.GX_VALIDATIONS_DIR / f"{spec.checkpoint}.json").is_file()
    (docs,) = _shared_docs(folder)
    assert (folder / docs).stat().st_size > 100_000, "one self-contained docs file"
    assert (evidence_run.evidence / layout.ROOT_INDEX).is_file()


def test_days_share_one_dbt_docs_page_sealed_by_each(evidence_run) -> None:
    """The dbt project did not change between the days: its docs are stored once, linked
    and hashed by every day's folder, and the later day did not generate them again."""
    pages = {day: _shared_docs(evidence_run.day(day)) for day in DAYS}
    assert len({tuple(page) for page in pages.values()}) == 1, pages
    stored = sorted((evidence_run.evidence / layout.DBT_DOCS_ROOT).rglob("*"))
    assert [path.name for path in stored if path.is_file()] == [layout.DBT_DOCS_PAGE]
    for day in DAYS:
        folder = evidence_run.day(day)
        assert not (folder / layout.DBT_DOCS_ROOT).exists()
        (page,) = pages[day]
        assert f'href="{page}"' in (folder / layout.DAY_PAGE).read_text()
    later = evidence_run.results[DAYS[-1]]
    messages = [
        record.user_message
        for record in evidence_run.instance.all_logs(later.run_id)
        if record.step_key == "evidence_pack"
    ]
    assert any("dbt docs unchanged" in message for message in messages), messages


def test_a_new_evidence_folder_takes_the_docs_page_from_the_projects_cache(
    evidence_run, tmp_path
) -> None:
    """Another evidence folder of the same project and warehouse schema gets the page
    the project's target/ kept, without running dbt; dbt still generates it from
    nothing whenever no page of that fingerprint is cached."""
    (link,) = _shared_docs(evidence_run.day(END_DATE))
    fingerprint = Path(link).parent.name
    cached = dbt_docs.cached_page(fingerprint)
    assert cached.is_file(), "the run that generated the page kept it"

    relative, generated = dbt_docs.publish_dbt_docs(
        tmp_path, fingerprint, END_DATE, evidence_run.warehouse
    )
    assert (relative, generated) == (link, False)
    copied = tmp_path / layout.DBT_DOCS_ROOT / fingerprint / layout.DBT_DOCS_PAGE
    assert copied.read_bytes() == cached.read_bytes()

    fresh = tmp_path / "generated" / layout.DBT_DOCS_PAGE
    dbt_docs.generate_dbt_docs(END_DATE, fresh, evidence_run.warehouse)
    assert fresh.stat().st_size > 100_000
    assert "model.training_compliance.fct_training_compliance" in fresh.read_text()


def test_no_population_is_stored_twice_uncompressed(evidence_run) -> None:
    folder = evidence_run.day(END_DATE)
    plain = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.csv"))
    assert not [name for name in plain if name.startswith("population/")], plain
    assert not (folder / layout.SAMPLES_DIR / "in_scope_population.csv").exists()
    sampling = json.loads((folder / layout.SAMPLING).read_text())
    for name, item in sampling["populations"].items():
        sample = _csv_rows((folder / item["sample_file"]).read_text())
        population_file = folder / item["population_file"]
        if population_file.suffix == ".gz":
            population = _gzip_csv_rows(population_file)
        else:
            population = _csv_rows(population_file.read_text())
        assert len(population) == item["population_count"], name
        assert sample and set(sample[0]) == {"draw", "employee_id"}, name
        ids = {row["employee_id"] for row in population}
        assert {row["employee_id"] for row in sample} <= ids, name
    in_scope = sampling["populations"]["in_scope"]
    assert in_scope["population_file"] == f"{layout.IN_SCOPE}{layout.POPULATION_CSV}"


def test_exports_match_the_warehouse(evidence_run) -> None:
    folder = evidence_run.day(END_DATE)
    in_scope = _gzip_csv_rows(folder / f"{layout.IN_SCOPE}{layout.POPULATION_CSV}")
    with duckdb.connect(str(evidence_run.warehouse), read_only=True) as connection:
        fact = connection.execute(
            "select employee_id, status from main.fct_training_compliance "
            "where as_of_date = ? order by employee_id",
            [END_DATE],
        ).fetchall()
        decisions = connection.execute(
            "select count(*) from main.fct_population_scope_decisions where as_of_date = ?",
            [END_DATE],
        ).fetchone()[0]
        coverage = connection.execute(
            "select in_scope_count, coverage_pct, control_passed from main.compliance_coverage "
            "where as_of_date = ?",
            [END_DATE],
        ).fetchone()
    assert [(row["employee_id"], row["status"]) for row in in_scope] == fact
    parquet = pq.read_table(folder / f"{layout.IN_SCOPE}.parquet")
    assert parquet.column("employee_id").to_pylist() == [row[0] for row in fact]
    assert pq.read_table(folder / f"{layout.SCOPE_DECISIONS}.parquet").num_rows == decisions
    decisions_csv = _gzip_csv_rows(folder / f"{layout.SCOPE_DECISIONS}{layout.POPULATION_CSV}")
    assert len(decisions_csv) == decisions

    document = json.loads((folder / layout.COVERAGE).read_text())
    assert (document["in_scope_count"], document["coverage_pct"]) == coverage[:2]
    assert document["control_passed"] is coverage[2]
    assert sum(document[status.count_column] for status in load_statuses()) == len(fact)
    assert sum(item["in_scope_count"] for item in document["by_department"]) == len(fact)

    exceptions = _csv_rows((folder / layout.EXCEPTIONS_IN_FORCE).read_text())
    assert exceptions, "the sample plants exceptions in force"
    assert all(row["exception_reason"] and row["exception_approved_by"] for row in exceptions)
    rejects_header = (folder / layout.REJECTS).read_text().splitlines()[0].split(",")
    assert "value" not in rejects_header


def test_run_metadata_records_inputs_rules_and_code(evidence_run) -> None:
    metadata = _metadata(evidence_run)
    assert metadata["as_of_date"] == END_DATE.isoformat()
    assert metadata["run_id"] == evidence_run.results[END_DATE].run_id
    assert datetime.fromisoformat(metadata["generated_at_utc"]).tzinfo == UTC

    files = {item["source"]: item for item in metadata["input_files"]}
    assert set(files) == {"hr", "lms", "exceptions"}
    for item in files.values():
        assert item["sha256"] == sha256_of(evidence_run.landing / item["source_file"]), item
        assert item["landing_zone_now"] == {"exists": True, "sha256_matches_load": True}

    rules = load_rule_settings()
    assert metadata["rule_configuration"]["fingerprint_sha256"] == rules.fingerprint()
    assert metadata["rule_configuration"]["variables"] == rules.variables
    assert set(metadata["rule_configuration"]["seed_files"]) == set(rules.seed_files)
    assert re.fullmatch(r"[0-9a-f]{40}", metadata["code_version"]["git_commit"])
    assert isinstance(metadata["code_version"]["git_dirty"], bool)
    for package in ("dagster", "dagster-dbt", "dbt-core", "dbt-duckdb", "duckdb", "pandas"):
        assert metadata["package_versions"][package], package
    assert metadata["package_versions"]["great_expectations"]


def test_gx_results_come_from_the_same_run(evidence_run) -> None:
    """The evidence step runs after every GX check of its run, and copies their results."""
    result = evidence_run.results[END_DATE]
    records = evidence_run.instance.all_logs(result.run_id)
    started = {
        record.step_key: record.timestamp
        for record in records
        if record.dagster_event_type == DagsterEventType.STEP_START
    }
    finished = {
        record.step_key: record.timestamp
        for record in records
        if record.dagster_event_type == DagsterEventType.STEP_SUCCESS
    }
    gx_steps = [key for key in finished if "gx_" in key]
    assert len(gx_steps) == len(GX_CHECK_SPECS)
    evidence_started = started["evidence_pack"]
    assert all(finished[key] <= evidence_started for key in gx_steps)

    run_started = min(started.values())
    for validation in _metadata(evidence_run)["gx_validations"]:
        assert validation["file"], validation
        ran_at = datetime.fromisoformat(validation["run_time"]).timestamp()
        assert run_started <= ran_at <= evidence_started, validation["checkpoint"]


def test_a_failing_coverage_gate_does_not_stop_the_evidence(evidence_run) -> None:
    document = json.loads((evidence_run.day(END_DATE) / layout.COVERAGE).read_text())
    assert document["control_passed"] is False, "the sample organisation plants overdue people"
    gate = json.loads(
        (
            evidence_run.day(END_DATE)
            / layout.GX_VALIDATIONS_DIR
            / "fct_training_compliance__coverage_gate.json"
        ).read_text()
    )
    assert gate["success"] is False


def _personal_data(files: list[Path], root: Path, values: set[str]) -> list[tuple[str, str]]:
    """(file, value) for each of `values` found in a file, ignoring case; parquet as rows.

    One substring search per value: a regular expression alternating hundreds of names
    takes minutes over the evidence's megabytes. Files with the same bytes (each day's
    copy of the GX Data Docs' images and scripts) are searched once.
    """
    folded = sorted({value.casefold() for value in values})
    found_in: dict[tuple[bool, str], list[str]] = {}
    leaks = []
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        is_parquet = path.suffix == ".parquet"
        key = (is_parquet, hashlib.sha256(data).hexdigest())
        if key not in found_in:
            if is_parquet:
                rows = pq.read_table(path).to_pylist()
                text = json.dumps(rows, default=str, ensure_ascii=False)
            else:
                text = data.decode("utf-8", errors="replace")
            text = text.casefold()
            found_in[key] = [value for value in folded if value in text]
        leaks.extend((path.relative_to(root).as_posix(), value) for value in found_in[key])
    return leaks


def test_no_full_name_or_email_anywhere_in_the_evidence(evidence_run) -> None:
    names = evidence_run.hr_values("full_name")
    emails = evidence_run.hr_values("work_email")
    assert len(names) > 200 and len(emails) > 200
    files = [path for path in evidence_run.evidence.rglob("*") if path.is_file()]
    assert len(files) > len(DAYS) * 40
    assert _personal_data(files, evidence_run.evidence, names | emails) == []


def test_the_personal_data_search_finds_a_planted_name_and_email(
    evidence_run, tmp_path: Path
) -> None:
    """Control: the search above must see a name or email in any case, in text or parquet."""
    name = sorted(evidence_run.hr_values("full_name"))[0]
    email = sorted(evidence_run.hr_values("work_email"))[0]
    (tmp_path / "page.html").write_text(f"<td>{name.upper()}</td>", encoding="utf-8")
    pq.write_table(pa.table({"who": [email.title()]}), tmp_path / "rows.parquet")
    (tmp_path / "clean.csv").write_text("employee_id\nE000001\n")
    (tmp_path / "rows.csv.gz").write_bytes(gzip.compress(f"who\n{name.lower()}\n".encode()))
    files = sorted(tmp_path.iterdir())
    assert _personal_data(files, tmp_path, {name, email}) == [
        ("page.html", name.casefold()),
        ("rows.csv.gz", name.casefold()),
        ("rows.parquet", email.casefold()),
    ]


def test_emails_only_when_configured(evidence_run) -> None:
    (in_scope,) = [e for e in TABLE_EXPORTS if f"{layout.IN_SCOPE}.parquet" in e.files]
    with duckdb.connect(str(evidence_run.warehouse), read_only=True) as connection:
        default = read_export(connection, in_scope, END_DATE, False)
        with_emails = read_export(connection, in_scope, END_DATE, True)
        hr = dict(
            connection.execute(
                "select employee_id, work_email from landing.hr_employees where as_of_date = ?",
                [END_DATE],
            ).fetchall()
        )
    assert "work_email" not in default.column_names
    assert "full_name" not in with_emails.column_names
    rows = with_emails.select(["employee_id", "work_email"]).to_pylist()
    assert rows and all(row["work_email"] == hr[row["employee_id"]] for row in rows)
