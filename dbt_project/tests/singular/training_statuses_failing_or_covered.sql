-- Every status either fails the control or counts as covered, never both or neither:
-- coverage_pct (covered people) and failing_count (failing people) must add up.
select status, is_failing, is_covered
from {{ ref('training_statuses') }}
where is_failing = is_covered
