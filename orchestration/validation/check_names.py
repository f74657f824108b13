"""The names of the GX asset checks, which the alerts and the evidence refer to as well."""

COVERAGE_GATE = "gx_coverage_gate"
FACT_INTEGRITY = "gx_fact_integrity"
COVERAGE_VERDICT = "gx_coverage_verdict"
NO_UNMATCHED_LEARNERS = "gx_no_unmatched_learners"
CONTRACT_ROWS = "gx_contract_rows"
CONTRACT_HEADER = "gx_contract_header"
SCOPE_RESOLVED = "gx_scope_resolved"
