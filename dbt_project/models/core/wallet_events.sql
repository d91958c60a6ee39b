{#-
    Incremental on arrival, like core.fills: a run reads only the ledger rows loaded since the
    watermark (see the `arrived_since` macro) and replaces them by event_id.

    Three columns are derived after the union, from the wallet's history around each trade:
    - is_first_since_watch: the trade is the wallet's first in that market (same source) at or
      after its watch start (ops.tracked_wallets.watched_from: the sync_start its history is
      held from). A late trade that lands before a stored "first" takes the flag from it: that
      stored row is re-emitted (`restated`) with the flag recomputed.
    - size_fraction / size_basis: the trade's notional over the wallet's equity on that venue at
      the time (core.wallet_equity, the state holding when it happened), else over the median
      notional of its trades on that venue in the `size_median_days` (30) days before the
      trade's UTC day, capped to [0, 1]; NULL with no basis (not a trade, no notional, no equity
      and no trade in the window). Daily medians keep the cost at wallet-days x window trades.
      A late trade changes the medians of the 30 days after it: their stored trades are
      restated too, so an incremental run always equals a full refresh.
-#}
{{ config(
    materialized='incremental',
    unique_key='event_id',
    indexes=[
        {'columns': ['event_id'], 'unique': True},
        {'columns': ['occurred_at']},
        {'columns': ['loaded_at']},
        {'columns': ['wallet', 'source', 'market_id']},
    ],
) }}
{%- set derived = ['size_fraction', 'size_basis', 'is_first_since_watch'] -%}
{%- set median_days = var('size_median_days', 30) -%}

-- Sources add their intermediate model (int_wallet_events__<source>) to this list.
with arrived as (
    {{ union_inputs(
        ['int_wallet_events__polymarket', 'int_wallet_events__hyperliquid', 'int_wallet_events__etherscan'],
        incremental=true,
        exclude=derived,
    ) }}
),

watch as (
    select
        address as wallet,
        coalesce(watched_from, first_tracked_at) as watched_from
    from {{ source('ops', 'tracked_wallets') }}
),

{% if is_incremental() %}
    -- stored rows whose derived columns an arrival can change: the stored first trade of each
    -- market an arrived trade touches (an earlier late trade takes the flag from it), the
    -- stored trades of a day whose median window holds an arrived trade (a backfill; in steady
    -- state arrivals are the newest trades and no stored day follows them), and the stored
    -- trades an equity state that arrived since the last run holds for (the last day or so)
    arrived_trades as (
        select
            wallet,
            source,
            min(occurred_at) as earliest,
            max(occurred_at) as latest
        from arrived
        where event_type = 'trade'
        group by wallet, source
    ),

    restated as (
        select
        {%- for c in model.columns.values() if c.name not in derived %}
            stored.{{ c.name }}{{ "," if not loop.last }}
        {%- endfor %}
        from {{ this }} as stored
        where
            stored.event_id not in (select event_id from arrived)
            and (
                (
                    stored.is_first_since_watch
                    and (stored.wallet, stored.source, stored.market_id) in (
                        select wallet, source, market_id from arrived
                        where event_type = 'trade'
                    )
                )
                or (
                    stored.event_type = 'trade'
                    and exists (
                        select 1 from arrived_trades
                        where
                            arrived_trades.wallet = stored.wallet
                            and arrived_trades.source = stored.source
                            and date_trunc('day', stored.occurred_at, 'UTC') > arrived_trades.earliest
                            and date_trunc('day', stored.occurred_at, 'UTC')
                            <= arrived_trades.latest + interval '{{ median_days }} days'
                    )
                )
                or (
                    -- an equity state that arrived since the last run and holds for the trade
                    stored.event_type = 'trade'
                    and exists (
                        select 1 from {{ ref('wallet_equity') }} as fresh_equity
                        where
                            fresh_equity.wallet = stored.wallet
                            and fresh_equity.source = stored.source
                            and fresh_equity.loaded_at >= {{ arrived_since() }}
                            and fresh_equity.as_of <= stored.occurred_at
                    )
                )
            )
    ),
{% endif %}

rows_out as (
    select * from arrived
    {% if is_incremental() %}
        union all
        select * from restated
    {% endif %}
),

