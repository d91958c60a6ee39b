-- Hyperliquid input of core.funding_payments. The venue's `usdc` is the account's cash change
-- (negative when it paid), so amount = -usdc: positive when the account paid. position_size is
-- the size charged, positive, in the coin (base units).
select
    'hyperliquid' as venue,
    account,
    coin as instrument,
    paid_at,
    -usdc as amount,
    funding_rate as rate,
    abs(signed_size) as position_size,
    loaded_at
from {{ ref('stg_hyperliquid__funding') }}
