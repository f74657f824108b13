{#- Whole days from one date to another, as a bigint on every adapter: DuckDB's
    datediff is a bigint, PostgreSQL's date difference an integer, and the evidence
    files must carry the same type whichever engine built them. -#}
{% macro days_between(start_date, end_date) -%}
    cast({{ dbt.datediff(start_date, end_date, 'day') }} as bigint)
{%- endmacro %}
