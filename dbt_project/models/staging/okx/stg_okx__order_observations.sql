with source as (
    select * from {{ source('okx', 'okx_order_observations') }}
),

renamed as (
    select
        account,
        order_id,
        client_order_id,
        inst_type,
        inst_id,
        side,
        pos_side,
        order_type,
        td_mode,
        status,
        status_raw,
        price,
        avg_price,
        quantity,
        quantity_unit,
        tgt_ccy,
        filled_quantity,
        remaining_quantity,
        fee,
        fee_currency,
        pnl,
        reduce_only,
        category,
        created_at,
        venue_updated_at,
        observed_at,
        loaded_at
    from source
)

select * from renamed
