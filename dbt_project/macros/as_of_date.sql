{#- The run's as-of date D as a SQL date literal. Parsing (manifest preparation)
    needs no date; executing without one is an error rather than a guess. -#}
{% macro as_of_date() -%}
    {%- set value = var('as_of_date', none) -%}
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
