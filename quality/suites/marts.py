"""The marts (CONTRACT §6, dbt_project/models/marts/_marts__models.yml). A hard rule is a unit or
contract promise (a price or probability in [0, 1], a score in its range, a correlation in
[−1, 1], a drawdown ≥ 0, a documented enum): failing it is an ERROR. The rest (`warn`: ids
present, times not in the future) is a WARN. Either way the check is non-blocking: the marts are
the end of the line, and the 4h report lists what failed."""

from quality.rules import (
    address,
    between,
    in_set,
    non_empty,
    only,
    past_time,
    positive,
    probability,
    warn,
)
from quality.suites.core import PREDICTION, SIDES, VENUES

MARKET_STATES = ["MAINTENANCE", "PANIC", "VOLATILE", "DEAD", "NORMAL"]
TILT_LEVELS = ["NORMAL", "CAUTION", "WARNING", "LOCKED"]
PRIORITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW"]
REGIMES = ["BULL", "BEAR", "CRAB", "CRASH", "RECOVERY"]
ALERTS = [
    "HIGH_DRAWDOWN",
    "TOTAL_DRAWDOWN_EXCEEDED",
    "DAILY_DRAWDOWN_EXCEEDED",
    "PROFIT_TARGET_REACHED",
    "INACTIVE_TRADING",
    "UNUSUAL_ACTIVITY",
    "LATE_DATA",  # ours: a fill applied after its time had been evaluated
]


def _unit(column: str) -> object:
    return between(column, -1, 1)


RULES = {
    "marts.daily_performance": [
        in_set("venue", VENUES),
        warn(non_empty("account")),
        between("fills", 0),
        between("volume", 0),
    ],
    "marts.trade_attribution": [
        in_set("venue", VENUES),
        warn(non_empty("fill_id")),
        in_set("side", SIDES),
        only(probability("price"), "venue", PREDICTION),
        positive("quantity"),
        _unit("edge_at_execution"),  # a probability minus a price
        warn(past_time("executed_at")),
    ],
    "marts.strategy_version_comparison": [
        warn(non_empty("strategy_name")),
        between("fills", 0),
        between("volume", 0),
    ],
    "marts.wallet_scores": [
        address("wallet"),
        *(between(f"credibility_{h}", 0, 10) for h in ("1h", "4h", "24h")),
        between("win_rate", 0, 1),
        in_set("archetype", ["dormant", "market_maker", "whale", "sniper", "momentum", "regular"]),
        between("trades_24h", 0),
        between("volume_24h_usd", 0),
        warn(past_time("scored_at")),
    ],
    "marts.market_game_links": [
        in_set("venue", PREDICTION),
        in_set("proposition", ["team_wins", "team_does_not_win", "tie", "no_tie", "other"]),
        warn(non_empty("market_id")),
        warn(non_empty("game_id")),
    ],
    "marts.edges": [
        in_set("venue", PREDICTION),
        probability("probability"),
        probability("market_price"),
        _unit("edge"),
        between("fee_per_contract", 0),
        in_set("probability_source", ["model", "matrix"]),
        in_set("confidence_level", ["high", "medium", "low"]),
        in_set("recommended_action", ["auto_execute", "alert", "ignore"]),
        warn(past_time("observed_at")),
    ],
    "marts.model_performance": [
        warn(non_empty("model_name")),
        between("resolved_outcomes", 0),
        between("brier_score", 0, 1),
        between("log_loss", 0),
    ],
    "marts.reports": [
        in_set("report_type", ["4h"]),
        warn(non_empty("summary_markdown")),
        warn(past_time("period_start")),
        warn(past_time("generated_at")),
    ],
    "marts.market_states": [
        in_set("venue", VENUES),
        in_set("state", MARKET_STATES),
        in_set("previous_state", MARKET_STATES),
        between("liquidity_score", 0, 100),
        between("volatility_atr", 0),
        between("volume_24h", 0),
        between("state_duration_seconds", 0),
        warn(past_time("detected_at")),
    ],
    "marts.global_market_states": [
        in_set("state", REGIMES),
        in_set("previous_state", REGIMES),
        positive("btc_price"),
        _unit("mean_correlation_24h"),
        warn(past_time("hour")),
    ],
    "marts.position_correlations": [
        warn(non_empty("position_1")),
        warn(non_empty("position_2")),
        _unit("correlation_coefficient"),
        positive("calculation_window"),
        between("hours_used", 0),
    ],
    "marts.trading_sessions": [
        in_set("venue", VENUES),
        warn(non_empty("session_id")),
        between("total_trades", 1),
        between("winning_trades", 0),
        between("losing_trades", 0),
        between("max_drawdown", 0),
        warn(past_time("started_at")),
    ],
    "marts.account_equity": [
        in_set("venue", VENUES),
        warn(non_empty("account")),
        between("drawdown_pct", 0),
        warn(past_time("hour")),
    ],
    "marts.tilt_scores": [
        in_set("venue", VENUES),
        warn(non_empty("account")),
        between("tilt_score", 0, 100),
        in_set("tilt_level", TILT_LEVELS),
        between("consecutive_losses", 0),
        between("trades", 0),
        warn(past_time("hour_start")),
    ],
    "marts.tilt_events": [
        in_set("venue", VENUES),
        in_set("level_before", TILT_LEVELS),
        in_set("level_after", TILT_LEVELS),
        between("tilt_score_before", 0, 100),
        between("tilt_score_after", 0, 100),
        warn(past_time("occurred_at")),
    ],
    "marts.position_exits": [
        in_set("venue", VENUES),
        warn(non_empty("market_id")),
        positive("quantity_exited"),
        only(probability("exit_price"), "venue", PREDICTION),
        in_set("exit_priority", PRIORITIES),
        warn(past_time("exited_at")),
    ],
    "marts.exit_attempts": [
        in_set("venue", VENUES),
        warn(non_empty("order_id")),
        between("attempt_number", 1),
        positive("quantity"),
        only(probability("limit_price"), "venue", PREDICTION),
        in_set("exit_priority", PRIORITIES),
        warn(past_time("created_at")),
    ],
    "marts.bias": [
        in_set("timeframe", ["1h", "4h", "24h"]),
        _unit("value"),
        between("confidence", 0, 1),
        warn(past_time("computed_at")),
    ],
    "marts.challenges": [
        warn(non_empty("challenge_id")),
        in_set("status", ["PENDING", "ACTIVE", "FUNDED", "FAILED"]),
        in_set("failure_reason", ["daily_drawdown", "total_drawdown", "expired"]),
        positive("initial_balance"),
        between("total_drawdown_pct", 0),
        between("trading_days", 0),
    ],
    "marts.risk_alerts": [
        in_set("alert_type", ALERTS),
        in_set("severity", ["LOW", "MEDIUM", "HIGH", "CRITICAL"]),
        in_set("status", ["ACTIVE", "RESOLVED"]),
        warn(past_time("triggered_at")),
    ],
    "marts.challenge_performance_analytics": [
        warn(non_empty("challenge_id")),
        between("total_drawdown_pct", 0),
        between("win_rate", 0, 1),
        between("total_volume", 0),
        between("trading_days", 0),
    ],
}
