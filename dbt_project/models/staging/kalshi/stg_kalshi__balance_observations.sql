with source as (
    select * from {{ source('kalshi', 'kalshi_balance_observations') }}
),

renamed as (
    select
        account,
        currency,
        balance,
        portfolio_value,
        venue_updated_at,
        observed_at,
        loaded_at
    from source
)

select * from renamed
