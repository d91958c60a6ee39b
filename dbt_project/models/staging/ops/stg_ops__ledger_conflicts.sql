with source as (
    select * from {{ source('ops', 'ledger_conflicts') }}
),

renamed as (
    select
        conflict_id,
        table_name,
        natural_key,
        existing_hash,
        incoming_hash,
        page_id,
        detected_at
    from source
)

select * from renamed
