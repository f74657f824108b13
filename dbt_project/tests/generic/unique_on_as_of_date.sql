{#- Fails with each value of the column that occurs more than once on the run's as-of
    date. Marts keep every day, so only the day just built is checked; the date comes
    from the as_of_date macro at execution (a test's `where` config cannot call it). -#}
{% test unique_on_as_of_date(model, column_name) %}
    select {{ column_name }}, count(*) as occurrences
    from {{ model }}
    where as_of_date = {{ as_of_date() }}
    group by {{ column_name }}
    having count(*) > 1
{% endtest %}
