import os

# Importing any `orchestration` module loads the Dagster definitions, once per test
# process and before any test writes its landing zone, so the first partition cannot
# come from a landing zone here: a fixed first day keeps every test's as-of date a
# partition. The tests of the landing-zone default (test_partitions.py, and the
# `compliance run` of conftest.cli_run, a process of its own) remove it.
os.environ.setdefault("COMPLIANCE_PARTITIONS_START", "2024-01-01")
