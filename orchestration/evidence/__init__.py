"""Auditor evidence: a sealed folder per as-of date with exports, validation results,
documentation, run metadata and static pages, plus `verify` to prove it was not edited.

Layout and the files that carry run-time stamps: layout.py. Building a day: pack.py.
"""
