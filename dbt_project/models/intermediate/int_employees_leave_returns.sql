-- Rule §4, return from leave: per person, the last as-of date before D whose stored HR
-- export had them on leave (only the days the warehouse holds count, whatever the
-- person's scope was on them).
with history as (
    select * from {{ ref('stg_hr__employee_history') }}
)

select
    employee_id,
    max(as_of_date) as last_on_leave_on
from history
where employment_status = 'leave'
group by employee_id
