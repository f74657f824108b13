-- The patterns of the policy's scope rules for D, already normalised and turned into
-- LIKE patterns (escape character backslash) by the policy loader.
with source as (
    select * from {{ source('policy', 'scope_rule_patterns') }}
    where as_of_date = {{ as_of_date() }}
)

select
    as_of_date,
    rule_id,
    field,
    pattern,
    like_pattern,
    skeleton_like_pattern,
    has_wildcards,
    pattern_text
from source
