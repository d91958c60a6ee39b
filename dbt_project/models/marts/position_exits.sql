{#-
    One row per reduction of an own position: a fill that closed something (partial exits each
    their own row), a venue settlement of a held outcome, or a held prediction-market outcome
    that resolved without a venue settlement (int_position_resolutions). The entry price is
    int_fill_pnl's average-cost entry (the same window, not a second derivation); exit
    condition and priority come from ref.order_tags when the exiting order was tagged.
-#}
with fill_pnl as (
    select * from {{ ref('int_fill_pnl') }}
),

fills as (
    select
        venue,
        account,
        fill_id,
        instrument
    from {{ ref('fills') }}
),

tags as (
    select * from {{ ref('stg_ref__order_tags') }}
),

-- a fill closed something when its PnL was realised: a prediction-market sale priced against
-- the average entry (average_cost) or a perpetual fill whose venue reported a realised PnL
-- (an opening fill reports 0). Perpetuals: the entry is the one implied by the venue's PnL
-- (a sale closes a long: price − pnl / quantity; a buy closes a short: price + pnl / quantity).
fill_exits as (
    select
        fill_pnl.venue,
        fill_pnl.account,
        fill_pnl.market_id,
        coalesce(fills.instrument, fill_pnl.market_id) as instrument,
        fill_pnl.outcome,
        'fill' as exit_kind,
        fill_pnl.fill_id as exit_id,
        fill_pnl.order_id,
        fill_pnl.executed_at as exited_at,
        fill_pnl.quantity as quantity_exited,
        fill_pnl.price as exit_price,
        case
            when fill_pnl.trading_pnl_method = 'average_cost' then fill_pnl.avg_entry_price
            when fill_pnl.side = 'sell'
                then round(fill_pnl.price - fill_pnl.trading_pnl / fill_pnl.quantity, 8)
            else round(fill_pnl.price + fill_pnl.trading_pnl / fill_pnl.quantity, 8)
        end as entry_price,
        fill_pnl.trading_pnl as realized_pnl,
        fill_pnl.fee
    from fill_pnl
    left join fills
        on
            fill_pnl.venue = fills.venue
            and fill_pnl.account = fills.account
            and fill_pnl.fill_id = fills.fill_id
    where
        fill_pnl.trading_pnl_method = 'average_cost'
        or (fill_pnl.trading_pnl_method = 'venue' and fill_pnl.trading_pnl != 0)
),

-- a venue settlement: each outcome the account still held is exited at its settlement value
-- (1 for the winning side, 0 for the other) against the average entry of its buys before the
-- settlement, as int_fill_pnl computes it (the venue's own cost per contract when no fill of
-- it is known)
settled_outcomes as (
    select
        settlements.venue,
        settlements.account,
        settlements.market_id,
        held.outcome,
        settlements.result,
        held.quantity,
        held.cost,
        settlements.settled_at
    from {{ ref('settlements') }} as settlements
    cross join
        lateral (
            values
            ('yes', settlements.yes_quantity, settlements.yes_cost),
            ('no', settlements.no_quantity, settlements.no_cost)
        ) as held (outcome, quantity, cost)
    where held.quantity > 0
),

settlement_entries as (
    select
        settled.*,
        (
            select
                round(
                    sum(buys.price * buys.quantity) / nullif(sum(buys.quantity), 0), 8
                )
            from fill_pnl as buys
            where
                buys.venue = settled.venue
                and buys.account = settled.account
                and buys.market_id = settled.market_id
                and buys.outcome = settled.outcome
                and buys.side = 'buy'
                and buys.executed_at <= settled.settled_at
        ) as avg_entry_price
    from settled_outcomes as settled
),

settlement_exits as (
    select
        venue,
        account,
        market_id,
        market_id as instrument,
        outcome,
        'settlement' as exit_kind,
        market_id || ':' || outcome as exit_id,
        cast(null as text) as order_id,
        settled_at as exited_at,
        quantity as quantity_exited,
        exit_price,
        entry_price,
        round(quantity * (exit_price - entry_price), 8) as realized_pnl,
        cast(0 as numeric) as fee
    from (
        select
            *,
            case when result in ('yes', 'no') then case when result = outcome then 1 else 0 end end
                as exit_price,
            coalesce(avg_entry_price, round(cost / quantity, 8)) as entry_price
        from settlement_entries
    ) as priced
),

-- a held outcome that resolved without a venue settlement (Polymarket): its resolution
resolution_exits as (
    select
        resolved.venue,
        resolved.account,
        resolved.market_id,
        coalesce(markets.token_id, resolved.market_id) as instrument,
        resolved.outcome,
        'resolution' as exit_kind,
        resolved.market_id || ':' || resolved.outcome as exit_id,
        cast(null as text) as order_id,
        resolved.recognized_at as exited_at,
        resolved.quantity as quantity_exited,
        resolved.settlement_value as exit_price,
        resolved.avg_entry_price as entry_price,
        resolved.resolution_pnl as realized_pnl,
        cast(0 as numeric) as fee
    from {{ ref('int_position_resolutions') }} as resolved
    left join {{ ref('markets') }} as markets
        on
            resolved.venue = markets.venue
            and resolved.market_id = markets.market_id
            and resolved.outcome = markets.outcome
),

exits as (
    select * from fill_exits
    union all
    select * from settlement_exits
    union all
    select * from resolution_exits
)

select
    exits.venue,
    exits.account,
    exits.exit_kind,
    exits.exit_id,
    exits.order_id,
    exits.market_id,
    exits.instrument,
    exits.outcome,
    exits.exited_at,
    exits.quantity_exited,
    exits.exit_price,
    exits.entry_price,
    exits.realized_pnl,
    exits.fee,
    case
        when exits.exit_kind != 'fill' then 'settlement'
        else coalesce(tags.exit_condition, 'unknown')
    end as exit_condition,
    case when exits.exit_kind = 'fill' then tags.exit_priority end as exit_priority
from exits
left join tags
    on
        exits.venue = tags.venue
        and exits.order_id = tags.order_id
