-- Rule §10: the coverage each day D+1 .. D+forecast_days would have if nobody
-- completed anything new and the roster stayed as on D.
with coverage_ends as (
    select * from {{ ref('int_training_coverage_ends') }}
),

policy as (
    select forecast_days from {{ ref('stg_policy__documents') }}
),

forecast_days as (
    select
        -- A bigint on every adapter (PostgreSQL's generate_series of integers is integer).
        cast(days.days_ahead as bigint) as days_ahead,
        {{ add_days(as_of_date(), 'days.days_ahead') }} as forecast_date
    from policy
    cross join generate_series(1, policy.forecast_days) as days (days_ahead)
),

roster as (
    select
        count(*) as in_scope_count,
        count(case when is_covered_on_as_of_date then 1 end) as covered_on_as_of_date_count
    from coverage_ends
),

-- Counted per lapse date, not per person and day: the work stays proportional to the
-- roster plus the horizon, whatever the size of either.
lapses_by_date as (
    select
        lapses_on,
        count(*) as lapsing_count
    from coverage_ends
    where lapses_on is not null
    group by lapses_on
),

lapsed_by_forecast_date as (
    select
        forecast_days.forecast_date,
        forecast_days.days_ahead,
        cast(coalesce(sum(lapses_by_date.lapsing_count), 0) as bigint)
            as lapsed_since_as_of_date_count
    from forecast_days
    left join lapses_by_date
        on lapses_by_date.lapses_on <= forecast_days.forecast_date
    group by forecast_days.forecast_date, forecast_days.days_ahead
),

projected as (
    select
        lapsed_by_forecast_date.forecast_date,
        lapsed_by_forecast_date.days_ahead,
        roster.in_scope_count,
        roster.covered_on_as_of_date_count
            - lapsed_by_forecast_date.lapsed_since_as_of_date_count as covered_count,
        lapsed_by_forecast_date.lapsed_since_as_of_date_count
    from lapsed_by_forecast_date
    cross join roster
),

scored as (
    select
        *,
        in_scope_count - covered_count as failing_count,
        {{ rounded_percentage('covered_count', 'nullif(in_scope_count, 0)') }} as coverage_pct,
        in_scope_count > 0 and covered_count = in_scope_count as meets_target
    from projected
)

select
    {{ as_of_date() }} as as_of_date,
    forecast_date,
    days_ahead,
    in_scope_count,
    covered_count,
    failing_count,
    lapsed_since_as_of_date_count,
    coverage_pct,
    meets_target,
    min(case when not meets_target then forecast_date end) over () as first_date_below_target
from scored
