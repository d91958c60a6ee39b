with source as (
    select * from {{ source('polymarket', 'polymarket_wallet_activity') }}
),

renamed as (
    select
        wallet,
        event_key,
        activity_type,
        tx_hash,
        condition_id,
        asset,
        outcome_label,
        outcome_index,
        lower(side) as side,
        size as quantity,
        usdc_size as amount_usdc,
        price,
        title,
        event_slug,
        seen_via,
        occurred_at,
        loaded_at
    from source
)

select * from renamed
