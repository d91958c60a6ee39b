with source as (
    select * from {{ source('kalshi', 'kalshi_event_observations') }}
),

renamed as (
    select
        event_ticker,
        series_ticker,
        title,
        sub_title,
        category,
        collateral_return_type,
        mutually_exclusive,
        strike_date,
        strike_period,
        available_on_brokers,
        product_metadata,
        observed_at,
        loaded_at
    from source
)

select * from renamed
