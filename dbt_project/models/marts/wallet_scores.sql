{#-
    One row per tracked wallet x scoring time (every 4h window end, 00/04/08/12/16/20 UTC, from
    the first window after the wallet's first core.wallet_events row to the latest window end at
    or before `scores_as_of` (default: now)). A window ending at scored_at covers
    [scored_at - W, scored_at). Formula, rules and a worked example: see the model docs.

    Incremental, per wallet: a run (re)scores only the windows from the wallet's latest stored
    one minus `wallet_scores_rescore_days` (default 7: trades are judged with hindsight, so
    results that became known since, when markets settled, are picked up), or from a trade of
    it that arrived late (backfill), and all windows of a wallet scored for the first time;
    it reads only the trades of the 30 days before them. The (wallet, scored_at) index also
    serves the reports' "latest score at or before" lookups. Trades are first summed into hourly buckets; every window statistic
    is a RANGE window sum over those buckets.
-#}
{{ config(
    materialized='incremental',
    unique_key=['wallet', 'scored_at'],
    indexes=[{'columns': ['wallet', 'scored_at'], 'unique': True}],
) }}

{%- set prior = var("credibility_prior_strength", 5) -%}
{%- set as_of = var("scores_as_of", none) -%}

with bounds as (
    select
        wallet,
        date_bin(interval '4 hours', min(occurred_at), timestamptz '2000-01-01 00:00:00+00')
        + interval '4 hours' as first_window_end
    from {{ ref('wallet_events') }}
    where wallet is not null
    group by wallet
),

{% if is_incremental() %}
    stored as (
        select
            wallet,
            max(scored_at) - interval '{{ var("wallet_scores_rescore_days", 7) }} days' as rescore_from
        from {{ this }}
        group by wallet
    ),

    -- trades that arrived late: within `arrival_lookback_hours` of the newest arrival
    late_arrivals as (
        select
            wallet,
            min(occurred_at) as earliest
        from {{ ref('wallet_events') }}
        where
            loaded_at >= (
                select max(newest.loaded_at) - interval '{{ var("arrival_lookback_hours", 24) }} hours'
                from {{ ref('wallet_events') }} as newest
            )
        group by wallet
    ),

    -- per wallet, the first window end to (re)score: its latest stored one minus
    -- `wallet_scores_rescore_days`; a wallet never scored starts from its first window; a
    -- late trade pulls it back to that trade, whose windows change with it
    rescore as (
        select
            bounds.wallet,
            -- least() skips NULLs: nothing arrived for the wallet
            least(
                coalesce(stored.rescore_from, '-infinity'::timestamptz), late_arrivals.earliest
            ) as rescore_from
        from bounds
        left join stored on bounds.wallet = stored.wallet
        left join late_arrivals on bounds.wallet = late_arrivals.wallet
    ),
{% endif %}

windows as (
    select
        bounds.wallet,
        ends.scored_at
    from bounds
    {% if is_incremental() %}
        inner join rescore on bounds.wallet = rescore.wallet
    {% endif %}
    cross join
        lateral generate_series(
            {% if is_incremental() %}
                -- from the first window end at or after rescore_from
                greatest(
                    bounds.first_window_end,
                    date_bin(
                        interval '4 hours', rescore.rescore_from, timestamptz '2000-01-01 00:00:00+00'
                    )
                ),
            {% else %}
                bounds.first_window_end,
            {% endif %}
            date_bin(
                interval '4 hours',
                {{ "cast('" ~ as_of ~ "' as timestamptz)" if as_of else 'current_timestamp' }},
                timestamptz '2000-01-01 00:00:00+00'
            ),
            interval '4 hours'
        ) as ends (scored_at)
),

hourly as (
    select
        trades.wallet,
        date_trunc('hour', trades.occurred_at) as ts,
        count(*) as trades,
        sum(coalesce(trades.amount_usd, 0)) as volume_usd,
        -- a count, not max(amount): sums slide over RANGE frames cheaply, max is recomputed per row
        count(*) filter (where trades.amount_usd >= {{ var("whale_min_trade_usd", 500) }}) as whale_trades,
        count(*) filter (where trades.is_resolved) as resolved,
        count(*) filter (where trades.is_resolved and trades.is_win) as wins,
        count(*) filter (where trades.side = 'buy') as buys,
        count(*) filter (where trades.side = 'sell') as sells,
        count(*) filter (where trades.is_near_close) as near_close,
        count(*) filter (where trades.is_with_momentum) as with_momentum
    from {{ ref('int_wallet_trades') }} as trades
    {% if is_incremental() %}
        -- the 30 days (and the hour) before each wallet's first window to score
        inner join rescore
            on
                trades.wallet = rescore.wallet
                and trades.occurred_at >= rescore.rescore_from - interval '31 days'
    {% endif %}
    group by trades.wallet, date_trunc('hour', trades.occurred_at)
),

-- window ends as empty buckets, so that every window gets a row of the running sums
timeline as (
    select
        wallet, ts, trades, volume_usd, whale_trades, resolved, wins, buys, sells, near_close,
        with_momentum, false as is_window_end
    from hourly
    union all
    select
        wallet,
        scored_at as ts,
        0 as trades,
        0 as volume_usd,
        0 as whale_trades,
        0 as resolved,
        0 as wins,
        0 as buys,
        0 as sells,
        0 as near_close,
        0 as with_momentum,
        true as is_window_end
    from windows
),

sums as (
    select
        wallet,
        ts as scored_at,
        is_window_end,
        sum(resolved) over last_1h as resolved_1h,
        sum(wins) over last_1h as wins_1h,
        sum(resolved) over last_4h as resolved_4h,
        sum(wins) over last_4h as wins_4h,
        sum(resolved) over last_24h as resolved_24h,
        sum(wins) over last_24h as wins_24h,
        sum(trades) over last_24h as trades_24h,
        sum(volume_usd) over last_24h as volume_24h_usd,
        sum(trades) over last_7d as trades_7d,
        sum(volume_usd) over last_7d as volume_7d_usd,
        sum(whale_trades) over last_7d as whale_trades_7d,
        sum(buys) over last_7d as buys_7d,
        sum(sells) over last_7d as sells_7d,
        sum(near_close) over last_7d as near_close_7d,
        sum(with_momentum) over last_7d as with_momentum_7d,
        sum(resolved) over last_30d as resolved_30d,
        sum(wins) over last_30d as wins_30d
    from timeline
    -- [scored_at - W, scored_at): hourly buckets starting W before up to 1h before the end
    window
        last_1h as (partition by wallet order by ts range between interval '1 hour' preceding and interval '1 hour' preceding),
        last_4h as (partition by wallet order by ts range between interval '4 hours' preceding and interval '1 hour' preceding),
        last_24h as (partition by wallet order by ts range between interval '24 hours' preceding and interval '1 hour' preceding),
        last_7d as (partition by wallet order by ts range between interval '7 days' preceding and interval '1 hour' preceding),
        last_30d as (partition by wallet order by ts range between interval '30 days' preceding and interval '1 hour' preceding)
),

scored as (
    select
        wallet,
        scored_at,
        coalesce(resolved_1h, 0)::bigint as resolved_1h,
        coalesce(wins_1h, 0)::bigint as wins_1h,
        coalesce(resolved_4h, 0)::bigint as resolved_4h,
        coalesce(wins_4h, 0)::bigint as wins_4h,
        coalesce(resolved_24h, 0)::bigint as resolved_24h,
        coalesce(wins_24h, 0)::bigint as wins_24h,
        coalesce(trades_24h, 0)::bigint as trades_24h,
        coalesce(volume_24h_usd, 0) as volume_24h_usd,
        coalesce(trades_7d, 0)::bigint as trades_7d,
        coalesce(volume_7d_usd, 0) as volume_7d_usd,
        coalesce(whale_trades_7d, 0)::bigint as whale_trades_7d,
        coalesce(buys_7d, 0)::bigint as buys_7d,
        coalesce(sells_7d, 0)::bigint as sells_7d,
        coalesce(near_close_7d, 0)::bigint as near_close_7d,
        coalesce(with_momentum_7d, 0)::bigint as with_momentum_7d,
        coalesce(resolved_30d, 0)::bigint as resolved_30d,
        coalesce(wins_30d, 0)::bigint as wins_30d
    from sums
    where is_window_end
)

select
    wallet,
    scored_at,
    -- posterior mean of a Beta(prior, prior) win probability, x 10 (see model docs)
    round(10.0 * (wins_1h + {{ prior }}) / (resolved_1h + 2 * {{ prior }}), 1) as credibility_1h,
    round(10.0 * (wins_4h + {{ prior }}) / (resolved_4h + 2 * {{ prior }}), 1) as credibility_4h,
    round(10.0 * (wins_24h + {{ prior }}) / (resolved_24h + 2 * {{ prior }}), 1) as credibility_24h,
    round(wins_30d::numeric / nullif(resolved_30d, 0), 4) as win_rate,
    trades_24h,
    volume_24h_usd,
    case
        when trades_7d = 0 then 'dormant'
        when
            trades_7d >= {{ var("market_maker_min_trades_7d", 20) }}
            and least(buys_7d, sells_7d)::numeric / trades_7d >= {{ var("market_maker_min_side_share", 0.35) }}
            then 'market_maker'
        when
            whale_trades_7d > 0
            or volume_7d_usd >= {{ var("whale_min_volume_7d_usd", 10000) }}
            then 'whale'
        when
            trades_7d >= 2
            and near_close_7d::numeric / trades_7d >= {{ var("sniper_min_share", 0.5) }}
            then 'sniper'
        when
            trades_7d >= 3
            and with_momentum_7d::numeric / trades_7d >= {{ var("momentum_min_share", 0.6) }}
            then 'momentum'
        else 'regular'
    end as archetype,
    resolved_1h,
    wins_1h,
    resolved_4h,
    wins_4h,
    resolved_24h,
    wins_24h,
    resolved_30d,
    wins_30d,
    trades_7d,
    volume_7d_usd,
    whale_trades_7d,
    equity.equity_usd
from scored
-- the wallet's equity at scored_at where a venue reports one: the latest state of each source
-- at or before it (core.wallet_equity), summed over sources; NULL where none is known
left join lateral (
    select sum(latest.equity_usd) as equity_usd
    from (
        select distinct on (wallet_equity.source) wallet_equity.equity_usd
        from {{ ref('wallet_equity') }} as wallet_equity
        where wallet_equity.wallet = scored.wallet and wallet_equity.as_of <= scored.scored_at
        order by wallet_equity.source asc, wallet_equity.as_of desc, wallet_equity.observed_at desc
    ) as latest
) as equity on true
