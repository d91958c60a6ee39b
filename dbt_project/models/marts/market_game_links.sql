-- One row per prediction-market outcome linked to the ESPN game it is about (the best-ranked
-- candidate of int_market_game_candidates). Matching rules: see this model's docs.
select
    venue,
    market_id,
    outcome,
    league,
    game_id,
    team,
    event_id,
    proposition,
    match_rule,
    market_date,
    game_start_time,
    date_offset_days,
    is_home_away_swapped,
    candidate_count
from {{ ref('int_market_game_candidates') }}
where candidate_rank = 1
