-- The policy in force for D (one row): the cycle, grace and reminder settings.
with source as (
    select * from {{ source('policy', 'policy_documents') }}
    where as_of_date = {{ as_of_date() }}
)

select
    as_of_date,
    policy_sha256,
    policy_file,
    control,
    scope_otherwise,
    cycle_mode,
    cycle_validity_days,
    cycle_starts_month,
    cycle_starts_day,
    grace_days,
    return_from_leave_grace_days,
    due_soon_days,
    escalate_after_days,
    forecast_days
from source
