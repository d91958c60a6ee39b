-- Tracked wallets' EVM activity in the core.wallet_events shape: native transfers (every
-- normal transaction, including failed ones and zero-value contract calls, which cost gas) and
-- ERC-20 transfers. The event id carries the chain and the wallet: one transfer between two
-- tracked wallets is an event of each.
with transactions as (
    select * from {{ ref('stg_etherscan__transactions') }}
),

transfers as (
    select * from {{ ref('stg_etherscan__token_transfers') }}
),

-- native coin per chain (every one has 18 decimals); other chains show as NATIVE
native as (
    select *
    from (
        values
        (1, 'ETH'),
        (137, 'POL'),
        (8453, 'ETH'),
        (42161, 'ETH')
    ) as n (chain_id, symbol)
),

-- dollar stablecoins by contract address: a symbol alone is not proof (spam tokens copy it)
usd_tokens as (
    select *
    from (
        values
        (1, '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48'),  -- USDC
        (1, '0xdac17f958d2ee523a2206206994597c13d831ec7'),  -- USDT
        (137, '0x3c499c542cef5e3811e1192ce70d8cc03d5c3359'),  -- USDC
        (137, '0x2791bca1f2de4661ed88a30c99a7a9449aa84174'),  -- USDC.e
        (137, '0xc2132d05d31c914a87c6611c10748aeb04b58e8f'),  -- USDT
        (8453, '0x833589fcd6edb6e08f4c7c32d4f71b54bda02913'),  -- USDC
        (42161, '0xaf88d065e77c8cc2239327c5edb3a432268e5831'),  -- USDC
        (42161, '0xff970a61a04b1ca14834a43f5de4533ebddb5cc8'),  -- USDC.e
        (42161, '0xfd086bc7cd5c481dcc9c85ebe478a1c0b69fcbb9')  -- USDT
    ) as u (chain_id, contract_address)
)

select
    transactions.wallet,
    'evm:' || transactions.chain_id as source,
    'transfer' as event_type,
    'evm:' || transactions.chain_id || ':' || transactions.wallet || ':' || transactions.tx_hash
        as event_id,
    transactions.tx_hash,
    cast(null as text) as market_id,
    'native' as asset,
    coalesce(native.symbol, 'NATIVE') as asset_symbol,
    cast(null as text) as outcome,
    cast(null as text) as side,
    transactions.direction,
    transactions.quantity,
    cast(null as numeric) as price,
    cast(null as numeric) as amount_usd,
    transactions.fee,
    coalesce(native.symbol, 'NATIVE') as fee_currency,
    cast(null as numeric) as realized_pnl,
    transactions.succeeded,
    transactions.occurred_at,
    transactions.loaded_at
from transactions
left join native on transactions.chain_id = native.chain_id

union all

select
    transfers.wallet,
    'evm:' || transfers.chain_id as source,
    'token_transfer' as event_type,
    'evm:' || transfers.chain_id || ':' || transfers.wallet || ':' || transfers.event_key
        as event_id,
    transfers.tx_hash,
    cast(null as text) as market_id,
    transfers.contract_address as asset,
    transfers.token_symbol as asset_symbol,
    cast(null as text) as outcome,
    cast(null as text) as side,
    transfers.direction,
    transfers.quantity,
    cast(null as numeric) as price,
    case when usd_tokens.contract_address is not null then transfers.quantity end as amount_usd,
    -- the gas of the transaction that moved the token is on its `transfer` event: not twice
    cast(null as numeric) as fee,
    cast(null as text) as fee_currency,
    cast(null as numeric) as realized_pnl,
    -- Transfer events exist only in successful transactions
    true as succeeded,
    transfers.occurred_at,
    transfers.loaded_at
from transfers
left join usd_tokens
    on
        transfers.chain_id = usd_tokens.chain_id
        and transfers.contract_address = usd_tokens.contract_address
