with source as (
    select * from {{ source('okx', 'okx_ticker_observations') }}
),

renamed as (
    select
        inst_id,
        inst_type,
        last as last_price,
        last_sz as last_size,
        bid_px as bid_price,
        bid_sz as bid_size,
        ask_px as ask_price,
        ask_sz as ask_size,
        open_24h,
        high_24h,
        low_24h,
        vol_24h,
        vol_ccy_24h,
        sod_utc0,
        sod_utc8,
        venue_updated_at,
        observed_at,
        page_id,
        loaded_at
    from source
)

select * from renamed
