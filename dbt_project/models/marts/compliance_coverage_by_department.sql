-- Rule §6 per department: the day's coverage split by the department of each in-scope
-- person, for the evidence's department table and trend charts.
with compliance as (
    select * from {{ ref('fct_training_compliance') }}
    where as_of_date = {{ as_of_date() }}
),

departments as (
    select
        as_of_date,
        coalesce(department, '(no department)') as department,
        is_compliant,
        is_failing
    from compliance
)

select
    as_of_date,
    department,
    count(*) as in_scope_count,
    count(case when is_compliant then 1 end) as covered_count,
    count(case when is_failing then 1 end) as failing_count,
    {{ rounded_percentage('count(case when is_compliant then 1 end)', 'count(*)') }}
        as coverage_pct
from departments
group by as_of_date, department
