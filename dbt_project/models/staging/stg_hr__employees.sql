with source as (
    select * from {{ source('landing', 'hr_employees') }}
    where as_of_date = {{ as_of_date() }}
),

renamed as (
    select
        as_of_date,
        employee_id,
        work_email,
        -- §2.1: keys normalised once, at load time, by the loader's one normalise().
        work_email_key as work_email_normalised,
        job_title,
        job_family,
        job_code,
        department,
        job_family_key,
        job_title_key,
        job_code_key,
        department_key,
        job_family_skeleton,
        job_title_skeleton,
        manager_id,
        employment_type,
        employment_status,
        hire_date,
        termination_date,
        source_line
    from source
)

select * from renamed
