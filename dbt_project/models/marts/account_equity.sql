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
    account's row of the hour before it; of a built account's balance and position observations
    it values only those from that hour on and each key's latest one before it (the carry-in;
    of a position only an open one), read by index probes of the incremental tables
    int_balance_observations and int_position_observations (macros/carry_in_reads.sql), its
    funding payments and PnL events from that hour on, and each position-hour's candle by its
    key. The restart hour and the accounts not built yet (even one whose whole history arrived
    late) are found by skip scans of the indexes (macro index_distinct) and a scan of the
    int_pnl_events view; an account not built yet reads all its inputs. `dbt build --full-refresh` recomputes everything (an
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
            -- the last built hour: each built account's last hour, by index (macro index_distinct)
            coalesce(
                (
                    select max(last_built.hour)
                    from {{ index_distinct(this, ['venue', 'account']) }} as built
                    cross join lateral (
                        select t.hour
                        from {{ this }} as t
                        where t.venue = built.venue and t.account = built.account
                        order by t.hour desc
                        limit 1
                    ) as last_built
                ),
                cast('-infinity' as timestamptz)
            )
        {%- else -%}
            cast('-infinity' as timestamptz)
        {%- endif %} as restart_at,
        date_trunc(
            'hour',
            {% if until %}cast('{{ until }}' as timestamptz){% else %}now(){% endif %}
        ) as until_hour
),

balances as (
    select venue, account, currency, balance, equity, observed_at
    from {{ ref('int_balance_observations') }}
),

