with source as (
    select * from {{ source('okx', 'okx_instrument_observations') }}
),

renamed as (
    select
        inst_type,
        inst_id,
        inst_family,
        uly as underlying,
        base_ccy,
        quote_ccy,
        settle_ccy,
        ct_val,
        ct_mult,
        ct_val_ccy,
        ct_type,
        state,
        tick_sz,
        lot_sz,
        min_sz,
        list_time,
        exp_time,
        observed_at,
        page_id,
        loaded_at
    from source
)

select * from renamed
