-- The employment types that can be in scope on D.
with source as (
    select * from {{ source('policy', 'employment_types') }}
    where as_of_date = {{ as_of_date() }}
)

select as_of_date, employment_type from source
