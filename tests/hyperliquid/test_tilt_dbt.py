"""Real `dbt build` of marts.tilt_scores, marts.tilt_events and marts.trading_sessions from the
recorded Hyperliquid fills of the own account: the liquidation at 2026-11-18 21:07:33 (−628.2)
is followed by a revenge burst (two entries of 0.36 BTC within five minutes, closed at a second
loss of −172.8 at 21:35). Values computed by hand from tests/hyperliquid/make_fixtures.py."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import psycopg

from ingestion.hyperliquid.sync import sync_fills
from tests.dbt_runner import dbt_build
from tests.hyperliquid.conftest import OWN

SELECT = "+tilt_events +trading_sessions +position_exits +reports"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_revenge_burst_after_the_liquidation_locks_the_account(hl_ctx, db_url, tmp_path):
    sync_fills(hl_ctx())
    done = dbt_build(db_url, tmp_path, SELECT)
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        scores = {
            r[0]: r[1:]
            for r in conn.execute(
                "select hour_start, tilt_score, tilt_level, consecutive_losses, trades, indicators "
                "from marts.tilt_scores where venue = 'hyperliquid' and account = %s",
                (OWN,),
            )
        }
        events = conn.execute(
            "select occurred_at, level_before, level_after, tilt_score_before, tilt_score_after "
            "from marts.tilt_events where venue = 'hyperliquid' order by occurred_at"
        ).fetchall()
        sessions = conn.execute(
            "select started_at, total_trades, tilt_events_count from marts.trading_sessions "
            "where venue = 'hyperliquid' and tilt_events_count > 0 order by started_at"
        ).fetchall()
        [(behaviour, tilt_changes, detail)] = conn.execute(
            "select split_part(split_part(summary_markdown, '## Behaviour', 2), "
            "'## Data quality', 1), (metrics->>'tilt_changes')::int, "
            "(select e from jsonb_array_elements(notable_events) e "
            "where e->>'type' = 'tilt_change') "
            "from marts.reports where period_start = '2026-11-18T20:00:00Z'"
        ).fetchall()
        exits = conn.execute(
            "select exited_at, exit_price, entry_price, realized_pnl, exit_condition "
            "from marts.position_exits where venue = 'hyperliquid' and market_id = 'BTC' "
            "order by exited_at"
        ).fetchall()

    # 4 fills in the hour vs 4 fills in 4 trading hours of the 7 days before: ratio 4 (full,
    # 20); 2 losing exits in a row: 2/3 x 25 = 16.67; the largest re-entry 0.36 x 101560 =
    # 36561.6 vs the one baseline entry (25 HYPE x 38.215 = 955.375): full, 15; two entries
    # within 5 minutes of the liquidation: 20; no orders: 0; 6 known hours, none at 21 h: 10
    burst = scores[at(2026, 11, 18, 21)]
    assert burst[:4] == (Decimal("81.67"), "LOCKED", 2, 4)
    indicators = burst[4]
    assert {k: v["contribution"] for k, v in indicators.items()} == {
        "trade_rate": 20.0,
        "consecutive_losses": 16.67,
        "size_escalation": 15.0,
        "quick_reentry": 20.0,
        "cancel_rate": 0.0,
        "unusual_hour": 10.0,
    }
    assert indicators["trade_rate"]["value"] == 4.0
    assert indicators["size_escalation"]["max_entry_after_loss"] == 36561.6
    assert indicators["size_escalation"]["baseline_entry"] == 955.375
    assert indicators["quick_reentry"]["value"] == 2
    assert indicators["unusual_hour"]["history_hours"] == 6
    # the hour before (PURR sale, a win): only the unusual hour (5 known hours, none at 11 h)
    assert scores[at(2026, 11, 16, 11)][:3] == (Decimal("10.00"), "NORMAL", 0)
    # two days later: still 2 losses in a row (16.67), an unusual hour (10): NORMAL again
    assert scores[at(2026, 11, 20, 13)][:3] == (Decimal("26.67"), "NORMAL", 2)

    assert events == [
        (at(2026, 11, 18, 21, 35), "NORMAL", "LOCKED", Decimal("10.00"), Decimal("81.67")),
        (at(2026, 11, 20, 13), "LOCKED", "NORMAL", Decimal("81.67"), Decimal("26.67")),
    ]
    # the burst session (liquidation 21:07:33 to the losing close 21:35) holds the LOCKED event
    assert sessions == [
        (datetime(2026, 11, 18, 21, 7, 33, 1000, tzinfo=UTC), 4, 1),
        (at(2026, 11, 20, 13), 1, 1),
    ]
    # perpetual exits: the entry the venue PnL implies (0.72 BTC closed at 101300 for -172.8:
    # entered at 101300 + 172.8 / 0.72 = 101540, the average of 101520 and 101560)
    assert exits[-1] == (
        at(2026, 11, 18, 21, 35), Decimal("101300.0"), Decimal("101540.00000000"),
        Decimal("-172.8"), "unknown",
    )  # fmt: skip

    # the 4h report of 20:00-24:00 says it, with the indicators that weighed, largest first
    assert tilt_changes == 1
    assert behaviour.strip().endswith(
        "Tilt level changes:\n- hyperliquid 0x8c5a3f1e…9c0d tilt NORMAL -> **LOCKED** at 21:35 "
        "UTC (score 81.67: quick_reentry 20.00, trade_rate 20.00, consecutive_losses 16.67, "
        "size_escalation 15.00, unusual_hour 10.00)"
    )
    assert (detail["level_after"], detail["tilt_score_after"]) == ("LOCKED", 81.67)
