with source as (
    select * from {{ source('okx', 'okx_fills') }}
),

renamed as (
    select
        account,
        bill_id,
        trade_id,
        order_id,
        client_order_id,
        inst_type,
        inst_id,
        side,
        pos_side,
        sub_type,
        exec_type,
        is_taker,
        is_liquidation,
        is_adl,
        price,
        quantity,
        quantity_unit,
        fee,
        fee_raw,
        fee_currency,
        fee_rate,
        realized_pnl,
        fill_mark_px,
        fill_idx_px,
        trade_quote_ccy,
        tag,
        executed_at,
        generated_at,
        page_id,
        loaded_at
    from source
)

select * from renamed
