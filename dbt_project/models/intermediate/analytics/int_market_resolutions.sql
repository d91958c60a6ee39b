-- A table, not a view: small (one row per settled outcome) and joined by every PnL and scoring
-- model, which then get exact row estimates instead of re-running the window below.
{{ config(materialized='table') }}

-- One row per settled market outcome: what one unit of it paid and when it was settled.
-- When we first saw the market already settled (a backfill), the moment it settled is unknown:
-- close_time (when trading stopped) stands in for it; otherwise the first observation that
-- showed it settled is the resolution time.
with history as (
    select
        venue,
        market_id,
        outcome,
        status,
        valid_from,
        min(valid_from) over (partition by venue, market_id, outcome) as first_seen_at
    from {{ ref('market_history') }}
),

first_settled as (
    select
        venue,
        market_id,
        outcome,
        min(valid_from) as settled_seen_at,
        bool_or(valid_from = first_seen_at) as was_settled_when_first_seen
    from history
    where status = 'settled'
    group by venue, market_id, outcome
)

select
    markets.venue,
    markets.market_id,
    markets.outcome,
    markets.result,
    markets.settlement_value,
    markets.close_time,
    case
        when first_settled.was_settled_when_first_seen
            then least(coalesce(markets.close_time, first_settled.settled_seen_at), first_settled.settled_seen_at)
        else first_settled.settled_seen_at
    end as resolved_at
from {{ ref('markets') }} as markets
inner join first_settled
    on
        markets.venue = first_settled.venue
        and markets.market_id = first_settled.market_id
        and markets.outcome = first_settled.outcome
where markets.status = 'settled' and markets.settlement_value is not null
