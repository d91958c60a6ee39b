-- Own fills. The outcome comes from the traded token id (reliable) and only falls back to the
-- row's own outcome label when the market was never observed; outcomeIndex is not used.
with fills as (
    select * from {{ ref('stg_polymarket__fills') }}
),

tokens as (
    select * from {{ ref('int_outcome_tokens__polymarket') }}
)

select
    'polymarket' as venue,
    fills.account,
    fills.fill_id,
    cast(null as text) as order_id,
    cast(null as text) as client_order_id,
    coalesce(tokens.condition_id, fills.condition_id) as market_id,
    fills.token_id as instrument,
    fills.token_id as instrument_raw,
    coalesce(tokens.outcome, lower(fills.outcome_label)) as outcome,
    fills.side,
    fills.price,
    fills.quantity,
    'shares' as quantity_unit,
    fills.notional,
    cast(null as numeric) as fee,
    cast(null as text) as fee_currency,
    cast(null as boolean) as is_taker,
    cast(null as numeric) as realized_pnl,
    fills.executed_at,
    fills.loaded_at
from fills
left join tokens on fills.token_id = tokens.token_id
