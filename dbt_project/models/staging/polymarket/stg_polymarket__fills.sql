with source as (
    select * from {{ source('polymarket', 'polymarket_fills') }}
),

renamed as (
    select
        account,
        fill_id,
        tx_hash,
        condition_id,
        token_id,
        outcome_label,
        outcome_index,
        side,
        price,
        size as quantity,
        notional,
        title,
        event_slug,
        executed_at,
        loaded_at
    from source
)

select * from renamed
