with source as (
    select * from {{ source('okx', 'okx_candles') }}
),

renamed as (
    select
        inst_id,
        inst_type,
        bar,
        open_time,
        open,
        high,
        low,
        close,
        vol,
        vol_ccy,
        vol_ccy_quote,
        volume,
        is_closed,
        observed_at,
        page_id,
        loaded_at
    from source
)

select * from renamed
