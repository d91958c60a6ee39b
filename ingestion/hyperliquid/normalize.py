"""Wire fills -> ledger rows. Pure functions: no I/O, easy to test over fixtures.

Conventions (CONTRACT §4), and why:
- side: `B` (bid) is a buy, `A` (ask) a sell, from the account's point of view. A perp close of a
  short is a buy; `dir` ("Open Long", "Close Short", "Long > Short", "Liquidated ...") is kept raw.
- fee: Hyperliquid's `fee` is signed like ours (negative = maker rebate) and already INCLUDES the
  builder fee (`builderFee`: "amount paid to builder, also included in fee", WsFill type on the
  websocket subscriptions page). So the total fee is `fee` as sent; `builderFee` is kept beside
  it for analysis and never added a second time.
- realised PnL: `closedPnl`, gross of fees (the venue reports fees separately).
- coin: perps use the coin name (`BTC`, or `dex:COIN` for builder-deployed perps); spot uses
  `@{pair index}` (or `PURR/USDC`). The raw coin is the market id; the readable symbol comes from
  spotMeta and falls back to the raw coin when the pair is unknown (never a rejection).
"""

from __future__ import annotations

from datetime import datetime

from ingestion.hyperliquid.models import ClearinghouseState, Fill

SIDES = {"B": "buy", "A": "sell"}


def market_type(coin: str) -> str:
    return "spot" if coin.startswith("@") or "/" in coin else "perp"


def readable_symbol(coin: str, spot_symbols: dict[str, str]) -> str:
    if market_type(coin) == "spot":
        return spot_symbols.get(coin, coin)
    return coin


def fill_row(fill: Fill, address: str, spot_symbols: dict[str, str], *, column: str) -> dict:
    """A ledger row for `address` (stored under `column`: `account` or `wallet`)."""
    liq = fill.liquidation
    return {
        column: address.lower(),
        "tid": fill.tid,
        "oid": fill.oid,
        "cloid": fill.cloid,
        "tx_hash": fill.hash.lower() if fill.hash else None,
        "coin": fill.coin,
        "symbol": readable_symbol(fill.coin, spot_symbols),
        "market_type": market_type(fill.coin),
        "side": SIDES[fill.side],
        "side_raw": fill.side,
        "price": fill.px,
        "size": fill.sz,
        "start_position": fill.start_position,
        "dir": fill.dir,
        "closed_pnl": fill.closed_pnl,
        "fee": fill.fee,
        "fee_token": fill.fee_token,
        "builder_fee": fill.builder_fee,
        "is_taker": fill.crossed,
        "twap_id": fill.twap_id,
        "is_liquidation": liq is not None,
        "liquidation_method": liq.method if liq else None,
        "liquidation_mark_px": liq.mark_px if liq else None,
        "liquidated_user": liq.liquidated_user.lower() if liq and liq.liquidated_user else None,
        "executed_at": fill.time,
    }


def equity_row(state: ClearinghouseState, wallet: str, observed_at: datetime) -> dict:
    """A tracked wallet's perp account summary at `observed_at` (our clock); the venue's own
    `time` is kept beside it, never used as the key."""
    summary = state.margin_summary
    return {
        "wallet": wallet.lower(),
        "account_value": summary.account_value,
        "total_ntl_pos": summary.total_ntl_pos,
        "total_margin_used": summary.total_margin_used,
        "withdrawable": state.withdrawable,
        "venue_time": state.time,
        "observed_at": observed_at,
    }
