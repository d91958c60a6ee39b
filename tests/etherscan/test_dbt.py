"""Real `dbt build` of the Etherscan models and core.wallet_events they feed."""

from __future__ import annotations

from decimal import Decimal

import psycopg

from ingestion.etherscan.sync import sync_token_transfers, sync_transactions
from tests.dbt_runner import dbt_build
from tests.etherscan.conftest import WHALE

SELECT = "+wallet_events"


def test_wallet_events_from_etherscan(es_ctx, db_url, tmp_path):
    ctx = es_ctx()
    sync_transactions(ctx), sync_token_transfers(ctx)
    done = dbt_build(db_url, tmp_path, SELECT)
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        events = conn.execute(
            "select source, event_type, asset, asset_symbol, direction, quantity, amount_usd, "
            "fee, fee_currency, succeeded from core.wallet_events "
            "where wallet = %s and source like 'evm:%%' order by occurred_at",
            (WHALE,),
        ).fetchall()
        ids = conn.execute(
            "select count(*), count(distinct event_id) from core.wallet_events "
            "where source like 'evm:%%'"
        ).fetchone()
    usdc1 = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"
    weth = "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2"
    assert events == [
        ("evm:1", "transfer", "native", "ETH", "in", Decimal("1.5"), None, 0, "ETH", True),
        ("evm:1", "token_transfer", weth, "WETH", "in", Decimal("2.5"), None, None, None, True),
        (
            "evm:137",
            "token_transfer",
            "0x3c499c542cef5e3811e1192ce70d8cc03d5c3359",
            "USDC",
            "in",
            Decimal("250.5"),
            Decimal("250.5"),
            None,
            None,
            True,
        ),
        (
            "evm:1",
            "transfer",
            "native",
            "ETH",
            "out",
            Decimal("0.25"),
            None,
            Decimal("0.0000315"),
            "ETH",
            True,
        ),
        (
            "evm:1",
            "token_transfer",
            usdc1,
            "USDC",
            "out",
            Decimal("1234.56"),
            Decimal("1234.56"),
            None,
            None,
            True,
        ),
        (
            "evm:1",
            "transfer",
            "native",
            "ETH",
            "out",
            0,
            None,
            Decimal("0.000090246"),
            "ETH",
            False,
        ),
        (
            "evm:137",
            "token_transfer",
            "0x2791bca1f2de4661ed88a30c99a7a9449aa84174",
            "USDC.e",
            "out",
            Decimal("100"),
            Decimal("100"),
            None,
            None,
            True,
        ),
    ]
    assert ids == (7, 7)
