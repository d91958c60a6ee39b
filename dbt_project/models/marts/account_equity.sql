{#-
    One row per own account (venue, account) and UTC hour, from the account's first observation,
    fill, settlement or funding payment to the current hour, valued at the hour's end (`as_of`):

    - balance: each currency's latest balance observed before the hour's end; USD, USDC and
      USDT count at 1, another currency counts by its reported USD equity (0 without one).
    - unrealized_pnl: the positions open at the hour's end (each position's latest observation
      before it, quantity > 0) marked at the hour's close: a perpetual at core.candles close of
      its instrument for that hour (quantity x (close - entry) for a long, x (entry - close) for
      a short), else the venue's own unrealized PnL as last observed; a prediction-market
      outcome at its latest core.price_history price before the hour's end (quantity x price -
      cost), else 0.
    - equity = balance + unrealized_pnl.
    - realized_pnl_cum: every realized PnL event so far (int_pnl_events: fills, settlements,
      resolutions not replaced) less the funding paid so far (core.funding_payments);
      fees_cum the fills' fees so far; funding_paid_cum the funding so far.
    - peak_equity: the running maximum of equity; drawdown_pct = (peak - equity) / peak x 100
      (0 while the peak is not positive).

    Incremental: a run recomputes only from the last built hour (the current hour, possibly
    built while it was still running) on, carrying the sums and the peak forward from each
    account's row of the hour before it; `dbt build --full-refresh` recomputes everything (an
    event that arrives late for an hour already closed in this table needs it). `until` (var
    `account_equity_until`, default now) ends the series.
-#}
{{ config(
    materialized='incremental',
    unique_key=['venue', 'account', 'hour'],
    indexes=[{'columns': ['venue', 'account', 'hour'], 'unique': True}],
) }}

{%- set until = var('account_equity_until', none) %}

with bounds as (
    select
        {% if is_incremental() -%}
            coalesce((select max(t.hour) from {{ this }} as t), cast('-infinity' as timestamptz))
        {%- else -%}
            cast('-infinity' as timestamptz)
        {%- endif %} as restart_at,
        date_trunc(
            'hour',
            {% if until %}cast('{{ until }}' as timestamptz){% else %}now(){% endif %}
        ) as until_hour
),

balances as (
    select * from {{ ref('int_balance_observations') }}
),

positions as (
    select * from {{ ref('int_position_observations') }}
),

pnl_events as (
    select venue, account, recognized_at, pnl, fee
    from {{ ref('int_pnl_events') }}
    where not is_replaced
),

funding as (
    select venue, account, paid_at, amount
    from {{ ref('funding_payments') }}
),

firsts as (
    select venue, account, min(at) as first_at
    from (
        select venue, account, observed_at as at from balances
        union all
        select venue, account, observed_at from positions
        union all
        select venue, account, recognized_at from pnl_events
        union all
        select venue, account, paid_at from funding
    ) as seen
    where account is not null
    group by venue, account
),

carried as (
    -- each built account's sums and peak up to the hour before the first one this run computes
    {% if is_incremental() -%}
        select
            t.venue,
            t.account,
            t.realized_pnl_cum,
            t.fees_cum,
            t.funding_paid_cum,
            t.peak_equity
        from {{ this }} as t
        cross join bounds as b
        where t.hour = b.restart_at - interval '1 hour'
    {%- else -%}
        select
            cast(null as text) as venue,
            cast(null as text) as account,
            cast(null as numeric) as realized_pnl_cum,
            cast(null as numeric) as fees_cum,
            cast(null as numeric) as funding_paid_cum,
            cast(null as numeric) as peak_equity
        where false
    {%- endif %}
),

hours as (
    select
        f.venue,
        f.account,
        h.hour,
        h.hour + interval '1 hour' as as_of
    from firsts as f
    cross join bounds as b
    -- an account already built restarts at the last built hour; a new one (even one whose
    -- history arrived late) starts at its first hour
    left join carried as c on f.venue = c.venue and f.account = c.account
    cross join lateral generate_series(
        case
            when c.account is null then date_trunc('hour', f.first_at)
            else greatest(date_trunc('hour', f.first_at), b.restart_at)
        end,
        b.until_hour,
        interval '1 hour'
    ) as h (hour)
),

