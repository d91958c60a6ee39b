{#-
    Versions (SCD type 2) from append-only observations: consecutive observations of an entity
    with the same content collapse into one version; valid_to is the next version's valid_from.
    `columns` are the tracked content columns (observed_at excluded). Every version row carries
    `loaded_at`, the newest arrival among its entity's observations.

    Incremental (the calling model sets materialized='incremental', unique_key=entity): a run
    re-reads the whole observation history of only the entities with observations that arrived
    since the watermark (the `arrived_since` macro), and replaces all their versions, so an
    observation that arrives out of order (a backfill) is placed where it belongs.
-#}
{% macro scd2(relation, entity, columns, time_column="observed_at") -%}
with
{% if is_incremental() %}
    touched as (
        select distinct {{ entity | join(", ") }}
        from {{ relation }}
        where loaded_at >= {{ arrived_since() }}
    ),
{% endif %}

observations as (
    select
        *,
        md5(row({{ columns | join(", ") }})::text) as content_hash,
        max(loaded_at) over (partition by {{ entity | join(", ") }}) as entity_loaded_at
    from {{ relation }}
    {% if is_incremental() %}
        where ({{ entity | join(", ") }}) in (select * from touched)
    {% endif %}
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
    valid_to is null as is_current,
    entity_loaded_at as loaded_at
from versions
{%- endmacro %}
