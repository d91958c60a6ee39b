{#-
    Versions (SCD type 2) from append-only observations: consecutive observations of an entity
    with the same content collapse into one version; valid_to is the next version's valid_from.
    `columns` are the tracked content columns (observed_at excluded).
-#}
{% macro scd2(relation, entity, columns, time_column="observed_at") -%}
with observations as (
    select
        *,
        md5(row({{ columns | join(", ") }})::text) as content_hash
    from {{ relation }}
),

changes as (
    select
        *,
        lag(content_hash) over (
            partition by {{ entity | join(", ") }} order by {{ time_column }}
        ) as previous_hash
    from observations
),

versions as (
    select
        *,
        {{ time_column }} as valid_from,
        lead({{ time_column }}) over (
            partition by {{ entity | join(", ") }} order by {{ time_column }}
        ) as valid_to
    from changes
    where previous_hash is distinct from content_hash
)

select
    {{ (entity + columns) | join(", ") }},
    {{ time_column }},
    valid_from,
    valid_to,
    valid_to is null as is_current
from versions
{%- endmacro %}
