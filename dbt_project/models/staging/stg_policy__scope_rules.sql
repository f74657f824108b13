-- The policy's ordered scope rules for D, each with how many fields it matches on.
with rules as (
    select * from {{ source('policy', 'scope_rules') }}
    where as_of_date = {{ as_of_date() }}
),

patterns as (
    select * from {{ source('policy', 'scope_rule_patterns') }}
    where as_of_date = {{ as_of_date() }}
),

field_counts as (
    select rule_id, count(distinct field) as matched_field_count
    from patterns
    group by rule_id
)

select
    rules.as_of_date,
    rules.rule_order,
    rules.rule_id,
    rules.decision,
    rules.reason,
    coalesce(field_counts.matched_field_count, 0) as matched_field_count
from rules
left join field_counts
    on rules.rule_id = field_counts.rule_id
