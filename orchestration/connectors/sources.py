"""Which connector fills which export: the values of COMPLIANCE_HR_SOURCE and _LMS_SOURCE."""

from __future__ import annotations

from orchestration.ingestion.contract import HR_EMPLOYEES, LMS_COMPLETIONS, ExportContract

# `csv` means the export is dropped into the landing zone by someone else: nothing is pulled.
CSV = "csv"
HR_SOURCES = ("bamboohr", "workday")
LMS_SOURCES = ("knowbe4", "securecodewarrior")

SOURCE_CONTRACTS: dict[str, ExportContract] = {
    **dict.fromkeys(HR_SOURCES, HR_EMPLOYEES),
    **dict.fromkeys(LMS_SOURCES, LMS_COMPLETIONS),
}


def checked_source(value: str, contract: ExportContract) -> str:
    """`value` if it can fill `contract`'s export, else a ValueError listing the choices."""
    choices = (CSV, *(name for name, filled in SOURCE_CONTRACTS.items() if filled == contract))
    if value not in choices:
        raise ValueError(
            f'"{value}" is not a source of the {contract.description}; '
            f"choose one of {', '.join(choices)}"
        )
    return value
