with source as (
    select * from {{ source('polymarket', 'polymarket_price_points') }}
),

renamed as (
    select
        condition_id,
        outcome,
        token_id,
        ts,
        price,
        loaded_at
    from source
)

select * from renamed
