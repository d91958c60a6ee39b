"""ESPN scoreboard: scores never negative, observation times ours."""

from quality.rules import between, non_empty, past_time

RULES = {
    "espn_game_observations": [
        non_empty("game_id"),
        between("home_score", 0),
        between("away_score", 0),
        past_time("observed_at"),
    ],
}
