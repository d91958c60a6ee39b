with source as (
    select * from {{ source('kalshi', 'kalshi_order_observations') }}
),

renamed as (
    select
        account,
        order_id,
        client_order_id,
        ticker,
        outcome,
        side,
        order_type,
        status,
        status_raw,
        price,
        quantity,
        filled_quantity,
        remaining_quantity,
        fees,
        fill_cost,
        expires_at,
        created_at,
        venue_updated_at,
        observed_at,
        loaded_at
    from source
)

select * from renamed
