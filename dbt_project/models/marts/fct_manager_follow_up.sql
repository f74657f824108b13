-- Rules §9 and §10 per manager: for each manager of D's in-scope people, how many of
-- their people fail, are escalated past them, are due soon or in grace, and will lapse
-- within 30, 60 and 90 days if nothing changes. The owner's per-manager table.
with chase_list as (
    select * from {{ ref('fct_chase_list') }}
    where as_of_date = {{ as_of_date() }}
),

lapses_ahead as (
    select * from {{ ref('fct_lapses_ahead_by_manager') }}
    where as_of_date = {{ as_of_date() }}
),

chased_by_manager as (
    select
        manager_id,
        count(case when is_failing then 1 end) as failing_count,
        count(case when escalation_level = 2 then 1 end) as escalated_count,
        count(case when not is_failing then 1 end) as due_soon_or_in_grace_count,
        max(days_overdue) as most_days_overdue
    from chase_list
    group by manager_id
)

select
    lapses_ahead.as_of_date,
    lapses_ahead.manager_id,
    lapses_ahead.in_scope_count,
    coalesce(chased_by_manager.failing_count, 0) as failing_count,
    coalesce(chased_by_manager.escalated_count, 0) as escalated_count,
    coalesce(chased_by_manager.due_soon_or_in_grace_count, 0) as due_soon_or_in_grace_count,
    chased_by_manager.most_days_overdue,
    lapses_ahead.lapsing_within_30_days,
    lapses_ahead.lapsing_within_60_days,
    lapses_ahead.lapsing_within_90_days
from lapses_ahead
left join chased_by_manager
    -- People with no manager are one group too.
    on lapses_ahead.manager_id is not distinct from chased_by_manager.manager_id
