{#-
    Incremental strategy `key_range` (config `incremental_strategy='key_range'`): per
    `unique_key` (one observed thing, e.g. venue, account, market_id) present in the new batch,
    delete the stored rows from the batch's earliest `range_column` (config, default
    `observed_at`) on, then insert the batch. The model recomputes every row of such a key from
    its first changed observation on, so a stored row that the recomputation no longer yields
    (a quantity-0 row a late observation made obsolete) is deleted too; dbt's `delete+insert`
    deletes only the keys of the new rows and would keep it. The range is read from the batch
    in the same statement, after the model's SELECT has run, so no watermark read by the model
    sees a deleted row.
-#}
{% macro get_incremental_key_range_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set keys = arg_dict['unique_key'] -%}
    {%- if keys is string %}{% set keys = [keys] %}{% endif -%}
    {%- set range_column = config.get('range_column', 'observed_at') -%}
    {%- set cols = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }} as stored
    using (
        select {{ keys | join(', ') }}, min({{ range_column }}) as range_from
        from {{ source }}
        group by {{ keys | join(', ') }}
    ) as recomputed
    where
        {% for key in keys -%}
            stored.{{ key }} = recomputed.{{ key }} and
        {% endfor -%}
        stored.{{ range_column }} >= recomputed.range_from;

    insert into {{ target }} ({{ cols }})
    select {{ cols }} from {{ source }}
{%- endmacro %}
