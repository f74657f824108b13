-- Rule §2: the scope decision, with its reason, for every person of the day's HR export.
with employees as (
    select * from {{ ref('int_employees_active') }}
),

in_scope_job_families as (
    select
        lower(trim(job_family)) as job_family_normalised,
        job_family as configured_job_family,
        why_in_scope
    from {{ ref('in_scope_job_families') }}
),

employment_type_scope as (
    select * from {{ ref('employment_type_scope') }}
),

decided as (
    select
        employees.*,
        in_scope_job_families.why_in_scope,
        coalesce(employment_type_scope.is_in_scope, false) as is_employment_type_in_scope,
        in_scope_job_families.job_family_normalised is not null as is_job_family_in_scope
    from employees
    left join in_scope_job_families
        on employees.job_family_normalised = in_scope_job_families.job_family_normalised
    left join employment_type_scope
        on employees.employment_type = employment_type_scope.employment_type
)

select
    *,
    is_active and is_job_family_in_scope and is_employment_type_in_scope as is_in_scope,
    case
        when not is_active
            then inactive_reason
        when not is_job_family_in_scope
            then 'out of scope: job family "' || job_family || '" is not in in_scope_job_families'
        when not is_employment_type_in_scope
            then 'out of scope: employment type "' || employment_type || '" is excluded'
        else 'in scope: ' || why_in_scope || ' (job family "' || job_family || '")'
    end as scope_reason
from decided
