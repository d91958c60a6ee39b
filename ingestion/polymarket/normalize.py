"""Wire models -> ledger rows. Pure functions: no I/O, easy to test over fixtures.

Dedupe key design (wallet events): the Data API has no activity id. A trade is visible through
both /trades and /activity (type TRADE), so its key must be built only from fields the two
endpoints share and report identically: wallet, kind, transaction hash, asset (token id) or
condition id, side, size, price and block timestamp, with numbers in canonical form (`1.50` and
`1.5` are the same). Non-trade rows (rewards, redeems...) may have empty market fields; their
key still has wallet, type, hash, amount and time, so they are kept and never merged.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from typing import Any

from ingestion.polymarket.models import (
    DataActivity,
    DataTrade,
    DataValue,
    GammaMarket,
    PricePoint,
)

ONE, ZERO = Decimal(1), Decimal(0)


def outcome_label(label: str | None) -> str | None:
    """CONTRACT §4 / col_outcome: `yes`/`no` for binary markets, else the label lowercased."""
    if label is None:
        return None
    return label.strip().lower()


def canonical(value: Decimal | None) -> str:
    """A number's canonical text for keys: 1.50 -> 1.5, 1E+1 -> 10."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", ""} else text


def _canon(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(canonical(value))


def _digest(*parts: Any) -> str:
    return hashlib.sha256("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()


def market_status(m: GammaMarket) -> tuple[str, str | None]:
    """(status, winning label). Settled only when closed AND the prices say exactly who won."""
    raw_resolution = (m.uma_resolution_status or "").lower()
    winners = [i for i, p in enumerate(m.outcome_prices) if p == ONE]
    losers = [i for i, p in enumerate(m.outcome_prices) if p == ZERO]
    decided = len(winners) == 1 and len(winners) + len(losers) == len(m.outcomes)
    if m.closed and decided and raw_resolution in {"", "resolved"}:
        return "settled", outcome_label(m.outcomes[winners[0]])
    if m.closed or m.archived:
        return "closed", None
    return "open", None


def status_raw(m: GammaMarket) -> str:
    flags = [f"active={m.active}", f"closed={m.closed}", f"archived={m.archived}"]
    if m.uma_resolution_status:
        flags.append(f"uma={m.uma_resolution_status}")
    return ",".join(flags)


def market_rows(m: GammaMarket, observed_at: datetime, event_slug: str | None) -> list[dict]:
    """One observation row per outcome. Mismatched arrays -> ValueError (market quarantined)."""
    n = len(m.outcomes)
    if n == 0 or len(m.clob_token_ids) != n:
        raise ValueError(f"outcomes ({n}) and clobTokenIds ({len(m.clob_token_ids)}) differ")
    if m.outcome_prices and len(m.outcome_prices) != n:
        raise ValueError(f"outcomes ({n}) and outcomePrices ({len(m.outcome_prices)}) differ")
    status, result = market_status(m)
    rows = []
    for i, label in enumerate(m.outcomes):
        price = m.outcome_prices[i] if m.outcome_prices else None
        bid, ask = m.best_bid, m.best_ask
        if i == 1 and n == 2:  # Gamma's book fields quote the first outcome; mirror for the second
            bid = ONE - m.best_ask if m.best_ask is not None else None
            ask = ONE - m.best_bid if m.best_bid is not None else None
        elif i > 1:
            bid = ask = None
        if status != "open":
            bid = ask = None
        rows.append(
            {
                "condition_id": m.condition_id.lower(),
                "outcome": outcome_label(label),
                "outcome_label": label,
                "outcome_index": i,
                "token_id": m.clob_token_ids[i],
                "gamma_market_id": m.id,
                "market_slug": m.slug,
                "event_slug": event_slug or (m.events[0].slug if m.events else None),
                "title": m.question,
                "status": status,
                "status_raw": status_raw(m),
                "price": price,
                "bid": bid,
                "ask": ask,
                "volume": m.volume_num if m.volume_num is not None else m.volume,
                "result": result,
                "settlement_value": price if status == "settled" else None,
                "start_time": m.start_date,
                "close_time": m.end_date,
                "observed_at": observed_at,
            }
        )
    return rows


def price_rows(
    points: list[PricePoint],
    condition_id: str,
    outcome: str,
    token_id: str,
    start: datetime,
    end: datetime,
) -> list[dict]:
    """Points inside [start, end) only: the window we asked for is the window we store."""
    return [
        {
            "condition_id": condition_id,
            "outcome": outcome,
            "token_id": token_id,
            "ts": p.t,
            "price": p.p,
        }
        for p in points
        if start <= p.t < end
    ]


def trade_key(
    wallet: str,
    tx_hash: str,
    asset: str | None,
    condition_id: str | None,
    side: str | None,
    size: Decimal | None,
    price: Decimal | None,
    at: datetime,
) -> str:
    return _digest(
        wallet.lower(),
        "TRADE",
        (tx_hash or "").lower(),
        asset or (condition_id or "").lower(),
        (side or "").upper(),
        canonical(size),
        canonical(price),
        int(at.timestamp()),
    )


def fill_row(t: DataTrade, account: str) -> dict:
    """An own trade from /trades (takerOnly=false, so maker fills are included)."""
    side = t.side.upper()
    if side not in {"BUY", "SELL"}:
        raise ValueError(f"side {t.side!r} is neither BUY nor SELL")
    key = trade_key(
        account, t.transaction_hash, t.asset, t.condition_id, side, t.size, t.price, t.timestamp
    )
    return {
        "account": account.lower(),
        "fill_id": f"{t.transaction_hash.lower()}:{key[:16]}",
        "tx_hash": t.transaction_hash.lower(),
        "condition_id": (t.condition_id or "").lower() or None,
        "token_id": t.asset,
        "outcome_label": t.outcome,
        "outcome_index": t.outcome_index,
        "side": side.lower(),
        "price": t.price,
        "size": t.size,
        "notional": t.size * t.price,
        "title": t.title,
        "event_slug": t.event_slug,
        "executed_at": t.timestamp,
    }


def activity_row(a: DataActivity, wallet: str, seen_via: str = "activity") -> dict:
    kind = a.type.upper()
    if kind == "TRADE":
        key = trade_key(
            wallet,
            a.transaction_hash or "",
            a.asset,
            a.condition_id,
            a.side,
            a.size,
            a.price,
            a.timestamp,
        )
    else:
        key = _digest(
            wallet.lower(),
            kind,
            (a.transaction_hash or "").lower(),
            a.asset or (a.condition_id or "").lower(),
            canonical(a.size),
            canonical(a.usdc_size),
            int(a.timestamp.timestamp()),
        )
    side = (a.side or "").upper() or None
    return {
        "wallet": wallet.lower(),
        "event_key": key,
        "activity_type": kind,
        "tx_hash": (a.transaction_hash or "").lower() or None,
        "condition_id": (a.condition_id or "").lower() or None,
        "asset": a.asset,
        "outcome_label": a.outcome,
        "outcome_index": a.outcome_index,
        "side": side if side in {"BUY", "SELL"} else None,
        # Canonical form: /trades says 1000 where /activity says 1000.0; one record either way.
        "size": _canon(a.size),
        "usdc_size": _canon(a.usdc_size),
        "price": _canon(a.price),
        "title": a.title,
        "event_slug": a.event_slug,
        "seen_via": seen_via,
        "occurred_at": a.timestamp,
    }


def trade_as_activity(t: DataTrade) -> DataActivity:
    """A /trades row in /activity's shape (type TRADE), so both share one key and one table."""
    return DataActivity.model_validate(
        {
            "proxyWallet": t.proxy_wallet,
            "timestamp": int(t.timestamp.timestamp()),
            "type": "TRADE",
            "conditionId": t.condition_id,
            "size": t.size,
            "usdcSize": None,
            "transactionHash": t.transaction_hash,
            "price": t.price,
            "asset": t.asset,
            "side": t.side,
            "outcomeIndex": t.outcome_index,
            "title": t.title,
            "slug": t.slug,
            "eventSlug": t.event_slug,
            "outcome": t.outcome,
        }
    )


def value_row(v: DataValue, wallet: str, observed_at: datetime) -> dict:
    """A tracked wallet's positions value at `observed_at` (our clock; /value carries no time).
    An answer about another address is refused rather than booked under this wallet."""
    wallet = wallet.lower()
    if v.user is not None and v.user != wallet:
        raise ValueError(f"/value answered for {v.user}, not for the wallet asked ({wallet})")
    return {"wallet": wallet, "positions_value": v.value, "observed_at": observed_at}