positions as (
    select
        venue,
        account,
        market_id,
        outcome,
        observed_at,
        quantity,
        cost,
        position_side,
        entry_price,
        unrealized_pnl
    from {{ ref('int_position_observations') }}
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

{% if is_incremental() -%}
    new_accounts as (
        -- the accounts of the inputs not built yet (even one whose whole history arrived late):
        -- the observations' and the funding payments' accounts by a skip scan of their indexes
        select accounts.venue, accounts.account
        from (
            {{ index_distinct(ref('int_balance_observations'), ['venue', 'account']) }}
            union
            {{ index_distinct(ref('int_position_observations'), ['venue', 'account']) }}
            union
            {{ index_distinct(ref('funding_payments'), ['venue', 'account']) }}
            union
            select venue, account from {{ ref('int_pnl_events') }}
            where not is_replaced
        ) as accounts
        where
            accounts.account is not null
            and not exists (
                select from carried as c
                where c.venue = accounts.venue and c.account = accounts.account
            )
    ),

    pnl_events as (
        -- a built account's events from the restart on (the earlier ones are in its carried sums)
        select e.venue, e.account, e.recognized_at, e.pnl, e.fee
        from {{ ref('int_pnl_events') }} as e
        where not e.is_replaced and e.recognized_at >= (select restart_at from bounds)
        union all
        select e.venue, e.account, e.recognized_at, e.pnl, e.fee
        from new_accounts as n
        inner join {{ ref('int_pnl_events') }} as e on n.venue = e.venue and n.account = e.account
        where not e.is_replaced and e.recognized_at < (select restart_at from bounds)
    ),

    funding as (
        -- a built account's payments from the restart on, by index; every one of a new account
        select f.venue, f.account, f.paid_at, f.amount
        from carried as c
        cross join
            lateral (
                select f.venue, f.account, f.paid_at, f.amount
                from {{ ref('funding_payments') }} as f
                where
                    f.venue = c.venue
                    and f.account = c.account
                    and f.paid_at >= (select bounds.restart_at from bounds)
            ) as f
        union all
        select f.venue, f.account, f.paid_at, f.amount
        from new_accounts as n
        cross join lateral (
            select f.venue, f.account, f.paid_at, f.amount
            from {{ ref('funding_payments') }} as f
            where f.venue = n.venue and f.account = n.account
        ) as f
    ),

    firsts as (
        -- a built account restarts at the restart hour (its first hour lies before it); an account
        -- not built yet starts at its first observation, event or payment
        select c.venue, c.account, b.restart_at as first_at
        from carried as c
        cross join bounds as b
        union all
        select
            n.venue,
            n.account,
            least(
                (
                    select min(r.observed_at) from balances as r
                    where r.venue = n.venue and r.account = n.account
                ),
                (
                    select min(r.observed_at) from positions as r
                    where r.venue = n.venue and r.account = n.account
                ),
                (
                    select min(r.recognized_at) from pnl_events as r
                    where r.venue = n.venue and r.account = n.account
                ),
                (
                    select min(r.paid_at) from funding as r
                    where r.venue = n.venue and r.account = n.account
                )
            ) as first_at
        from new_accounts as n
    ),
{%- else -%}
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
{%- endif %}

account_hours as (
    -- the first and the last hour this run computes per account: an account already built
    -- restarts at the last built hour; a new one (even one whose history arrived late) starts at
    -- its first hour
    select
        f.venue,
        f.account,
        case
            when c.account is null then date_trunc('hour', f.first_at)
            else greatest(date_trunc('hour', f.first_at), b.restart_at)
        end as first_hour,
        b.until_hour as last_hour
    from firsts as f
    cross join bounds as b
    left join carried as c on f.venue = c.venue and f.account = c.account
),

hours as (
    select
        a.venue,
        a.account,
        h.hour,
        h.hour + interval '1 hour' as as_of
    from account_hours as a
    cross join lateral generate_series(a.first_hour, a.last_hour, interval '1 hour') as h (hour)
),

-- The observations this run's hours need: all of them on a full build; on an incremental run
-- (macros/carry_in_reads.sql) a built account's from the restart on and each key's latest one
-- before it, by index probes, and every one of an account not built yet.

balance_reads as (
    {% if is_incremental() -%}
        {{ carry_in_reads(
            ref('int_balance_observations'),
            ['venue', 'account', 'currency'],
            ['venue', 'account', 'currency', 'balance', 'equity', 'observed_at'],
        ) }}
    {%- else -%}
        select * from balances
    {%- endif %}
),

position_reads as (
    {% if is_incremental() -%}
        {{ carry_in_reads(
            ref('int_position_observations'),
            ['venue', 'account', 'market_id', 'outcome'],
            ['venue', 'account', 'market_id', 'outcome', 'observed_at', 'quantity', 'cost',
             'position_side', 'entry_price', 'unrealized_pnl'],
            carry_in_filter='r.quantity > 0',
        ) }}
    {%- else -%}
        select * from positions
    {%- endif %}
),

-- "The latest observation before the hour's end" without a lookup per hour: an observation at
-- observed_at is before the end (hour + 1 hour) of every hour from date_trunc('hour',
-- observed_at) on, so each key's last observation within an hour holds from that hour until the
-- next hour with an observation of the key; each is spread over those hours (of this run's
-- range) with generate_series and joined to the hours by equality.

balance_changes as (
    -- each currency's last balance observed within each hour, and the next such hour
    select
        latest.venue,
        latest.account,
        latest.from_hour,
        lead(latest.from_hour) over (
            partition by latest.venue, latest.account, latest.currency
            order by latest.from_hour
        ) as next_hour,
        latest.value
    from (
        select distinct on (b.venue, b.account, b.currency, date_trunc('hour', b.observed_at))
            b.venue,
            b.account,
            b.currency,
            date_trunc('hour', b.observed_at) as from_hour,
            case
                when upper(b.currency) in ('USD', 'USDC', 'USDT') then b.balance
                else coalesce(b.equity, 0)
            end as value
        from balance_reads as b
        where b.venue is not null and b.account is not null
        order by
            b.venue asc,
            b.account asc,
            b.currency asc,
            date_trunc('hour', b.observed_at) asc,
            b.observed_at desc
    ) as latest
),

hourly_balances as (
    select
        c.venue,
        c.account,
        h.hour,
        sum(c.value) as balance
    from balance_changes as c
    inner join account_hours as a on c.venue = a.venue and c.account = a.account
    cross join
        lateral generate_series(
            greatest(c.from_hour, a.first_hour),
            least(c.next_hour - interval '1 hour', a.last_hour),  -- least() skips a null: no next one
            interval '1 hour'
        ) as h (hour)
    group by c.venue, c.account, h.hour
),

position_changes as (
    -- each position's last observation within each hour, and the next such hour
    select
        latest.*,
        lead(latest.from_hour) over (
            partition by latest.venue, latest.account, latest.market_id, latest.outcome
            order by latest.from_hour
        ) as next_hour
    from (
        select distinct on (
            p.venue, p.account, p.market_id, p.outcome, date_trunc('hour', p.observed_at)
        )
            p.venue,
            p.account,
            p.market_id,
            p.outcome,
            date_trunc('hour', p.observed_at) as from_hour,
            p.quantity,
            p.cost,
            p.position_side,
            p.entry_price,
            p.unrealized_pnl
        from position_reads as p
        where p.venue is not null and p.account is not null
        order by
            p.venue asc,
            p.account asc,
            p.market_id asc,
            p.outcome asc,
            date_trunc('hour', p.observed_at) asc,
            p.observed_at desc
    ) as latest
),

hourly_positions as (
    -- the positions open at each hour's end, marked at the hour's close
    select
        latest.venue,
        latest.account,
        h.hour,
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
    from position_changes as latest
    inner join account_hours as a on latest.venue = a.venue and latest.account = a.account
    cross join
        lateral generate_series(
            greatest(latest.from_hour, a.first_hour),
            least(latest.next_hour - interval '1 hour', a.last_hour),  -- least() skips a null: no next one
            interval '1 hour'
        ) as h (hour)
    {%- if is_incremental() %}
    -- the few position-hours of an incremental run each look up their candle by its unique key
        left join lateral (
            select candle.close
            from {{ ref('candles') }} as candle
            where
                latest.venue = candle.venue
                and latest.market_id = candle.instrument
                and candle.interval = '1h'
                and h.hour = candle.open_time
        ) as candle on true
    {%- else %}
    left join {{ ref('candles') }} as candle
        on
            latest.venue = candle.venue
            and latest.market_id = candle.instrument
            and candle.interval = '1h'
            and h.hour = candle.open_time
    {%- endif %}
    left join lateral (
        select ph.price
        from {{ ref('price_history') }} as ph
        where
            ph.venue = latest.venue
            and ph.market_id = latest.market_id
            and ph.outcome = latest.outcome
            and ph.ts < h.hour + interval '1 hour'
        order by ph.ts desc
        limit 1
    ) as price on latest.position_side is null
    where latest.quantity > 0
    group by latest.venue, latest.account, h.hour
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
    left join hourly_balances as bal
        on h.venue = bal.venue and h.account = bal.account and h.hour = bal.hour
    left join hourly_positions as pos
        on h.venue = pos.venue and h.account = pos.account and h.hour = pos.hour
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
