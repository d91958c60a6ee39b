with source as (
    select * from {{ source('polymarket', 'polymarket_wallet_value') }}
),

renamed as (
    select
        wallet,
        positions_value,
        observed_at,
        page_id,
        loaded_at
    from source
)

select * from renamed
