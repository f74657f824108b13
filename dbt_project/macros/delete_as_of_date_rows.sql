{#- Marts keep one slice per as-of date. Re-running a day first removes only that
    day's slice, so history of other days is never touched and reruns are idempotent
    (a merge on keys would leave behind people who left the population). -#}
{% macro delete_as_of_date_rows() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where as_of_date = {{ as_of_date() }}
    {%- endif -%}
{%- endmacro %}
