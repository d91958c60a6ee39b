"""Positions, balances and funding bills (signed) against the verifying fake and a real
PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import psycopg
import pytest

from ingestion.okx.account import sync_balances, sync_funding, sync_positions
from tests.okx.conftest import CONFIG, ENV, NOW, UID
from tests.okx.fake_api import FakeOkx


def ms(at: datetime) -> str:
    return str(int(at.timestamp() * 1000))


def position(**over) -> dict:
    base = {
        "instType": "SWAP", "instId": "ETH-USDT-SWAP", "mgnMode": "cross", "posId": "1234567890123",
        "posSide": "long", "pos": "10", "posCcy": "", "ccy": "USDT", "avgPx": "3000",
        "markPx": "3050", "upl": "50", "uplRatio": "0.1667", "lever": "3", "liqPx": "2100.5",
        "imr": "101.6667", "margin": "", "mmr": "4", "notionalUsd": "3050", "realizedPnl": "-1.2",
        "pnl": "0", "fee": "-0.9", "fundingFee": "-0.3", "liqPenalty": "0", "cTime": ms(NOW),
        "uTime": ms(NOW), "adl": "1", "availPos": "", "bePx": "3001", "last": "3049",
    }  # fmt: skip
    return {**base, **over}


@pytest.fixture
def account_ctx(sync_context, fake: FakeOkx, monkeypatch):
    clock = [NOW]

    def make():
        ctx = sync_context(CONFIG, env=ENV, now=lambda: clock[0])
        transport = fake.transport()
        monkeypatch.setattr(ctx, "transport", lambda source: transport)
        return ctx

    make.clock = clock
    return make


def positions(db_url: str) -> list[tuple]:
    with psycopg.connect(db_url) as conn:
        return conn.execute(
            "select account, inst_id, pos_side, pos, mark_px, venue_updated_at "
            "from ledger.okx_position_observations order by observed_at, inst_id"
        ).fetchall()


def test_a_changed_position_under_the_same_utime_is_a_new_version(account_ctx, fake, db_url):
    fake.positions = [position()]
    make = account_ctx
    assert sync_positions(make()).inserted == 1
    make.clock[0] = NOW + timedelta(minutes=5)
    assert sync_positions(make()).inserted == 0  # unchanged: nothing
    fake.positions = [position(pos="12")]  # uTime not moved by the venue
    make.clock[0] = NOW + timedelta(minutes=10)
    assert sync_positions(make()).inserted == 1
    rows = positions(db_url)
    assert [(r[3], r[5]) for r in rows] == [(Decimal("10"), NOW), (Decimal("12"), NOW)]
    assert rows[0][0] == UID


def test_a_position_no_longer_listed_is_closed(account_ctx, fake, db_url):
    fake.positions = [position()]
    make = account_ctx
    sync_positions(make())
    fake.positions = []
    make.clock[0] = NOW + timedelta(minutes=5)
    assert sync_positions(make()).inserted == 1
    rows = positions(db_url)
    assert rows[-1][1:5] == ("ETH-USDT-SWAP", "long", Decimal("0"), None)
    make.clock[0] = NOW + timedelta(minutes=10)
    assert sync_positions(make()).inserted == 0


def test_unreadable_position_quarantined_and_nothing_closed(account_ctx, fake, db_url):
    fake.positions = [position(), position(instId="BTC-USDT-SWAP", pos="abc")]
    result = account_ctx()
    assert (sync_positions(result).inserted, len(positions(db_url))) == (1, 1)
    with psycopg.connect(db_url) as conn:
        (reason,) = conn.execute(
            "select reason from ops.quarantine where stream = 'positions'"
        ).fetchone()
    assert "abc" in reason


def test_balances_one_row_per_currency(account_ctx, fake, db_url):
    fake.balance = {
        "uTime": ms(NOW), "totalEq": "15234.5", "adjEq": "", "imr": "", "upl": "",
        "details": [
            {"ccy": "USDT", "eq": "5050.5", "cashBal": "5000.5", "eqUsd": "5051.01", "upl": "50",
             "availBal": "4800", "frozenBal": "200.5", "uTime": ms(NOW), "disEq": "5050"},
            {"ccy": "BTC", "eq": "0.1", "cashBal": "0.1", "eqUsd": "10183.49", "upl": "",
             "availBal": "0.1", "frozenBal": "0", "uTime": ms(NOW)},
        ],
    }  # fmt: skip
    assert sync_balances(account_ctx()).inserted == 2
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select currency, cash_bal, eq_usd, upl, total_eq "
            "from ledger.okx_balance_observations order by currency"
        ).fetchall()
    assert rows == [
        ("BTC", Decimal("0.1"), Decimal("10183.49"), None, Decimal("15234.5")),
        ("USDT", Decimal("5000.5"), Decimal("5051.01"), Decimal("50"), Decimal("15234.5")),
    ]


def bill(n: int, at: datetime, bal_chg: str, sub_type: str = "173", **over) -> dict:
    base = {
        "billId": str(9700000000000000000 + n), "instType": "SWAP", "instId": "ETH-USDT-SWAP",
        "ccy": "USDT", "type": "8", "subType": sub_type, "balChg": bal_chg, "pnl": bal_chg,
        "bal": "5000", "sz": "10", "px": "3050", "mgnMode": "cross", "ts": ms(at),
        "posBal": "0", "posBalChg": "0", "fee": "0", "ordId": "", "execType": "", "from": "",
        "to": "", "notes": "", "interest": "0", "tag": "", "fillTime": "", "tradeId": "",
        "clOrdId": "", "fillIdxPx": "", "fillMarkPx": "", "fillPxVol": "", "fillPxUsd": "",
        "fillMarkVol": "", "fillFwdPx": "", "earnAmt": "", "earnApr": "",
    }  # fmt: skip
    return {**base, **over}


def test_funding_sign_and_both_endpoints(account_ctx, fake, db_url):
    fake.bills = [
        bill(1, NOW - timedelta(days=20), "-1.25"),  # paid: archive only
        bill(2, NOW - timedelta(days=2), "0.4", sub_type="174"),  # received
        bill(3, NOW - timedelta(hours=8), "", pnl="-0.75"),  # balChg absent: pnl read
        bill(4, NOW - timedelta(hours=4), "-0.5", type="2"),  # a trade bill: not funding
    ]
    result = sync_funding(account_ctx())
    assert result.inserted == 3
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select bill_id, sub_type, amount, sz from ledger.okx_funding_bills order by paid_at"
        ).fetchall()
    assert rows == [
        ("9700000000000000001", "173", Decimal("1.25"), Decimal("10")),
        ("9700000000000000002", "174", Decimal("-0.4"), Decimal("10")),
        ("9700000000000000003", "173", Decimal("0.75"), Decimal("10")),
    ]
    paths = [r.url.path for r in fake.requests if "bills" in r.url.path]
    assert paths == ["/api/v5/account/bills-archive", "/api/v5/account/bills"]
    assert all(r.url.params.get("type") == "8" for r in fake.requests if "bills" in r.url.path)
    assert any("3 months" in n for n in result.notes)  # sync_start 2025-11-01 is out of reach
    again = sync_funding(account_ctx())
    assert again.inserted == 0
    assert [r.url.path for r in fake.requests if "bills" in r.url.path][2:] == [
        "/api/v5/account/bills"
    ]  # the cursor: only the last 7 days now
