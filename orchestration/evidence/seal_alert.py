"""The seal log entry a run appended, for its alert: a copy of the chain's head that
lives outside the pipeline host, which `compliance verify --known-entry` checks later."""

from __future__ import annotations

from dagster import AssetKey, DagsterEventType, DagsterInstance

EVIDENCE_KEY = AssetKey("evidence_pack")
ENTRY_METADATA = "seal_entry_sha256"


def seal_entry_lines(instance: DagsterInstance, run_id: str) -> list[str]:
    """One line naming the entry when the run sealed evidence, else none."""
    for record in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION):
        materialization = record.dagster_event.step_materialization_data.materialization
        value = materialization.metadata.get(ENTRY_METADATA)
        if materialization.asset_key == EVIDENCE_KEY and value is not None:
            return [f"Evidence sealed: seal log entry {value.value}"]
    return []
