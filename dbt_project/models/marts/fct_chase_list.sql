-- Rule §9: who must act on D. Every in-scope person who is failing, due soon, or in
-- grace without a qualifying completion, with the date to complete by, how long they
-- have been failing and how far up the line the follow-up goes.
with compliance as (
    select * from {{ ref('fct_training_compliance') }}
    where as_of_date = {{ as_of_date() }}
),

roster as (
    -- D's whole HR roster: a manager need not be in scope to be chased.
    select employee_id, manager_id from {{ ref('stg_hr__employees') }}
),

policy as (
    select escalate_after_days from {{ ref('stg_policy__documents') }}
),

flagged as (
    select
        *,
        -- Grace is the only covered state left without a current completion, an
        -- exception or leave (the §4 order): a new starter who has still to train.
        not is_failing
            and not is_current
            and not has_active_exception
            and employment_status <> 'leave'
            and coalesce(as_of_date <= grace_ends_on, false) as is_in_grace_untrained
    from compliance
),

chased as (
    select * from flagged
    where is_failing or is_due_soon or is_in_grace_untrained
)

select
    chased.as_of_date,
    chased.employee_id,
    chased.department,
    chased.manager_id,
    managers.manager_id as skip_level_manager_id,
    chased.status,
    chased.is_failing,
    case
        when chased.is_failing and chased.last_completed_on is not null
            then 'lapsed: completion expired'
        when chased.is_failing then 'never completed'
        when chased.is_due_soon then 'due soon'
        else 'in grace without a completion'
    end as chase_reason,
    -- Whoever has no completion to renew (a new starter in grace, someone who never
    -- completed) must complete by the end of grace.
    case
        when chased.is_in_grace_untrained or chased.last_completed_on is null
            then chased.grace_ends_on
        else chased.due_on
    end as complete_by,
    chased.days_overdue,
    case
        when chased.is_failing and chased.days_overdue > policy.escalate_after_days then 2
        when chased.is_failing then 1
        else 0
    end as escalation_level
from chased
left join roster as managers
    on chased.manager_id = managers.employee_id
cross join policy
