{#- Rule §10's windows, defined once: how many people lapse within 30, 60 and 90 days
    (each window includes the shorter ones), as count columns of a grouped select. -#}
{% macro lapse_window_counts(days_until_lapse) %}
    {%- for days in [30, 60, 90] %}
    count(case when {{ days_until_lapse }} <= {{ days }} then 1 end) as lapsing_within_{{ days }}_days
    {%- if not loop.last %},{% endif %}
    {%- endfor %}
{% endmacro %}
