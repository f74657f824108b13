{#- A date plus a whole number of days, as a date on every adapter
    (dbt.dateadd returns a timestamp on some). -#}
{% macro add_days(date_expression, days) -%}
    cast({{ dbt.dateadd('day', days, date_expression) }} as date)
{%- endmacro %}
