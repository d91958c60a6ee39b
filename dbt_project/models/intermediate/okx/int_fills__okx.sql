-- OKX input of core.fills. market_id and instrument are the instId. quantity stays as OKX sends
-- it: base currency for SPOT/MARGIN, contracts for SWAP/FUTURES/OPTION. notional follows the
-- instruments page (https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments):
--   SPOT/MARGIN                 price x quantity                (quote currency)
--   SWAP/FUTURES, ctType linear quantity x ctVal x price        (quote currency; ctVal in base)
--   SWAP/FUTURES, ctType inverse quantity x ctVal               (USD: ctVal is USD per contract)
--   OPTION, or no instrument observation: NULL (not computable here).
-- The instrument's contract terms are those observed at or before the fill, else the earliest
-- observation after it (instruments are first observed when the sync starts).
with fills as (
    select * from {{ ref('stg_okx__fills') }}
),

instruments as (
    select * from {{ ref('stg_okx__instruments') }}
),

with_terms as (
    select
        fills.*,
        terms.ct_val,
        terms.ct_type
    from fills
    left join lateral (
        select
            instruments.ct_val,
            instruments.ct_type
        from instruments
        where
            instruments.inst_type = fills.inst_type
            and instruments.inst_id = fills.inst_id
        order by
            (instruments.observed_at <= fills.executed_at) desc,
            case when instruments.observed_at <= fills.executed_at then instruments.observed_at end desc,
            instruments.observed_at asc
        limit 1
    ) as terms on true
)

select
    'okx' as venue,
    account,
    bill_id as fill_id,
    order_id,
    client_order_id,
    inst_id as market_id,
    inst_id as instrument,
    inst_id as instrument_raw,
    cast(null as text) as outcome,
    side,
    price,
    quantity,
    quantity_unit,
    case
        when inst_type in ('SPOT', 'MARGIN') then price * quantity
        when inst_type in ('SWAP', 'FUTURES') and ct_type = 'linear' then quantity * ct_val * price
        when inst_type in ('SWAP', 'FUTURES') and ct_type = 'inverse' then quantity * ct_val
    end as notional,
    fee,
    fee_currency,
    is_taker,
    realized_pnl,
    executed_at,
    loaded_at
from with_terms
