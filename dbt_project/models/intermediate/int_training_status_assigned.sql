-- Rule §4: one status per in-scope person; the first rule that applies wins.
with in_scope_employees as (
    select * from {{ ref('int_employees_scoped') }}
    where is_in_scope
),

latest_completions as (
    select * from {{ ref('int_training_completions_qualifying') }}
),

active_exceptions as (
    select * from {{ ref('int_exceptions_active') }}
    where duration_rank = 1
),

training_statuses as (
    select * from {{ ref('training_statuses') }}
),

dated as (
    select
        in_scope_employees.as_of_date,
        in_scope_employees.employee_id,
        in_scope_employees.job_title,
        in_scope_employees.job_family,
        in_scope_employees.department,
        in_scope_employees.manager_id,
        in_scope_employees.employment_type,
        in_scope_employees.employment_status,
        in_scope_employees.hire_date,
        in_scope_employees.termination_date,
        latest_completions.last_completed_on,
        latest_completions.qualifying_course_id,
        latest_completions.qualifying_record_id,
        latest_completions.match_method,
        {{ add_days('latest_completions.last_completed_on', var('validity_days')) }} as due_on,
        {{ add_days('in_scope_employees.hire_date', var('grace_days')) }} as grace_ends_on,
        active_exceptions.employee_id is not null as has_active_exception,
        active_exceptions.exception_reason,
        active_exceptions.exception_approved_by,
        active_exceptions.exception_expires_on
    from in_scope_employees
    left join latest_completions
        on in_scope_employees.employee_id = latest_completions.employee_id
    left join active_exceptions
        on in_scope_employees.employee_id = active_exceptions.employee_id
),

currency as (
    select
        *,
        coalesce(as_of_date <= due_on, false) as is_current,
        {{ dbt.datediff('as_of_date', 'due_on', 'day') }} as days_until_due
    from dated
),

assigned as (
    select
        *,
        case
            when is_current then 'compliant'
            when has_active_exception then 'exempt'
            when employment_status = 'leave' then 'on_leave'
            when as_of_date <= grace_ends_on then 'in_grace_period'
            when last_completed_on is not null then 'overdue'
            else 'never_completed'
        end as status
    from currency
)

select
    assigned.*,
    -- How long a failing person has been failing: past due_on, or past the grace period.
    case
        when training_statuses.is_failing and assigned.last_completed_on is not null
            then -assigned.days_until_due
        when training_statuses.is_failing
            then {{ dbt.datediff('assigned.grace_ends_on', 'assigned.as_of_date', 'day') }}
    end as days_overdue,
    assigned.is_current and assigned.days_until_due <= {{ var('due_soon_days') }} as is_due_soon,
    training_statuses.is_failing,
    training_statuses.is_covered as is_compliant
from assigned
left join training_statuses
    on assigned.status = training_statuses.status
