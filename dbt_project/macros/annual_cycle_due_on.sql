{#- Annual cycles (§3) run from month-day to the day before the next month-day. A
    completion covers the person until the last day of the cycle after the one it falls
    in: the day before the cycle start two years after its own cycle's start year. -#}
{% macro annual_cycle_due_on(date_expression, starts_month, starts_day) -%}
    {%- set year = "cast(extract(year from " ~ date_expression ~ ") as integer)" -%}
    {%- set month = "cast(extract(month from " ~ date_expression ~ ") as integer)" -%}
    {%- set day = "cast(extract(day from " ~ date_expression ~ ") as integer)" -%}
    {%- set cycle_start_year -%}
        ({{ year }} - case
            when {{ month }} < {{ starts_month }}
                or ({{ month }} = {{ starts_month }} and {{ day }} < {{ starts_day }})
                then 1
            else 0
        end)
    {%- endset -%}
    {{ add_days("make_date(" ~ cycle_start_year ~ " + 2, " ~ starts_month ~ ", " ~ starts_day ~ ")", -1) }}
{%- endmacro %}
