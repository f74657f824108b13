with source as (
    select * from {{ source('landing', 'lms_completions') }}
    where as_of_date = {{ as_of_date() }}
),

renamed as (
    select
        as_of_date,
        record_id,
        user_email,
        user_email_key as user_email_normalised,
        employee_id,
        course_id,
        course_title,
        status,
        completed_at,
        -- §3 uses the date part as written: 2026-08-15T23:30:00Z counts on 2026-08-15.
        cast(substring(completed_at, 1, 10) as date) as completed_on,
        score,
        source_line
    from source
)

select * from renamed
