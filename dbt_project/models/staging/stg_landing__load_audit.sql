with source as (
    select * from {{ source('landing', 'load_audit') }}
    where as_of_date = {{ as_of_date() }}
),

renamed as (
    select
        as_of_date,
        source as export_source,
        source_file,
        file_present,
        sha256,
        record_count,
        loaded_row_count,
        rejected_row_count
    from source
)

select * from renamed
