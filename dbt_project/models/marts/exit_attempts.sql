{#-
    One row per own order that tried to reduce a position: core.orders against the position
    the account held (from its fills) when the order was placed. A sale while long, or a buy
    while short, is an exit attempt. Attempts are numbered per exit (attempt 1, 2, 3…): on one
    position (venue, account, market_id, outcome), a new exit starts after an attempt that
    filled something; so canceled orders walked to a new limit price and the one that finally
    filled share one exit.
-#}
with orders as (
    select * from {{ ref('orders') }}
),

fills as (
    select
        venue,
        account,
        market_id,
        outcome,
        case when side = 'buy' then quantity else -quantity end as signed_quantity,
        executed_at
    from {{ ref('fills') }}
),

-- the position (signed: long > 0) of the order's outcome before the order was placed
placed as (
    select
        orders.*,
        coalesce((
            select sum(fills.signed_quantity)
            from fills
            where
                fills.venue = orders.venue
                and fills.account = orders.account
                and fills.market_id = orders.market_id
                and fills.outcome is not distinct from orders.outcome
                and fills.executed_at < orders.created_at
        ), 0) as position_before
    from orders
),

attempts as (
    select
        *,
        coalesce(filled_quantity, 0) > 0 as is_success
    from placed
    where
        (side = 'sell' and position_before > 0)
        or (side = 'buy' and position_before < 0)
),

exits as (
    select
        *,
        -- successful attempts before this one on the position: the exit it belongs to
        coalesce(
            sum(case when is_success then 1 else 0 end) over (
                partition by venue, account, market_id, outcome
                order by created_at, order_id
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) + 1 as exit_number
    from attempts
)

select
    exits.venue,
    exits.account,
    exits.order_id,
    exits.market_id,
    exits.instrument,
    exits.outcome,
    exits.venue || ':' || exits.account || ':' || exits.market_id || ':'
    || coalesce(exits.outcome, '') || ':' || exits.exit_number as exit_id,
    row_number() over (
        partition by exits.venue, exits.account, exits.market_id, exits.outcome, exits.exit_number
        order by exits.created_at, exits.order_id
    ) as attempt_number,
    exits.side,
    exits.order_type,
    exits.price as limit_price,
    exits.avg_fill_price as fill_price,
    exits.quantity,
    exits.filled_quantity,
    exits.position_before,
    exits.status,
    exits.is_success as success,
    exits.created_at,
    exits.terminal_at,
    tags.exit_condition,
    tags.exit_priority
from exits
left join {{ ref('stg_ref__order_tags') }} as tags
    on
        exits.venue = tags.venue
        and exits.order_id = tags.order_id
