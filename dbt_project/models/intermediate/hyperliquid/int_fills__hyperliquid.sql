-- Hyperliquid input of core.fills. market_id is the raw coin (what the API names), instrument
-- the readable symbol (HYPE/USDC for `@107`) with the raw coin beside it. Quantities are coin
-- units (`base`); `fee` already includes any builder fee, so it is taken as sent.
select
    'hyperliquid' as venue,
    account,
    tid as fill_id,
    order_id,
    client_order_id,
    coin as market_id,
    symbol as instrument,
    coin as instrument_raw,
    cast(null as text) as outcome,
    side,
    price,
    quantity,
    'base' as quantity_unit,
    price * quantity as notional,
    fee,
    fee_token as fee_currency,
    is_taker,
    closed_pnl as realized_pnl,
    executed_at,
    loaded_at
from {{ ref('stg_hyperliquid__fills') }}
