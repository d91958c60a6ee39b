with source as (
    select * from {{ source('okx', 'okx_funding_bills') }}
),

renamed as (
    select
        account,
        bill_id,
        inst_type,
        inst_id,
        currency,
        bill_type,
        sub_type,
        bal_chg,
        pnl,
        bal,
        sz,
        px,
        mgn_mode,
        amount,
        paid_at,
        page_id,
        loaded_at
    from source
)

select * from renamed
