-- Every person of the day's HR export with the scope decision and its reason, so an
-- auditor can test the population itself and not only the in-scope rows.
with scoped as (
    select * from {{ ref('int_employees_scoped') }}
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
    employment_status,
    hire_date,
    termination_date,
    is_active,
    is_in_scope,
    scope_status,
    scope_rule_id,
    scope_reason,
    source_line
from scoped
