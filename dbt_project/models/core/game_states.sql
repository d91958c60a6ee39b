-- The current state of every game.
select
    league, game_id, start_time, home_team, away_team, home_score, away_score, period, clock,
    status, status_raw, completed, winner, observed_at
from {{ ref("game_state_history") }}
where is_current
