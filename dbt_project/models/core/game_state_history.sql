-- One row per version of a game's state (SCD type 2) from the append-only observations.
{{ scd2(
    ref("int_game_observations"),
    entity=["league", "game_id"],
    columns=["start_time", "home_team", "away_team", "home_score", "away_score", "period",
             "clock", "status", "status_raw", "completed", "winner"],
) }}
