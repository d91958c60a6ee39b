{#-
    One row per 4h report window with an own position open at its end or an account in
    marts.account_equity: the positions open at the window's end (each position's latest
    observation before it, quantity > 0), marked like marts.account_equity (a perpetual at the
    close of the window's last hourly candle, else the venue's last mark; a prediction-market
    outcome at its latest price before the end), as report lines, and the own accounts' equity
    at the end (their marts.account_equity rows of the window's last hour).
-#}
with windows as (
    select
        w.period_start,
        w.period_start + interval '4 hours' as period_end
    from
        generate_series(
            (
                select {{ report_window_start('min(observed_at)') }}
                from {{ ref('int_position_observations') }}
            ),
            {{ report_window_start('now()') }},
            interval '4 hours'
        ) as w (period_start)
    union
    select
        {{ report_window_start('hour') }} as period_start,
        {{ report_window_start('hour') }} + interval '4 hours' as period_end
    from {{ ref('account_equity') }}
),

open_positions as (
    select
        windows.period_start,
        latest.venue,
        latest.account,
        latest.market_id,
        latest.outcome,
        latest.quantity,
        latest.entry_price,
        coalesce(candle.close, price.price, latest.mark_price) as mark_price,
        case
            when latest.position_side is not null and candle.close is not null
                then
                    latest.quantity * (candle.close - latest.entry_price)
                    * case when latest.position_side = 'short' then -1 else 1 end
            when latest.position_side is not null then latest.unrealized_pnl
            when price.price is not null then latest.quantity * price.price - latest.cost
        end as unrealized_pnl
    from windows
    inner join lateral (
        select distinct on (p.venue, p.account, p.market_id, p.outcome)
            p.venue,
            p.account,
            p.market_id,
            p.outcome,
            p.quantity,
            p.cost,
            p.position_side,
            coalesce(p.entry_price, p.cost / nullif(p.quantity, 0)) as entry_price,
            p.mark_price,
            p.unrealized_pnl
        from {{ ref('int_position_observations') }} as p
        where p.observed_at < windows.period_end
        order by p.venue, p.account, p.market_id, p.outcome, p.observed_at desc
    ) as latest on latest.quantity > 0
    left join {{ ref('candles') }} as candle
        on
            latest.venue = candle.venue
            and latest.market_id = candle.instrument
            and candle.interval = '1h'
            and candle.open_time = windows.period_end - interval '1 hour'
            and latest.position_side is not null
    left join lateral (
        select ph.price
        from {{ ref('price_history') }} as ph
        where
            ph.venue = latest.venue
            and ph.market_id = latest.market_id
            and ph.outcome = latest.outcome
            and ph.ts < windows.period_end
            and latest.position_side is null
        order by ph.ts desc
        limit 1
    ) as price on true
),

position_sections as (
    select
        period_start,
        count(*) as open_positions,
        sum(unrealized_pnl) as unrealized_pnl,
        string_agg(
            format(
                '- %s %s %s %s: %s @ %s, mark %s, unrealized PnL %s',
                venue,
                {{ report_id('account') }},
                {{ report_id('market_id') }},
                outcome,
                quantity,
                coalesce({{ report_amount('entry_price', 4) }}, 'n/a'),
                coalesce({{ report_amount('mark_price', 4) }}, 'n/a'),
                coalesce({{ report_amount('unrealized_pnl') }}, 'n/a')
            ),
            E'\n' order by venue, account, market_id, outcome
        ) as position_lines
    from open_positions
    group by period_start
),

-- each account's equity at the window's end (its marts.account_equity row of the last hour)
equity_sections as (
    select
        windows.period_start,
        sum(equity.equity) as equity
    from windows
    inner join {{ ref('account_equity') }} as equity
        on equity.hour = windows.period_end - interval '1 hour'
    group by windows.period_start
)

select
    windows.period_start,
    coalesce(position_sections.open_positions, 0) as open_positions,
    position_sections.unrealized_pnl,
    position_sections.position_lines,
    equity_sections.equity
from windows
left join position_sections on windows.period_start = position_sections.period_start
left join equity_sections on windows.period_start = equity_sections.period_start
where position_sections.period_start is not null or equity_sections.period_start is not null
