-- LMS records that match no HR person: kept and reported, never silently dropped.
with matched_records as (
    select * from {{ ref('int_lms_records_matched') }}
)

select
    as_of_date,
    record_id,
    lms_employee_id,
    course_id,
    status,
    completed_on,
    unmatched_reason,
    source_line
from matched_records
where matched_employee_id is null
