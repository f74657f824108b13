-- Who reminders are addressed to: name and work email of every person on D's HR roster.
-- Personal data: a view (nothing copied), read only by the reminders step, never exported
-- as evidence. Managers are looked up here too, whatever their own scope.
with roster as (
    select * from {{ source('landing', 'hr_employees') }}
)

select
    as_of_date,
    employee_id,
    full_name,
    work_email
from roster
