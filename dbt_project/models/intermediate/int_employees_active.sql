-- Rule §1: who is in the population on the as-of date, and why not when they are not.
with employees as (
    select * from {{ ref('stg_hr__employees') }}
),

activity as (
    select
        *,
        case
            when hire_date > as_of_date
                then 'not active: future starter (hire_date '
                    || cast(hire_date as {{ dbt.type_string() }}) || ')'
            when employment_status = 'terminated'
                then 'not active: employment_status is terminated'
            when termination_date <= as_of_date
                then 'not active: terminated on '
                    || cast(termination_date as {{ dbt.type_string() }})
        end as inactive_reason
    from employees
)

select
    *,
    inactive_reason is null as is_active
from activity
