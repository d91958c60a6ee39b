with source as (
    select * from {{ source('okx', 'okx_balance_observations') }}
),

renamed as (
    select
        account,
        currency,
        cash_bal,
        eq,
        eq_usd,
        upl,
        avail_bal,
        frozen_bal,
        total_eq,
        venue_updated_at,
        observed_at,
        page_id,
        loaded_at
    from source
)

select * from renamed
