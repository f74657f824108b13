with source as (
    select * from {{ source('landing', 'hr_employees') }}
    where as_of_date = {{ as_of_date() }}
),

renamed as (
    select
        as_of_date,
        employee_id,
        work_email,
        lower(trim(work_email)) as work_email_normalised,
        job_title,
        job_family,
        lower(trim(job_family)) as job_family_normalised,
        department,
        manager_id,
        employment_type,
        employment_status,
        hire_date,
        termination_date,
        source_line
    from source
)

select * from renamed
