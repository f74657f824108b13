-- Every exception in force on the as-of date, with reason and approver, for the evidence.
with active_exceptions as (
    select * from {{ ref('int_exceptions_active') }}
),

employees as (
    select employee_id, is_in_scope from {{ ref('int_employees_scoped') }}
)

select
    active_exceptions.as_of_date,
    active_exceptions.employee_id,
    active_exceptions.exception_reason,
    active_exceptions.exception_approved_by,
    active_exceptions.exception_approved_on,
    active_exceptions.exception_expires_on,
    active_exceptions.exception_line,
    employees.employee_id is not null as is_employee_in_hr_export,
    coalesce(employees.is_in_scope, false) as is_employee_in_scope
from active_exceptions
left join employees
    on active_exceptions.employee_id = employees.employee_id
