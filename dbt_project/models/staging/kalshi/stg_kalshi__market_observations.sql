with source as (
    select * from {{ source('kalshi', 'kalshi_market_observations') }}
),

renamed as (
    select
        ticker,
        event_ticker,
        series_ticker,
        title,
        yes_sub_title,
        no_sub_title,
        status,
        status_raw,
        yes_bid,
        yes_ask,
        no_bid,
        no_ask,
        last_price,
        volume,
        open_interest,
        result,
        settlement_value,
        open_time,
        close_time,
        settled_at,
        venue_updated_at,
        observed_at,
        loaded_at
    from source
)

select * from renamed
