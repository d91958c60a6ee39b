with source as (
    select * from {{ source('hyperliquid', 'hyperliquid_fills') }}
),

renamed as (
    select
        account,
        tid,
        oid as order_id,
        cloid as client_order_id,
        -- TWAP slices and some system fills carry an all-zero hash: no transaction to point at
        case when tx_hash ~ '^0x0+$' then null else tx_hash end as tx_hash,
        coin,
        symbol,
        market_type,
        side,
        side_raw,
        price,
        size as quantity,
        start_position,
        dir,
        closed_pnl,
        fee,
        fee_token,
        builder_fee,
        is_taker,
        twap_id,
        is_liquidation,
        liquidation_method,
        liquidation_mark_px,
        liquidated_user,
        executed_at,
        page_id,
        loaded_at
    from source
)

select * from renamed
