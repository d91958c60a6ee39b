with source as (
    select * from {{ source('hyperliquid', 'hyperliquid_order_observations') }}
),

renamed as (
    select
        account,
        oid as order_id,
        cloid as client_order_id,
        coin,
        market_type,
        side,
        order_type,
        status,
        status_raw,
        price,
        quantity,
        filled_quantity,
        remaining_quantity,
        reduce_only,
        created_at,
        venue_updated_at,
        observed_at,
        loaded_at
    from source
)

select * from renamed
