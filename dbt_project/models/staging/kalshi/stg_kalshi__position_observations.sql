with source as (
    select * from {{ source('kalshi', 'kalshi_position_observations') }}
),

renamed as (
    select
        account,
        ticker,
        outcome,
        quantity,
        cost,
        realized_pnl,
        fees_paid,
        total_traded,
        venue_updated_at,
        observed_at,
        loaded_at
    from source
)

select * from renamed
