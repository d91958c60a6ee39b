with source as (
    select * from {{ source('polymarket', 'polymarket_market_observations') }}
),

renamed as (
    select
        condition_id,
        outcome,
        outcome_label,
        outcome_index,
        token_id,
        gamma_market_id,
        market_slug,
        event_slug,
        title,
        status,
        status_raw,
        price,
        bid,
        ask,
        volume,
        result,
        settlement_value,
        start_time,
        close_time,
        observed_at,
        page_id,
        loaded_at
    from source
)

select * from renamed
