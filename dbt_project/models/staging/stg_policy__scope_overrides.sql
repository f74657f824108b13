-- The policy's per-person scope decisions, as written (in force or not on D).
with source as (
    select * from {{ source('policy', 'scope_overrides') }}
    where as_of_date = {{ as_of_date() }}
)

select
    as_of_date,
    employee_id,
    decision,
    reason,
    approved_by,
    approved_on,
    expires_on
from source
