with source as (
    select * from {{ source('kalshi', 'kalshi_settlements') }}
),

renamed as (
    select
        account,
        ticker,
        event_ticker,
        result,
        yes_quantity,
        no_quantity,
        yes_cost,
        no_cost,
        revenue,
        fee,
        yes_settlement_value,
        settled_at,
        loaded_at
    from source
)

select * from renamed
