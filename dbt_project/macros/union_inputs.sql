{#-
    Union the per-source models that feed one relation, column by column in the order and types
    declared in this model's YAML contract. With no inputs yet, a typed empty relation.
    Each source adds its model name to the `inputs` list of the relation it feeds.

    With `incremental=true`, an incremental run keeps only the input rows whose `loaded_at` is at
    or after the model's arrival watermark (`arrived_since`); the filter sits on each branch, so
    PostgreSQL pushes it down to the ledger scans.
-#}
{% macro union_inputs(inputs, incremental=false) -%}
    {%- set cols = model.columns.values() | list -%}
    {%- if not inputs %}
    select
        {%- for c in cols %}
        cast(null as {{ c.data_type }}) as {{ c.name }}{{ "," if not loop.last }}
        {%- endfor %}
    where false
    {%- endif %}
    {%- for name in inputs %}
    {{ "union all" if not loop.first }}
    select
        {%- for c in cols %}
        cast({{ c.name }} as {{ c.data_type }}) as {{ c.name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref(name) }}
    {%- if incremental and is_incremental() %}
    where loaded_at >= {{ arrived_since() }}
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