-- every trade of the (wallet, source, market) pairs of the rows out: theirs and, on an
-- incremental run, the stored ones
pair_trades as (
    select wallet, source, market_id, event_id, occurred_at
    from rows_out
    where event_type = 'trade' and market_id is not null
    {% if is_incremental() %}
        union all
        select stored.wallet, stored.source, stored.market_id, stored.event_id, stored.occurred_at
        from {{ this }} as stored
        where
            stored.event_type = 'trade'
            and (stored.wallet, stored.source, stored.market_id) in (
                select wallet, source, market_id from rows_out
                where event_type = 'trade' and market_id is not null
            )
            and stored.event_id not in (select event_id from rows_out)
    {% endif %}
),

firsts as (
    select distinct on (pair_trades.wallet, pair_trades.source, pair_trades.market_id)
        pair_trades.event_id
    from pair_trades
    inner join watch on pair_trades.wallet = watch.wallet
    where pair_trades.occurred_at >= watch.watched_from
    order by
        pair_trades.wallet,
        pair_trades.source,
        pair_trades.market_id,
        pair_trades.occurred_at,
        pair_trades.event_id
),

sized as (
    select
        event_id,
        wallet,
        source,
        occurred_at,
        date_trunc('day', occurred_at, 'UTC') as trade_day,
        abs(amount_usd) as notional
    from rows_out
    where event_type = 'trade' and amount_usd is not null and amount_usd <> 0
),

-- the trades the daily medians read: the window before each sized trade's day
median_history as (
    select wallet, source, occurred_at, abs(amount_usd) as notional
    from rows_out
    where event_type = 'trade' and amount_usd is not null and amount_usd <> 0
    {% if is_incremental() %}
        union all
        select stored.wallet, stored.source, stored.occurred_at, abs(stored.amount_usd) as notional
        from {{ this }} as stored
        where
            stored.event_type = 'trade'
            and stored.amount_usd is not null
            and stored.amount_usd <> 0
            and stored.event_id not in (select event_id from rows_out)
            and stored.occurred_at >= (
                select min(trade_day) - interval '{{ median_days }} days' from sized
            )
            and (stored.wallet, stored.source) in (select wallet, source from sized)
    {% endif %}
),

trade_days as (
    select distinct wallet, source, trade_day from sized
),

daily_medians as (
    select
        trade_days.wallet,
        trade_days.source,
        trade_days.trade_day,
        cast(
            percentile_cont(0.5) within group (order by median_history.notional) as numeric
        ) as median_notional
    from trade_days
    inner join median_history
        on
            trade_days.wallet = median_history.wallet
            and trade_days.source = median_history.source
            and trade_days.trade_day - interval '{{ median_days }} days' <= median_history.occurred_at
            and trade_days.trade_day > median_history.occurred_at
    group by trade_days.wallet, trade_days.source, trade_days.trade_day
),

fractions as (
    select
        sized.event_id,
        case
            when equity.equity_usd > 0 then sized.notional / equity.equity_usd
            when daily_medians.median_notional > 0 then sized.notional / daily_medians.median_notional
        end as raw_fraction,
        case
            when equity.equity_usd > 0 then 'equity'
            when daily_medians.median_notional > 0 then 'median_{{ median_days }}d'
        end as size_basis
    from sized
    left join daily_medians
        on
            sized.wallet = daily_medians.wallet
            and sized.source = daily_medians.source
            and sized.trade_day = daily_medians.trade_day
    left join lateral (
        select wallet_equity.equity_usd
        from {{ ref('wallet_equity') }} as wallet_equity
        where
            wallet_equity.wallet = sized.wallet
            and wallet_equity.source = sized.source
            and wallet_equity.as_of <= sized.occurred_at
        order by wallet_equity.as_of desc, wallet_equity.observed_at desc
        limit 1
    ) as equity on true
)

select
    rows_out.*,
    -- greatest/least skip NULLs: a trade without a basis must stay NULL, not become 0
    case
        when fractions.raw_fraction is not null
            then round(least(greatest(fractions.raw_fraction, 0), 1), 6)
    end as size_fraction,
    fractions.size_basis,
    coalesce(rows_out.event_id in (select event_id from firsts), false) as is_first_since_watch
from rows_out
left join fractions on rows_out.event_id = fractions.event_id
