{#- Fails with each row that has no value in one or more of `columns`, naming them.
    One test per model instead of dbt's not_null per column: each dbt test is a node
    with its own compile, query and result (about 50 ms at the sample's size), and the
    124 per-column tests were half of a daily build's nodes. -#}
{% test not_null_columns(model, columns) %}
    with null_columns as (
        select
            {%- for column in columns %}
            case when {{ column }} is null then '{{ column }}' end as {{ column }}
            {%- if not loop.last %},{% endif %}
            {%- endfor %}
        from {{ model }}
    )

    select concat_ws(', ', {{ columns | join(', ') }}) as columns_without_a_value
    from null_columns
    where {{ columns | join(' is not null or ') }} is not null
{% endtest %}
