with source as (
    select * from {{ source('okx', 'okx_position_observations') }}
),

renamed as (
    select
        account,
        inst_id,
        inst_type,
        mgn_mode,
        pos_side,
        pos_id,
        pos,
        pos_ccy,
        ccy,
        avg_px,
        mark_px,
        upl,
        upl_ratio,
        lever,
        liq_px,
        imr,
        margin,
        mmr,
        notional_usd,
        realized_pnl,
        pnl,
        fee,
        funding_fee,
        venue_created_at,
        venue_updated_at,
        observed_at,
        page_id,
        loaded_at
    from source
)

select * from renamed
