{#- A normalised text reduced to its words: every run of characters other than a-z and
    0-9 becomes one space, trimmed. The look-alike guard (§2.2) compares whole words
    ("sr. backend engineer ii" holds the words "backend engineer"). -#}
{% macro word_text(expression) -%}
    trim(regexp_replace({{ expression }}, '[^a-z0-9]+', ' ', 'g'))
{%- endmacro %}
