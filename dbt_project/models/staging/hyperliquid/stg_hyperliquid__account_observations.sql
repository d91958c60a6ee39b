with source as (
    select * from {{ source('hyperliquid', 'hyperliquid_account_observations') }}
),

renamed as (
    select
        account,
        account_value,
        unrealized_pnl,
        total_ntl_pos as position_notional,
        total_margin_used as margin_used,
        withdrawable,
        venue_time,
        observed_at,
        page_id,
        loaded_at
    from source
)

select * from renamed
