with source as (
    select * from {{ source('landing', 'training_exceptions') }}
    where as_of_date = {{ as_of_date() }}
),

renamed as (
    select
        as_of_date,
        source_line as exception_line,
        employee_id,
        reason,
        approved_by,
        approved_on,
        expires_on
    from source
)

select * from renamed
