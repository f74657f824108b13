-- Rule §10: how long each in-scope person of D stays covered if nobody completes
-- anything new and the roster stays as on D. A completion covers through due_on, an
-- exception through expires_on, grace through grace_ends_on; leave and an open-ended
-- exception never end. Whoever is not covered on D stays uncovered.
with statuses as (
    select * from {{ ref('int_training_status_assigned') }}
),

ends as (
    select
        as_of_date,
        employee_id,
        department,
        manager_id,
        status,
        is_compliant as is_covered_on_as_of_date,
        is_compliant
            and (
                employment_status = 'leave'
                or (has_active_exception and exception_expires_on is null)
            ) as is_covered_indefinitely,
        -- The latest of the dates that still cover the person (greatest skips NULLs).
        -- Every covered status has one; were it ever missing, the person would count
        -- as lapsing tomorrow, never as covered for good.
        coalesce(
            greatest(
                case when is_current then due_on end,
                case when has_active_exception then exception_expires_on end,
                case when as_of_date <= grace_ends_on then grace_ends_on end
            ),
            as_of_date
        ) as last_covered_date
    from statuses
)

select
    as_of_date,
    employee_id,
    department,
    manager_id,
    status,
    is_covered_on_as_of_date,
    is_covered_indefinitely,
    case
        when is_covered_on_as_of_date and not is_covered_indefinitely then last_covered_date
    end as covered_through,
    case
        when is_covered_on_as_of_date and not is_covered_indefinitely
            then {{ add_days('last_covered_date', 1) }}
    end as lapses_on
from ends
