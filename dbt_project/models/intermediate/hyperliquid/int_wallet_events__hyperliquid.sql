-- Tracked wallets' Hyperliquid fills as core.wallet_events trades. The event id carries the
-- wallet: two tracked wallets on either side of one trade share its tid.
select
    wallet,
    'hyperliquid' as source,
    'trade' as event_type,
    'hyperliquid:' || wallet || ':' || tid as event_id,
    tx_hash,
    coin as market_id,
    coin as asset,
    symbol as asset_symbol,
    cast(null as text) as outcome,
    side,
    cast(null as text) as direction,
    quantity,
    price,
    -- quote notional: USDC for perps and USDC-quoted spot pairs (counted as USD)
    price * quantity as amount_usd,
    fee,
    fee_token as fee_currency,
    closed_pnl as realized_pnl,
    true as succeeded,
    executed_at as occurred_at,
    loaded_at
from {{ ref('stg_hyperliquid__wallet_fills') }}
