{#-
    One row per own fill (venue, account, fill_id) with the PnL it realised when it executed.
    Incremental on arrival: a run finds the fills that reached core.fills since the watermark
    (the `arrived_since` macro), re-reads the positions (venue, account, market_id, outcome)
    they belong to, because a sell's average entry price needs the earlier fills of its
    position, and writes each such position's fills from the earliest newly arrived one on. A
    late fill executed long ago (a backfill) therefore also corrects the later fills of its
    position.
-#}
{{ config(
    materialized='incremental',
    unique_key=['venue', 'account', 'fill_id'],
    indexes=[
        {'columns': ['venue', 'account', 'fill_id'], 'unique': True},
        {'columns': ['executed_at']},
        {'columns': ['loaded_at']},
        {'columns': ['venue', 'market_id', 'outcome']},
    ],
) }}

with
{% if is_incremental() %}
    -- per touched position, the execution time from which its fills are written again
    touched as (
        select
            arrived.venue,
            arrived.account,
            arrived.market_id,
            arrived.outcome,
            min(arrived.executed_at) as rewrite_from
        from {{ ref('fills') }} as arrived
        where arrived.loaded_at >= {{ arrived_since() }}
        group by arrived.venue, arrived.account, arrived.market_id, arrived.outcome
    ),
{% endif %}

fills as (
    select
        {% if is_incremental() %}
            touched.rewrite_from,
        {% endif %}
        fills.*
    from {{ ref('fills') }} as fills
    {% if is_incremental() %}
        inner join touched
            on
                fills.venue = touched.venue
                and fills.account = touched.account
                and fills.market_id = touched.market_id
                and fills.outcome is not distinct from touched.outcome
    {% endif %}
),

entries as (
    select
        *,
        -- average price of the position's buys before this fill (average-cost method)
        -- (an average can repeat forever: derived amounts are rounded to 8 decimals)
        round(
            sum(case when side = 'buy' then price * quantity end) over position_before
            / nullif(sum(case when side = 'buy' then quantity end) over position_before, 0),
            8
        ) as avg_entry_price
    from fills
    window position_before as (
        partition by venue, account, market_id, outcome
        order by executed_at, fill_id
        rows between unbounded preceding and 1 preceding
    )
)

select
    venue,
    account,
    fill_id,
    order_id,
    market_id,
    outcome,
    side,
    price,
    quantity,
    notional,
    coalesce(fee, 0) as fee,
    realized_pnl as venue_realized_pnl,
    avg_entry_price,
    case
        when realized_pnl is not null then realized_pnl
        -- venues that report no realised PnL per fill (Kalshi, Polymarket): a sale of a
        -- prediction-market outcome realises (price - average entry price) per contract
        when side = 'sell' and outcome is not null and avg_entry_price is not null
            then round(quantity * (price - avg_entry_price), 8)
        else 0
    end as trading_pnl,
    case
        when realized_pnl is not null then 'venue'
        when side = 'sell' and outcome is not null and avg_entry_price is not null then 'average_cost'
        else 'none'
    end as trading_pnl_method,
    executed_at,
    loaded_at
from entries
{% if is_incremental() %}
    where executed_at >= rewrite_from
{% endif %}
