"""How the ESPN ledger table is loaded (ingestion.loader.LedgerTable; migration 0106)."""

from ingestion.loader import LedgerTable

GAMES = LedgerTable(
    name="ledger.espn_game_observations",
    columns=(
        "league", "game_id", "start_time", "home_team", "away_team", "home_name", "away_name",
        "home_score", "away_score", "period", "clock", "status", "status_raw", "status_state",
        "status_detail", "completed", "winner", "observed_at",
    ),
    key=("league", "game_id", "observed_at"),
    mode="observation",
)  # fmt: skip
