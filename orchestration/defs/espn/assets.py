"""ESPN: game states of every configured league, in group `espn`."""

from ingestion.espn import SOURCE
from ingestion.espn.sync import sync_games
from orchestration.lib.ingest import ledger_asset

GAMES = "espn_game_observations"

espn_games = ledger_asset(
    source=SOURCE,
    stream="games",
    table=GAMES,
    sync=sync_games,
    description=(
        "Every game of games.espn.leagues (current scoreboard + month ranges from the cursor), "
        "one row per changed state."
    ),
)
