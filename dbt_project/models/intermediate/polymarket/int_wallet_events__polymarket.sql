-- Tracked-wallet activity in the core.wallet_events shape. Each Data API activity type maps to
-- one event_type; cash-only rows (rewards, rebates) have no market and move USDC.
with activity as (
    select * from {{ ref('stg_polymarket__wallet_activities') }}
),

tokens as (
    select * from {{ ref('int_outcome_tokens__polymarket') }}
)

select
    activity.wallet,
    'polymarket' as source,
    case activity.activity_type
        when 'TRADE' then 'trade'
        when 'SPLIT' then 'split'
        when 'MERGE' then 'merge'
        when 'REDEEM' then 'redeem'
        when 'REWARD' then 'reward'
        when 'REFERRAL_REWARD' then 'reward'
        when 'YIELD' then 'reward'
        when 'CONVERSION' then 'conversion'
        when 'MAKER_REBATE' then 'rebate'
        when 'TAKER_REBATE' then 'rebate'
        when 'DEPOSIT' then 'transfer'
        when 'WITHDRAWAL' then 'transfer'
        else lower(activity.activity_type)
    end as event_type,
    'polymarket:' || activity.wallet || ':' || activity.event_key as event_id,
    activity.tx_hash,
    coalesce(activity.condition_id, tokens.condition_id) as market_id,
    coalesce(activity.asset, 'USDC') as asset,
    case when activity.asset is null then 'USDC' else tokens.outcome end as asset_symbol,
    coalesce(tokens.outcome, lower(activity.outcome_label)) as outcome,
    activity.side,
    case
        when activity.activity_type in (
            'DEPOSIT', 'REWARD', 'REFERRAL_REWARD', 'YIELD', 'MAKER_REBATE', 'TAKER_REBATE', 'REDEEM'
        ) then 'in'
        when activity.activity_type = 'WITHDRAWAL' then 'out'
    end as direction,
    activity.quantity,
    activity.price,
    coalesce(
        activity.amount_usdc,
        case when activity.activity_type = 'TRADE' then activity.quantity * activity.price end
    ) as amount_usd,
    cast(null as numeric) as fee,
    cast(null as text) as fee_currency,
    cast(null as numeric) as realized_pnl,
    true as succeeded,
    activity.occurred_at,
    activity.loaded_at
from activity
left join tokens on activity.asset = tokens.token_id
