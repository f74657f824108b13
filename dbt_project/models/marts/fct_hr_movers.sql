-- Sampling populations for auditors: everyone of the HR exports up to D whose hire or
-- termination date lies in the sampling_lookback_days ending D, described by their
-- latest row up to D, with whether they were ever in scope and their status on D.
-- Not filtered by scope, so the counts reconcile with HR's own joiner/leaver lists.
with decisions as (
    select * from {{ ref('fct_population_scope_decisions') }}
    where as_of_date <= {{ as_of_date() }}
),

compliance as (
    select employee_id, status from {{ ref('fct_training_compliance') }}
    where as_of_date = {{ as_of_date() }}
),

ranked as (
    select
        *,
        row_number() over (partition by employee_id order by as_of_date desc) as recency
    from decisions
),

scope_history as (
    select
        employee_id,
        max(as_of_date) as last_seen_on,
        {{ dbt.bool_or('is_in_scope') }} as was_in_scope
    from decisions
    group by employee_id
),

latest as (
    select * from ranked where recency = 1
),

lookback as (
    select
        {{ as_of_date() }} as as_of_date,
        {{ add_days(as_of_date(), 1 - var('sampling_lookback_days')) }} as lookback_starts_on
)

select
    lookback.as_of_date,
    latest.employee_id,
    latest.job_title,
    latest.job_family,
    latest.department,
    latest.manager_id,
    latest.employment_type,
    latest.employment_status,
    latest.hire_date,
    latest.termination_date,
    latest.scope_reason as latest_scope_reason,
    scope_history.last_seen_on,
    scope_history.was_in_scope,
    compliance.status as status_on_as_of_date
from latest
cross join lookback
inner join scope_history
    on latest.employee_id = scope_history.employee_id
left join compliance
    on latest.employee_id = compliance.employee_id
where
    latest.hire_date between lookback.lookback_starts_on and lookback.as_of_date
    or latest.termination_date between lookback.lookback_starts_on and lookback.as_of_date
