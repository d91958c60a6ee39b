-- One row per version of a game's state (SCD type 2) from the append-only observations.
-- Incremental: only the games with newly arrived observations are rebuilt (see scd2).
{{ config(
    materialized='incremental',
    unique_key=['league', 'game_id'],
    indexes=[
        {'columns': ['league', 'game_id', 'valid_from'], 'unique': True},
        {'columns': ['loaded_at']},
    ],
) }}
{{ scd2(
    ref("int_game_observations"),
    entity=["league", "game_id"],
    columns=["start_time", "home_team", "away_team", "home_score", "away_score", "period",
             "clock", "status", "status_raw", "completed", "winner"],
) }}
