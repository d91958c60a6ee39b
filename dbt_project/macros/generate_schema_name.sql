{#- Exact schema names (staging, intermediate, core, marts): CONTRACT §3 fixes them. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
