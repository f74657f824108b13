-- The courses whose completion qualifies on D, with their own validity when they set one.
with source as (
    select * from {{ source('policy', 'qualifying_courses') }}
    where as_of_date = {{ as_of_date() }}
)

select
    as_of_date,
    course_id,
    course_title,
    validity_days
from source
