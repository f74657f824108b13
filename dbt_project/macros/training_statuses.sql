{#- The statuses of the training_statuses seed, the one list of them, in precedence
    order: rows with status, is_failing and is_covered. Models that need one column or
    test per status loop over this, so a new status is one seed row plus the CASE line
    that assigns it. The seed's table is read when the model executes (seeds build
    first); at parse time the list is empty. -#}
{% macro training_statuses() -%}
    {#- Called at parse time too, so the model depends on the seed. -#}
    {%- set relation = ref('training_statuses') -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set result = run_query(
        'select status, is_failing, is_covered from ' ~ relation ~ ' order by precedence') -%}
    {{ return(result.rows) }}
{%- endmacro %}
