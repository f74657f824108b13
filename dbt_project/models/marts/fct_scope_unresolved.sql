-- §2.2: the people of D whose scope the policy does not decide: unclassified, or possible
-- scope misses with the include pattern they resemble. They are not in the fact table;
-- any row here fails the control for the day until a rule or an override classifies them.
with scoped as (
    select * from {{ ref('int_employees_scoped') }}
    where scope_status in ('unclassified', 'possible_scope_miss')
)

select
    as_of_date,
    employee_id,
    job_title,
    job_family,
    job_code,
    department,
    manager_id,
    employment_type,
    scope_status,
    resembled_rule_id,
    resembled_field,
    resembled_pattern,
    scope_reason,
    source_line
from scoped
