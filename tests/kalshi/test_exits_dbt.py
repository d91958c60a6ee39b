"""Real `dbt build` of marts.position_exits, marts.exit_attempts, marts.tilt_scores and
marts.tilt_events from the recorded Kalshi fills, orders and settlements and the demo tags:
the KC exit walked 0.75 -> 0.73 -> 0.71 (filled on the third attempt), the DAL exit walked
0.52 -> 0.49 -> 0.47 (never filled), a partial exit and the settlement of the rest."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import psycopg

from ingestion.kalshi.sync import sync_fills, sync_orders, sync_settlements
from ingestion.ref_data import load_ref_dir
from tests.dbt_runner import dbt_build
from tests.kalshi.test_orders import T0

DEMO_REF = Path(__file__).resolve().parents[2] / "demo" / "ref"
SELECT = "+position_exits +exit_attempts +tilt_events +trading_sessions"
KCDEN = "KXNFLGAME-26NOV15KCDEN-KC"
DAL = "KXNFLGAME-26NOV26KCDAL-DAL"


def test_exits_attempts_and_tilt_from_kalshi(kalshi_ctx, db_url, tmp_path):
    ctx = kalshi_ctx()
    ctx.now = lambda: T0
    sync_fills(ctx)
    sync_orders(ctx)
    sync_settlements(ctx)
    with psycopg.connect(db_url) as conn:
        load_ref_dir(conn, DEMO_REF)

    done = dbt_build(db_url, tmp_path, SELECT)
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        exits = conn.execute(
            "select exit_kind, market_id, outcome, exited_at, quantity_exited, exit_price, "
            "entry_price, realized_pnl, exit_condition, exit_priority from marts.position_exits "
            "where venue = 'kalshi' order by exited_at, exit_id"
        ).fetchall()
        attempts = conn.execute(
            "select order_id, market_id, exit_id, attempt_number, order_type, limit_price, "
            "fill_price, quantity, success, exit_condition, exit_priority "
            "from marts.exit_attempts where venue = 'kalshi' order by created_at"
        ).fetchall()
        scores = conn.execute(
            "select hour_start, tilt_score, tilt_level, consecutive_losses, indicators "
            "from marts.tilt_scores where venue = 'kalshi' order by hour_start"
        ).fetchall()
        events = conn.execute("select * from marts.tilt_events where venue = 'kalshi'").fetchall()
    d = Decimal

    def at(*a: int) -> datetime:
        return datetime(*a, tzinfo=UTC)

    # the 2025 settlements pay 1 per winning contract against the buys' average entry; the KC
    # YES position is exited in part by the third attempt (2 at 0.71 against 0.485: +0.45,
    # tagged take_profit HIGH), the other 3 by the settlement (+1.545)
    assert exits == [
        ("settlement", "KXNFLGAME-25NOV23KCBUF-BUF", "yes", at(2025, 11, 24, 6), d("10.00"), 1,
         d("0.56000000"), d("4.40000000"), "settlement", None),
        ("settlement", "KXNFLGAME-25NOV23KCBUF-KC", "no", at(2025, 11, 24, 6), d("2.50"), 1,
         d("0.38000000"), d("1.55000000"), "settlement", None),
        ("fill", KCDEN, "yes", at(2026, 11, 15, 23, 10), d("2.00"), d("0.7100"),
         d("0.48500000"), d("0.45000000"), "take_profit", "HIGH"),
        ("settlement", KCDEN, "yes", at(2026, 11, 16, 8), d("3.00"), 1, d("0.48500000"),
         d("1.54500000"), "settlement", None),
    ]  # fmt: skip
    kc, dal = f"kalshi:kalshi:{KCDEN}:yes:1", f"kalshi:kalshi:{DAL}:no:1"
    assert attempts == [
        ("5a1b0d2f-0013", KCDEN, kc, 1, "limit", d("0.7500"), None, d("2.00"), False,
         "take_profit", "HIGH"),
        ("5a1b0d2f-0014", KCDEN, kc, 2, "limit", d("0.7300"), None, d("2.00"), False,
         "take_profit", "HIGH"),
        ("5a1b0d2f-0004", KCDEN, kc, 3, "limit", d("0.7100"), d("0.71000000"), d("2.00"), True,
         "take_profit", "HIGH"),
        ("5a1b0d2f-0009", DAL, dal, 1, "limit", d("0.5200"), None, d("4.00"), False,
         "time_stop", "MEDIUM"),
        ("5a1b0d2f-0010", DAL, dal, 2, "limit", d("0.4900"), None, d("4.00"), False,
         "time_stop", "MEDIUM"),
        ("5a1b0d2f-0011", DAL, dal, 3, "limit", d("0.4700"), None, d("4.00"), False,
         "time_stop", "MEDIUM"),
    ]  # fmt: skip
    # the DAL walk's hour: 2 of its 3 orders canceled (0.6667) vs 3 of the 7 orders of the 7
    # days before (0.4286): excess 0.2381 / 0.5 x 10 = 4.76; 8 known hours, none at 14 h: 10
    walk = {s[0]: s[1:] for s in scores}[at(2026, 11, 22, 14)]
    assert walk[:3] == (d("14.76"), "NORMAL", 0)
    assert walk[3]["cancel_rate"] == {"value": 0.6667, "baseline": 0.4286, "contribution": 4.76}
    assert walk[3]["unusual_hour"]["contribution"] == 10.0
    # no losing exit, no burst: the Kalshi account never leaves NORMAL
    assert {s[2] for s in scores} == {"NORMAL"}
    assert events == []
