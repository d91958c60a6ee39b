with source as (
    select * from {{ source('hyperliquid', 'hyperliquid_position_observations') }}
),

renamed as (
    select
        account,
        coin,
        szi as signed_size,
        entry_px as entry_price,
        position_value,
        unrealized_pnl,
        leverage_type,
        leverage,
        liquidation_px as liquidation_price,
        margin_used,
        cum_funding_all_time,
        cum_funding_since_open,
        cum_funding_since_change,
        venue_time,
        observed_at,
        page_id,
        loaded_at
    from source
)

select * from renamed
