with source as (
    select * from {{ source('ops', 'quarantine') }}
),

renamed as (
    select
        quarantine_id,
        source as source_name,
        stream,
        reason,
        page_id,
        seen_count,
        first_seen_at,
        last_seen_at
    from source
)

select * from renamed
