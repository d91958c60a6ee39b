-- One row per CLOB outcome token: which market and outcome it is, from the latest observation.
-- Trades are matched to outcomes through this (the token id), never through outcomeIndex.
with ranked as (
    select
        token_id,
        condition_id,
        outcome,
        event_slug,
        row_number() over (partition by token_id order by observed_at desc) as rn
    from {{ ref('stg_polymarket__market_observations') }}
)

select token_id, condition_id, outcome, event_slug
from ranked
where rn = 1
