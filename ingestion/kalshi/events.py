"""Kalshi reference streams: series (GET /series/{ticker}) and events (GET /events with nested
markets), both for every series in `markets.kalshi.series`.

Both are observation ledgers: a full refresh each run, a row appended only when an entity's
content changed. The events' nested markets go through the same `market_row` normaliser into
ledger.kalshi_market_observations, so an events run also keeps markets current; an unchanged
market (same updated_time, same content) is a no-op there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

from ingestion.errors import SourceSkipped
from ingestion.http.client import Page
from ingestion.kalshi import SOURCE
from ingestion.kalshi import tables as t
from ingestion.kalshi.models import Event, Market, Series
from ingestion.kalshi.normalize import event_row, market_row, series_row
from ingestion.kalshi.sync import client
from ingestion.loader import LoadResult, load
from ingestion.quarantine import partition
from ingestion.sync import SyncContext, SyncResult


def _configured_series(ctx: SyncContext) -> list[str]:
    series = ctx.settings.config.markets.kalshi.series
    if not series:
        raise SourceSkipped("markets.kalshi.series is empty in tradelake.yaml")
    return list(series)


def sync_series(ctx: SyncContext) -> SyncResult:
    tickers = _configured_series(ctx)
    result = SyncResult(SOURCE, "series")
    observed_at = ctx.now()

    def parse(payload: Any) -> dict:
        # KeyError/TypeError when the envelope lacks "series": quarantined with the whole page
        return series_row(Series.model_validate(payload["series"]), observed_at)

    c = client(ctx)
    try:
        with ctx.connect() as conn:
            for ticker in tickers:
                page = c.series(ticker)
                rows, bad = partition(
                    [page.payload], parse, source=SOURCE, stream="series", page_id=page.page_id
                )
                result.add(load(conn, t.SERIES, rows, page_id=page.page_id, rejects=bad))
    finally:
        c.close()
    return result


def sync_events(ctx: SyncContext) -> SyncResult:
    tickers = _configured_series(ctx)
    result = SyncResult(SOURCE, "events")
    markets = LoadResult()  # nested markets: reported in the notes, counted by their own ledger
    observed_at = ctx.now()
    c = client(ctx)
    try:
        with ctx.connect() as conn:
            for ticker in tickers:
                for page in c.events(ticker):
                    result.add(_load_events(conn, page, observed_at))
                    markets.merge(_load_nested_markets(conn, page, observed_at))
    finally:
        c.close()
    result.notes.append(
        f"nested markets: {markets.rows + markets.quarantined} seen, {markets.inserted} new "
        f"versions in ledger.kalshi_market_observations, {markets.quarantined} quarantined"
    )
    return result


def _events_of(page: Page) -> list[Any]:
    return (page.payload or {}).get("events") or []


def _load_events(conn: psycopg.Connection, page: Page, observed_at: datetime) -> LoadResult:
    def parse(raw: Any) -> dict:
        return event_row(Event.model_validate(raw), observed_at)

    rows, bad = partition(
        _events_of(page), parse, source=SOURCE, stream="events", page_id=page.page_id
    )
    return load(conn, t.EVENTS, rows, page_id=page.page_id, rejects=bad)


def _load_nested_markets(conn: psycopg.Connection, page: Page, observed_at: datetime) -> LoadResult:
    """Each nested market on its own: a bad one is quarantined under the markets stream (the
    same payload from GET /markets lands on the same quarantine row), its siblings load."""
    nested = [
        market
        for event in _events_of(page)
        if isinstance(event, dict) and isinstance(event.get("markets"), list)
        for market in event["markets"]
    ]

    def parse(raw: Any) -> dict:
        return market_row(Market.model_validate(raw), observed_at)

    rows, bad = partition(nested, parse, source=SOURCE, stream="markets", page_id=page.page_id)
    return load(conn, t.MARKETS, rows, page_id=page.page_id, rejects=bad)
