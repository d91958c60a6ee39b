{#-
    Union the per-source models that feed one relation, column by column in the order and types
    declared in this model's YAML contract. With no inputs yet, a typed empty relation.
    Each source adds its model name to the `inputs` list of the relation it feeds.

    With `incremental=true`, an incremental run keeps only the input rows whose `loaded_at` is at
    or after the model's arrival watermark (`arrived_since`); the filter sits on each branch, so
    PostgreSQL pushes it down to the ledger scans.

    `exclude` names contract columns the inputs do not carry because the model derives them
    after the union (core.wallet_events: size_fraction, size_basis, is_first_since_watch).
-#}
{% macro union_inputs(inputs, incremental=false, exclude=[]) -%}
    {%- set cols = model.columns.values() | rejectattr('name', 'in', exclude) | list -%}
    {#- A unit test's context has neither the tested model's columns nor the graph: its input
        fixtures, each with its model's columns in the same order, are unioned as they are. -#}
    {%- set as_is = model.resource_type == 'unit_test' -%}
    {%- if not inputs %}
    select
        {%- for c in cols %}
        cast(null as {{ c.data_type }}) as {{ c.name }}{{ "," if not loop.last }}
        {%- endfor %}
    where false
    {%- endif %}
    {%- for name in inputs %}
    {{ "union all" if not loop.first }}
    {%- if as_is %}
    select * from {{ ref(name) }}
    {%- else %}
    select
        {%- for c in cols %}
        cast({{ c.name }} as {{ c.data_type }}) as {{ c.name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref(name) }}
    {%- endif %}
    {%- if incremental and is_incremental() %}
    where loaded_at >= {{ arrived_since() }}
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#-
    The select list of `columns` (names, in the contract's order), each cast to the type the
    model's YAML contract declares; names only in a unit test's context, which has no columns.
-#}
{% macro contract_columns(columns) -%}
    {%- set types = {} -%}
    {%- for c in model.columns.values() %}{% do types.update({c.name: c.data_type}) %}{% endfor -%}
    {%- for name in columns -%}
        {%- if name in types %}cast({{ name }} as {{ types[name] }}){% else %}{{ name }}{% endif %} as {{ name }}
        {{- ", " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
