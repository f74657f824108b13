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

policy as (
    select * from {{ ref('stg_policy__documents') }}
),

leave_returns as (
    select * from {{ ref('int_employees_leave_returns') }}
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
        in_scope_employees.scope_rule_id,
        latest_completions.last_completed_on,
        latest_completions.qualifying_course_id,
        latest_completions.qualifying_record_id,
        latest_completions.match_method,
        latest_completions.due_on,
        -- New hires are in grace for grace_days; people back from leave, when the policy
        -- grants it, for return_from_leave_grace_days after their last day on leave.
        case
            when policy.return_from_leave_grace_days > 0
                and leave_returns.last_on_leave_on is not null
                then greatest(
                    {{ add_days('in_scope_employees.hire_date', 'policy.grace_days') }},
                    {{ add_days('leave_returns.last_on_leave_on', 'policy.return_from_leave_grace_days') }}
                )
            else {{ add_days('in_scope_employees.hire_date', 'policy.grace_days') }}
        end as grace_ends_on,
        policy.due_soon_days,
        active_exceptions.employee_id is not null as has_active_exception,
        active_exceptions.exception_reason,
        active_exceptions.exception_approved_by,
        active_exceptions.exception_expires_on
    from in_scope_employees
    left join latest_completions
        on in_scope_employees.employee_id = latest_completions.employee_id
    left join active_exceptions
        on in_scope_employees.employee_id = active_exceptions.employee_id
    left join leave_returns
        on in_scope_employees.employee_id = leave_returns.employee_id
    cross join policy
),

currency as (
    select
        *,
        coalesce(as_of_date <= due_on, false) as is_current,
        {{ days_between('as_of_date', 'due_on') }} as days_until_due
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
            then {{ days_between('assigned.grace_ends_on', 'assigned.as_of_date') }}
    end as days_overdue,
    assigned.is_current and assigned.days_until_due <= assigned.due_soon_days as is_due_soon,
    training_statuses.is_failing,
    training_statuses.is_covered as is_compliant
from assigned
left join training_statuses
    on assigned.status = training_statuses.status
