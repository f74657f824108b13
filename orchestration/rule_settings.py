"""The dbt-side settings in force: the project's vars and seeds, as versioned in dbt_project/.

The control's rules themselves are in the policy file (orchestration/policy); what is
left here is how the models run (the sampling lookback) and the status seed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from orchestration.settings import DBT_PROJECT_DIR

RULE_VARS = ("sampling_lookback_days",)


@dataclass(frozen=True)
class RuleSettings:
    variables: dict[str, Any]
    seed_files: dict[str, str]

    @property
    def sampling_lookback_days(self) -> int:
        return int(self.variables["sampling_lookback_days"])

    def fingerprint(self) -> str:
        """SHA-256 over the vars and every seed file, to prove which model settings ran."""
        digest = hashlib.sha256()
        for name in RULE_VARS:
            digest.update(f"{name}={self.variables[name]}\n".encode())
        for name, text in sorted(self.seed_files.items()):
            digest.update(f"{name}\n{text}".encode())
        return digest.hexdigest()


def load_rule_settings(project_dir: Path = DBT_PROJECT_DIR) -> RuleSettings:
    project = yaml.safe_load((project_dir / "dbt_project.yml").read_text())
    variables = {name: project["vars"][name] for name in RULE_VARS}
    seeds = {path.name: path.read_text() for path in sorted((project_dir / "seeds").glob("*.csv"))}
    return RuleSettings(variables=variables, seed_files=seeds)