valued as (
    select
        h.venue,
        h.account,
        h.hour,
        h.as_of,
        coalesce(bal.balance, 0) as balance,
        coalesce(pos.unrealized_pnl, 0) as unrealized_pnl
    from hours as h
    left join lateral (
        select
            sum(
                case
                    when upper(latest.currency) in ('USD', 'USDC', 'USDT') then latest.balance
                    else coalesce(latest.equity, 0)
                end
            ) as balance
        from (
            select distinct on (b.currency)
                b.currency,
                b.balance,
                b.equity
            from balances as b
            where b.venue = h.venue and b.account = h.account and b.observed_at < h.as_of
            order by b.currency asc, b.observed_at desc
        ) as latest
    ) as bal on true
    left join lateral (
        select
            sum(
                case
                    when
                        latest.position_side is not null and candle.close is not null
                        then
                            latest.quantity * (candle.close - latest.entry_price)
                            * case when latest.position_side = 'short' then -1 else 1 end
                    when latest.position_side is not null then coalesce(latest.unrealized_pnl, 0)
                    when price.price is not null then latest.quantity * price.price - latest.cost
                    else 0
                end
            ) as unrealized_pnl
        from (
            select distinct on (p.market_id, p.outcome)
                p.market_id,
                p.outcome,
                p.quantity,
                p.cost,
                p.position_side,
                p.entry_price,
                p.unrealized_pnl
            from positions as p
            where p.venue = h.venue and p.account = h.account and p.observed_at < h.as_of
            order by p.market_id asc, p.outcome asc, p.observed_at desc
        ) as latest
        left join {{ ref('candles') }} as candle
            on
                h.venue = candle.venue
                and latest.market_id = candle.instrument
                and candle.interval = '1h'
                and h.hour = candle.open_time
        left join lateral (
            select ph.price
            from {{ ref('price_history') }} as ph
            where
                ph.venue = h.venue
                and ph.market_id = latest.market_id
                and ph.outcome = latest.outcome
                and ph.ts < h.as_of
            order by ph.ts desc
            limit 1
        ) as price on latest.position_side is null
        where latest.quantity > 0
    ) as pos on true
),

hourly_flows as (
    select
        venue,
        account,
        date_trunc('hour', recognized_at) as hour,
        pnl,
        fee,
        0 as funding
    from pnl_events
    union all
    select
        venue,
        account,
        date_trunc('hour', paid_at) as hour,
        0 as pnl,
        0 as fee,
        amount as funding
    from funding
),

new_flows as (
    -- only the hours this run computes: a built account's earlier ones are in its carried sums
    select hourly_flows.*
    from hourly_flows
    cross join bounds
    left join carried
        on hourly_flows.venue = carried.venue and hourly_flows.account = carried.account
    where hourly_flows.hour >= bounds.restart_at or carried.account is null
),

flows as (
    select
        v.venue,
        v.account,
        v.hour,
        v.as_of,
        v.balance,
        v.unrealized_pnl,
        v.balance + v.unrealized_pnl as equity,
        coalesce(sum(f.pnl), 0) - coalesce(sum(f.funding), 0) as realized_pnl,
        coalesce(sum(f.fee), 0) as fees,
        coalesce(sum(f.funding), 0) as funding_paid
    from valued as v
    left join new_flows as f
        on v.venue = f.venue and v.account = f.account and v.hour = f.hour
    group by v.venue, v.account, v.hour, v.as_of, v.balance, v.unrealized_pnl
),

running as (
    select
        f.venue,
        f.account,
        f.hour,
        f.as_of,
        f.balance,
        f.unrealized_pnl,
        f.equity,
        coalesce(c.realized_pnl_cum, 0)
        + sum(f.realized_pnl) over w as realized_pnl_cum,
        coalesce(c.fees_cum, 0) + sum(f.fees) over w as fees_cum,
        coalesce(c.funding_paid_cum, 0) + sum(f.funding_paid) over w as funding_paid_cum,
        greatest(c.peak_equity, max(f.equity) over w) as peak_equity
    from flows as f
    left join carried as c on f.venue = c.venue and f.account = c.account
    window w as (partition by f.venue, f.account order by f.hour)
)

select
    venue,
    account,
    hour,
    as_of,
    balance,
    unrealized_pnl,
    equity,
    realized_pnl_cum,
    fees_cum,
    funding_paid_cum,
    peak_equity,
    case
        when peak_equity > 0 then round((peak_equity - equity) / peak_equity * 100, 6)
        else 0
    end as drawdown_pct
from running
