"""Both streams end to end on the recorded fixtures (the demo's data), real PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

from ingestion.cursors import get_cursor
from ingestion.hyperliquid.sync import sync_fills, sync_wallet_fills
from tests.hyperliquid.conftest import OWN, WHALE


def test_first_sync_loads_own_and_tracked_fills(hl_ctx):
    ctx = hl_ctx()
    own, whale = sync_fills(ctx), sync_wallet_fills(ctx)
    assert (own.inserted, own.quarantined, own.conflicts, own.pages) == (12, 0, 0, 2)
    # 2000 (a full page, so paging went on) + 8 of which 3 share page 1's newest millisecond
    assert (whale.inserted, whale.duplicates, whale.conflicts, whale.pages) == (2005, 3, 0, 3)
    assert whale.notes == []  # 2005 fills: far from the 10000 history limit
    with ctx.connect() as conn:
        assert get_cursor(conn, "hyperliquid", "fills", OWN) == "1795338900000"
        assert get_cursor(conn, "hyperliquid", "wallet_fills", WHALE) == "1795364400000"


def test_second_sync_adds_nothing(hl_ctx):
    ctx = hl_ctx()
    sync_fills(ctx), sync_wallet_fills(ctx)
    again = [sync_fills(ctx), sync_wallet_fills(ctx)]
    assert [(r.inserted, r.duplicates, r.conflicts) for r in again] == [(0, 0, 0), (0, 0, 0)]
    assert [r.pages for r in again] == [2, 2]  # spotMeta + one empty page after the cursor


def test_own_fills_are_booked_exactly(hl_ctx):
    ctx = hl_ctx()
    sync_fills(ctx)
    with ctx.connect() as conn:
        rows = conn.execute(
            "select tid, coin, symbol, market_type, side, price, size, dir, closed_pnl, fee, "
            "fee_token, builder_fee, is_taker, is_liquidation, tx_hash, cloid, twap_id "
            "from ledger.hyperliquid_fills where account = %s order by executed_at",
            (OWN,),
        ).fetchall()
    assert len(rows) == 12  # the liquidation is followed by a revenge burst of three
    by_dir = {r[7]: r for r in rows}
    flip = by_dir["Long > Short"]
    assert (flip[1], flip[4], flip[8]) == ("BTC", "sell", Decimal("91.14"))
    rebate = rows[1]
    assert (rebate[4], rebate[9], rebate[12]) == ("sell", Decimal("-0.093612"), False)
    builder = rows[3]
    assert (builder[9], builder[11]) == (Decimal("2.516332"), Decimal("0.457515"))
    spot = rows[4]
    assert spot[1:5] == ("@107", "HYPE/USDC", "spot", "buy") and spot[10] == "HYPE"
    purr = rows[5]
    assert purr[1:4] == ("PURR/USDC", "PURR/USDC", "spot")
    liquidation = rows[6]
    assert liquidation[13] is True and liquidation[8] == Decimal("-628.2")
    assert [r[13] for r in rows].count(True) == 1
    assert [r[7] for r in rows[7:10]] == ["Open Long", "Open Long", "Close Long"]
    assert rows[9][8] == Decimal("-172.8")
    assert rows[10][15] == "0x00000000000000000000000000000abc"
    assert rows[11][16] == "4471" and rows[11][14] == "0x" + "0" * 64
    assert all(int(r[0]) > 2**53 for r in rows)


def test_tracked_wallet_fills_keep_exact_ids_and_spot_symbols(hl_ctx):
    ctx = hl_ctx()
    sync_wallet_fills(ctx)
    with ctx.connect() as conn:
        symbols = dict(
            conn.execute(
                "select symbol, count(*) from ledger.hyperliquid_wallet_fills "
                "where wallet = %s group by symbol",
                (WHALE,),
            ).fetchall()
        )
        liq = conn.execute(
            "select dir, liquidation_method, liquidated_user, liquidation_mark_px "
            "from ledger.hyperliquid_wallet_fills where is_liquidation"
        ).fetchall()
        max_tid = conn.execute(
            "select max(tid::numeric)::text from ledger.hyperliquid_wallet_fills"
        ).fetchone()[0]
    assert symbols == {"ETH": 1001, "BTC": 1002, "HYPE/USDC": 2}
    assert liq == [("Close Long", "market", WHALE, Decimal("3301.0"))]
    assert max_tid == "9007199999999005"
