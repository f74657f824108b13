{#- 100 * numerator / denominator, rounded to `decimals`, as a double on every adapter.
    Dispatched, so an adapter spelling these types differently (BigQuery: float64)
    gets its own <adapter>__rounded_percentage without touching the models. -#}
{% macro rounded_percentage(numerator, denominator, decimals=4) -%}
    {{ return(adapter.dispatch('rounded_percentage')(numerator, denominator, decimals)) }}
{%- endmacro %}

{#- PostgreSQL has no round(double, n): the double is fixed at 10 decimals first (which
    also drops binary noise, so a tie rounds away from zero on DuckDB and PostgreSQL
    alike), rounded as a decimal, and returned as a double, as DuckDB's round gave. -#}
{% macro default__rounded_percentage(numerator, denominator, decimals) -%}
    cast(
        round(
            cast(100 * cast({{ numerator }} as double precision) / {{ denominator }}
                as numeric(28, 10)),
            {{ decimals }}
        ) as double precision
    )
{%- endmacro %}
