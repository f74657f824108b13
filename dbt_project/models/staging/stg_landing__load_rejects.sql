with source as (
    select * from {{ source('landing', 'load_rejects') }}
    where as_of_date = {{ as_of_date() }}
),

renamed as (
    select
        as_of_date,
        source as export_source,
        source_file,
        line,
        column_name,
        rule,
        reason
    from source
)

select * from renamed
