-- The current version of every market outcome.
select
    venue, market_id, event_id, outcome, token_id, title, status, status_raw, price, bid, ask,
    volume, open_interest, result, settlement_value, close_time, observed_at
from {{ ref("market_history") }}
where is_current
