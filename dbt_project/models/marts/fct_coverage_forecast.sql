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
        days.days_ahead,
        {{ add_days(as_of_date(), 'days.days_ahead') }} as forecast_date
    from policy
    cross join generate_series(1, policy.forecast_days) as days (days_ahead)
),

projected as (
    select
        forecast_days.forecast_date,
        forecast_days.days_ahead,
        count(coverage_ends.employee_id) as in_scope_count,
        count(
            case
                when coverage_ends.is_covered_indefinitely
                    or coverage_ends.covered_through >= forecast_days.forecast_date
                    then 1
            end
        ) as covered_count,
        count(
            case
                when coverage_ends.lapses_on <= forecast_days.forecast_date then 1
            end
        ) as lapsed_since_as_of_date_count
    from forecast_days
    left join coverage_ends
        on true
    group by forecast_days.forecast_date, forecast_days.days_ahead
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
