with source as (
    select * from {{ source('hyperliquid', 'hyperliquid_funding') }}
),

renamed as (
    select
        account,
        coin,
        paid_at,
        usdc,
        szi as signed_size,
        funding_rate,
        n_samples,
        tx_hash,
        page_id,
        loaded_at
    from source
)

select * from renamed
