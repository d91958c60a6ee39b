-- Every OKX funding-fee bill in the shape of core.funding_payments. amount is positive when the
-- account paid (the ledger's amount: -balChg, else -pnl). OKX bills carry no funding rate
-- (rate NULL). position_size is the bill's `sz` (contracts) × the instrument's ctVal when that is
-- in the base currency, i.e. base units; position_size_contracts keeps `sz` as sent.
with bills as (
    select * from {{ ref('stg_okx__funding_bills') }}
),

instruments as (
    select distinct on (inst_id)
        inst_id,
        ct_val,
        coalesce(ct_mult, 1) as ct_mult,
        ct_val_ccy
    from {{ ref('stg_okx__instruments') }}
    order by inst_id asc, observed_at desc
)

select
    'okx' as venue,
    bills.account,
    bills.inst_id as instrument,
    bills.paid_at,
    bills.amount,
    cast(null as numeric) as rate,
    case
        when instruments.ct_val_ccy = split_part(bills.inst_id, '-', 1)
            then bills.sz * instruments.ct_val * instruments.ct_mult
    end as position_size,
    bills.bill_id,
    bills.currency,
    bills.sz as position_size_contracts,
    bills.loaded_at
from bills
left join instruments on bills.inst_id = instruments.inst_id
