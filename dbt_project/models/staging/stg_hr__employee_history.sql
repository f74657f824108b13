-- Every stored HR row before D (the warehouse keeps each day's export), for the rules
-- that look back: return from leave (§4).
with source as (
    select * from {{ source('landing', 'hr_employees') }}
    where as_of_date < {{ as_of_date() }}
)

select
    as_of_date,
    employee_id,
    employment_status
from source
