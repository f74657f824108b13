{#- The run's as-of date D as a SQL date literal: --vars '{as_of_date: D}', else the
    COMPLIANCE_AS_OF_DATE environment variable (the Dagster run sets it). The variable
    is read only at execution, so a new day does not force dbt to re-parse the project.
    Parsing (manifest preparation) needs no date; executing without one is an error
    rather than a guess. -#}
{% macro as_of_date() -%}
    {%- set value = var('as_of_date', none) -%}
    {%- if value is none and execute -%}
        {%- set value = env_var('COMPLIANCE_AS_OF_DATE', '') or none -%}
    {%- endif -%}
    {%- if value is none -%}
        {%- if execute -%}
            {{ exceptions.raise_compiler_error(
                "as_of_date is not set: run with --vars '{as_of_date: YYYY-MM-DD}'") }}
        {%- endif -%}
        cast(null as date)
    {%- else -%}
        {%- set text = value | string -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
            {{ exceptions.raise_compiler_error("as_of_date must be YYYY-MM-DD, got " ~ text) }}
        {%- endif -%}
        cast('{{ text }}' as date)
    {%- endif -%}
{%- endmacro %}
