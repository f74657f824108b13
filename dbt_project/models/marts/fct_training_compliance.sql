-- One row per in-scope person per as-of date: the control's evidence table.
with statuses as (
    select * from {{ ref('int_training_status_assigned') }}
)

select
    as_of_date,
    employee_id,
    job_title,
    job_family,
    department,
    manager_id,
    employment_type,
    employment_status,
    hire_date,
    termination_date,
    scope_rule_id,
    last_completed_on,
    qualifying_course_id,
    qualifying_record_id,
    match_method,
    due_on,
    days_until_due,
    days_overdue,
    grace_ends_on,
    has_active_exception,
    exception_expires_on,
    is_current,
    is_due_soon,
    status,
    is_failing,
    is_compliant
from statuses
