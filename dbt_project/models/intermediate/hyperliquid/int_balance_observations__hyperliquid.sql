-- Hyperliquid input of int_balance_observations: one row per change of an own perp account's
-- summary. equity = marginSummary.accountValue (USDC counted as USD); balance = equity less the
-- unrealized PnL of the positions listed in the same answer, i.e. the account's USDC collateral
-- (the equity itself when that sum could not be read).
select
    'hyperliquid' as venue,
    account,
    'USDC' as currency,
    account_value - coalesce(unrealized_pnl, 0) as balance,
    account_value as equity,
    observed_at,
    loaded_at
from {{ ref('stg_hyperliquid__account_observations') }}
