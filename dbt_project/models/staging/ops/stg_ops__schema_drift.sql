with source as (
    select * from {{ source('ops', 'schema_drift') }}
),

renamed as (
    select
        id as schema_drift_id,
        source as source_name,
        stream,
        field as field_name,
        change,
        is_blocking,
        detail,
        page_id,
        last_page_id,
        first_seen_at,
        last_seen_at,
        seen_count,
        cleared_at
    from source
)

select * from renamed
