-- The latest observation of each position; closed positions (quantity 0) drop out.
with latest as (
    select distinct on (venue, account, market_id, outcome)
        venue, account, market_id, outcome, quantity, cost, realized_pnl, fees_paid, observed_at
    from {{ ref("int_position_observations") }}
    order by venue, account, market_id, outcome, observed_at desc
)

select * from latest
where quantity <> 0
