-- Rule §3, identity: each LMS record belongs to the HR person with its employee_id when
-- that id exists in the day's HR export, else to the person with its (normalised) email.
-- A view of the columns the rules use: at tens of millions of records, writing them
-- all out would cost more than the rules; consumers' filters reach the join instead.
{{ config(materialized='view') }}

with lms_records as (
    select
        as_of_date,
        record_id,
        user_email_normalised,
        employee_id,
        course_id,
        status,
        completed_on,
        source_line
    from {{ ref('stg_lms__completions') }}
),

employees as (
    select employee_id, work_email_normalised from {{ ref('stg_hr__employees') }}
),

matched as (
    select
        lms_records.*,
        by_id.employee_id as employee_id_by_id,
        by_email.employee_id as employee_id_by_email
    from lms_records
    left join employees as by_id
        on lms_records.employee_id = by_id.employee_id
    left join employees as by_email
        on lms_records.user_email_normalised = by_email.work_email_normalised
)

select
    as_of_date,
    record_id,
    employee_id as lms_employee_id,
    user_email_normalised,
    course_id,
    status,
    completed_on,
    source_line,
    coalesce(employee_id_by_id, employee_id_by_email) as matched_employee_id,
    case
        when employee_id_by_id is not null then 'employee_id'
        when employee_id_by_email is not null then 'work_email'
    end as match_method,
    -- Kept for reviewers: the id wins, but the LMS email names someone else.
    coalesce(
        employee_id_by_id is not null
        and employee_id_by_email is not null
        and employee_id_by_id <> employee_id_by_email,
        false
    ) as has_conflicting_email,
    case
        when employee_id_by_id is not null or employee_id_by_email is not null then null
        when employee_id is not null
            then 'employee_id not in HR export and email matches no HR person'
        else 'no employee_id and email matches no HR person'
    end as unmatched_reason
from matched
