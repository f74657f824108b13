{#- Fails with each row of the run's as-of date whose value has no row of the same
    as-of date in `to`: both models keep every day, and a match on another day
    would prove nothing about this one. -#}
{% test relationships_on_as_of_date(model, column_name, to, field) %}
    with children as (
        select {{ column_name }} as value
        from {{ model }}
        where as_of_date = {{ as_of_date() }} and {{ column_name }} is not null
    ),

    parents as (
        select {{ field }} as value
        from {{ to }}
        where as_of_date = {{ as_of_date() }}
    )

    select children.value
    from children
    left join parents on children.value = parents.value
    where parents.value is null
{% endtest %}
