"""The control's policy file: schema, validation, normalisation of compared text, tables."""

from orchestration.policy.errors import PolicyError, Problem
from orchestration.policy.globs import glob_to_like, has_wildcards, skeleton_like
from orchestration.policy.loading import Policy, load_policy
from orchestration.policy.normalisation import normalise, skeleton
from orchestration.policy.schema import PolicyDocument
from orchestration.policy.tables import POLICY_TABLES, publish_policy

__all__ = [
    "POLICY_TABLES",
    "Policy",
    "PolicyDocument",
    "PolicyError",
    "Problem",
    "glob_to_like",
    "has_wildcards",
    "load_policy",
    "normalise",
    "publish_policy",
    "skeleton",
    "skeleton_like",
]
