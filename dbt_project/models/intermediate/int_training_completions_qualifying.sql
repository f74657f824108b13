-- Rule §3, qualifying training: per person, the latest qualifying completion on or before
-- D, and due_on, the latest date any of their qualifying completions covers them until:
-- rolling cycles add the course's validity_days (else the cycle's) to the completion
-- date; annual cycles run to the last day of the cycle after the completion's.
with matched_records as (
    select * from {{ ref('int_lms_records_matched') }}
),

qualifying_courses as (
    select * from {{ ref('stg_policy__qualifying_courses') }}
),

policy as (
    select * from {{ ref('stg_policy__documents') }}
),

qualifying as (
    select
        matched_records.*,
        policy.cycle_mode,
        policy.cycle_starts_month,
        policy.cycle_starts_day,
        coalesce(qualifying_courses.validity_days, policy.cycle_validity_days) as validity_days
    from matched_records
    inner join qualifying_courses
        on matched_records.course_id = qualifying_courses.course_id
    cross join policy
    where matched_records.matched_employee_id is not null
        and matched_records.status = 'completed'
        and matched_records.completed_on <= matched_records.as_of_date
),

covered as (
    select
        *,
        case
            when cycle_mode = 'annual'
                then {{ annual_cycle_due_on('completed_on', 'cycle_starts_month', 'cycle_starts_day') }}
            else {{ add_days('completed_on', 'validity_days') }}
        end as covered_until
    from qualifying
),

ranked as (
    select
        *,
        row_number() over (
            partition by matched_employee_id
            order by completed_on desc, course_id, record_id
        ) as recency_rank,
        count(*) over (partition by matched_employee_id) as qualifying_completion_count,
        max(covered_until) over (partition by matched_employee_id) as due_on
    from covered
)

select
    as_of_date,
    matched_employee_id as employee_id,
    completed_on as last_completed_on,
    course_id as qualifying_course_id,
    record_id as qualifying_record_id,
    match_method,
    qualifying_completion_count,
    due_on
from ranked
where recency_rank = 1
