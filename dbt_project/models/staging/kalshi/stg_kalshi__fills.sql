with source as (
    select * from {{ source('kalshi', 'kalshi_fills') }}
),

renamed as (
    select
        account,
        fill_id,
        order_id,
        client_order_id,
        ticker,
        outcome,
        side,
        price,
        quantity,
        fee,
        is_taker,
        outcome_side,
        book_side,
        executed_at,
        loaded_at
    from source
)

select * from renamed
