with source as (
    select * from {{ source('hyperliquid', 'hyperliquid_asset_context_observations') }}
),

renamed as (
    select
        coin,
        mark_px as mark_price,
        mid_px as mid_price,
        oracle_px as oracle_price,
        funding as funding_rate,
        premium,
        open_interest,
        day_ntl_vlm as volume_24h_usd,
        day_base_vlm as volume_24h,
        prev_day_px as prev_day_price,
        impact_bid_px as impact_bid_price,
        impact_ask_px as impact_ask_price,
        sz_decimals,
        max_leverage,
        only_isolated as is_only_isolated,
        is_delisted,
        observed_at,
        page_id,
        loaded_at
    from source
)

select * from renamed
