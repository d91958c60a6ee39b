-- OKX input of core.orders: the latest observed state of each own order, with when it became
-- terminal (macros/order_states.sql). market_id and instrument are the instId. Quantities in the
-- base currency: SPOT/MARGIN `sz` as sent; SWAP/FUTURES with ctType linear: contracts x ctVal
-- (ctVal in the base currency, https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments),
-- with the contract terms observed at or before the order's creation, else the earliest ones
-- after it (as int_fills__okx). Inverse contracts, options and orders without an instrument
-- observation keep OKX's contracts (not convertible to base here). Prices per base unit as sent;
-- fees positive = paid, in fee_currency.
with {{ order_states(ref('stg_okx__order_observations')) }},

instruments as (
    select * from {{ ref('stg_okx__instruments') }}
),

with_terms as (
    select
        latest.*,
        case
            when latest.inst_type in ('SWAP', 'FUTURES') and terms.ct_type = 'linear' then terms.ct_val
            when latest.inst_type in ('SPOT', 'MARGIN') then 1
        end as base_per_unit
    from latest
    left join lateral (
        select
            instruments.ct_val,
            instruments.ct_type
        from instruments
        where
            instruments.inst_type = latest.inst_type
            and instruments.inst_id = latest.inst_id
        order by
            (instruments.observed_at <= latest.created_at) desc,
            case when instruments.observed_at <= latest.created_at then instruments.observed_at end desc,
            instruments.observed_at asc
        limit 1
    ) as terms on true
)

select
    'okx' as venue,
    with_terms.account,
    with_terms.order_id,
    with_terms.client_order_id,
    with_terms.inst_id as market_id,
    with_terms.inst_id as instrument,
    cast(null as text) as outcome,
    with_terms.side,
    with_terms.order_type,
    with_terms.price,
    with_terms.quantity * coalesce(with_terms.base_per_unit, 1) as quantity,
    with_terms.filled_quantity * coalesce(with_terms.base_per_unit, 1) as filled_quantity,
    with_terms.remaining_quantity * coalesce(with_terms.base_per_unit, 1) as remaining_quantity,
    case when with_terms.filled_quantity > 0 then with_terms.avg_price end as avg_fill_price,
    with_terms.status,
    with_terms.status_raw,
    with_terms.fee as fees,
    with_terms.fee_currency,
    with_terms.created_at,
    coalesce(with_terms.venue_updated_at, with_terms.observed_at) as updated_at,
    terminal.terminal_at,
    false as is_derived_from_fills,
    with_terms.observed_at
from with_terms
left join terminal on with_terms.account = terminal.account and with_terms.order_id = terminal.order_id
