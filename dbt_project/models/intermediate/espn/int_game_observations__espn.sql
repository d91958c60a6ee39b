-- ESPN input of int_game_observations: the ledger already speaks CONTRACT §5 (status vocabulary,
-- NULL scores before kickoff, winner only when final), so this only selects the contract columns.
select
    league,
    game_id,
    start_time,
    home_team,
    away_team,
    home_score,
    away_score,
    period,
    clock,
    status,
    status_raw,
    completed,
    winner,
    observed_at,
    loaded_at
from {{ ref('stg_espn__game_observations') }}
