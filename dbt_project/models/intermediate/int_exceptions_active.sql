-- Rule §5: exceptions in force on D (approved on or before D, not yet expired).
-- duration_rank = 1 marks, per person, the exception that lasts longest.
with exceptions as (
    select * from {{ ref('stg_exceptions__training_exceptions') }}
),

active as (
    select *
    from exceptions
    where approved_on <= as_of_date
        and (expires_on is null or as_of_date <= expires_on)
)

select
    as_of_date,
    employee_id,
    reason as exception_reason,
    approved_by as exception_approved_by,
    approved_on as exception_approved_on,
    expires_on as exception_expires_on,
    exception_line,
    row_number() over (
        partition by employee_id
        order by case when expires_on is null then 0 else 1 end, expires_on desc,
            approved_on desc, exception_line
    ) as duration_rank
from active
