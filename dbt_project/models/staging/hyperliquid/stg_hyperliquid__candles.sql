with source as (
    select * from {{ source('hyperliquid', 'hyperliquid_candles') }}
),

renamed as (
    select
        coin,
        interval,
        open_time,
        close_time,
        open,
        high,
        low,
        close,
        volume,
        trades as trade_count,
        is_closed,
        observed_at,
        page_id,
        loaded_at
    from source
)

select * from renamed
