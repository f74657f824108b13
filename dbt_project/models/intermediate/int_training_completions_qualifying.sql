-- Rule §3, qualifying training: per person, the latest qualifying completion on or before D.
with matched_records as (
    select * from {{ ref('int_lms_records_matched') }}
),

qualifying_courses as (
    select trim(course_id) as course_id from {{ ref('qualifying_courses') }}
),

qualifying as (
    select matched_records.*
    from matched_records
    inner join qualifying_courses
        on matched_records.course_id = qualifying_courses.course_id
    where matched_records.matched_employee_id is not null
        and matched_records.status = 'completed'
        and matched_records.completed_on <= matched_records.as_of_date
),

ranked as (
    select
        *,
        row_number() over (
            partition by matched_employee_id
            order by completed_on desc, course_id, record_id
        ) as recency_rank,
        count(*) over (partition by matched_employee_id) as qualifying_completion_count
    from qualifying
)

select
    as_of_date,
    matched_employee_id as employee_id,
    completed_on as last_completed_on,
    course_id as qualifying_course_id,
    record_id as qualifying_record_id,
    match_method,
    qualifying_completion_count
from ranked
where recency_rank = 1
