-- Rule §10 by manager: the people covered on D whose coverage ends within 30, 60 and
-- 90 days if nothing changes (each window includes the shorter ones), split by the
-- manager of each in-scope person (NULL: people with no manager).
with coverage_ends as (
    select
        as_of_date,
        manager_id,
        is_covered_on_as_of_date,
        {{ days_between('as_of_date', 'lapses_on') }} as days_until_lapse
    from {{ ref('int_training_coverage_ends') }}
)

select
    as_of_date,
    manager_id,
    count(*) as in_scope_count,
    count(case when is_covered_on_as_of_date then 1 end) as covered_count,
    {{ lapse_window_counts('days_until_lapse') }}
from coverage_ends
group by as_of_date, manager_id
