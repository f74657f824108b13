{#- Folder schemas are used as named (staging, intermediate, compliance_rules),
    not prefixed with the target schema, so auditors query stable names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
