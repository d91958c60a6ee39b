"""A state change is a new version even when the venue's own "updated" timestamp did not move.

Kalshi does not always move `updated_time` when a market settles. Versions were keyed on it, so
the settled state collided with the stored open one and was dropped: `ops.sync_runs` said
inserted 0, conflicts 0, and `core.markets` showed the market open forever (issue 20, part 1).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import psycopg

from ingestion.kalshi.sync import sync_markets
from ingestion.kalshi.tables import MARKETS
from ingestion.loader import load
from ingestion.sync import run_stream
from tests.dbt_runner import dbt_build

TICKER = "KXNFLGAME-26NOV26KCDAL-KC"
VENUE_UPDATED = datetime(2026, 11, 22, 23, 58, tzinfo=UTC)  # page 3's updated_time
FIRST_SYNC = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
SECOND_SYNC = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)


class SettledWithoutNewTimestamp(httpx.BaseTransport):
    """The recorded markets, with KC@DAL settled YES but `updated_time` left as it was."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path != "/trade-api/v2/markets" or response.status_code != 200:
            return response
        body = json.loads(response.read())
        for market in body.get("markets") or []:
            if market["ticker"] == TICKER:
                assert market["updated_time"] == "2026-11-22T23:58:00Z"
                market.update(
                    status="finalized",
                    result="yes",
                    settlement_value_dollars="1.0000",
                    settlement_ts="2026-11-27T04:10:00Z",
                )
        return httpx.Response(200, json=body, request=request)


def _clock(at: datetime):
    return lambda: at


def test_settlement_with_unchanged_venue_timestamp_is_a_new_version(
    kalshi_ctx, fake, db_url, tmp_path
):
    ctx = kalshi_ctx()
    ctx.now = _clock(FIRST_SYNC)
    first = run_stream(ctx, "kalshi", "markets", sync_markets)
    ctx = kalshi_ctx(transport=SettledWithoutNewTimestamp(fake))
    ctx.now = _clock(SECOND_SYNC)
    second = run_stream(ctx, "kalshi", "markets", sync_markets)

    assert first.inserted == 8
    assert (second.inserted, second.conflicts) == (1, 0)
    with psycopg.connect(db_url) as conn:
        versions = conn.execute(
            "select status, status_raw, result, settlement_value, venue_updated_at, observed_at "
            "from ledger.kalshi_market_observations where ticker = %s order by observed_at",
            (TICKER,),
        ).fetchall()
        runs = conn.execute(
            "select status, inserted, conflicts from ops.sync_runs "
            "where stream = 'markets' order by sync_run_id"
        ).fetchall()
    assert [v[:4] for v in versions] == [
        ("open", "active", None, None),
        ("settled", "finalized", "yes", Decimal("1.0000")),
    ]
    assert [v[4] for v in versions] == [VENUE_UPDATED, VENUE_UPDATED]
    assert versions[1][5] == SECOND_SYNC  # our clock, not the venue's
    assert runs == [("succeeded", 8, 0), ("succeeded", 1, 0)]

    done = dbt_build(db_url, tmp_path, "+markets +market_history +int_market_resolutions")
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        market = conn.execute(
            "select status, result, settlement_value from core.markets "
            "where market_id = %s and outcome = 'yes'",
            (TICKER,),
        ).fetchone()
        history = conn.execute(
            "select status, valid_from, valid_to from core.market_history "
            "where market_id = %s and outcome = 'yes' order by valid_from",
            (TICKER,),
        ).fetchall()
        resolution = conn.execute(
            "select outcome, result, settlement_value from intermediate.int_market_resolutions "
            "where market_id = %s order by outcome",
            (TICKER,),
        ).fetchall()
    assert market == ("settled", "yes", Decimal("1.0000"))
    assert [h[0] for h in history] == ["open", "settled"]
    assert history[1][1] == SECOND_SYNC and history[0][2] == SECOND_SYNC
    assert resolution == [
        ("no", "yes", Decimal("0.0000")),
        ("yes", "yes", Decimal("1.0000")),
    ]


def _market(status: str, observed_at: datetime) -> dict:
    return {
        "ticker": TICKER,
        "status": status,
        "status_raw": status,
        "venue_updated_at": VENUE_UPDATED,
        "observed_at": observed_at,
    }


def test_a_changed_state_under_a_stored_key_is_a_conflict_not_lost(conn):
    at = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    assert load(conn, MARKETS, [_market("open", at)]).inserted == 1
    again = load(conn, MARKETS, [_market("open", at)])
    changed = load(conn, MARKETS, [_market("settled", at)])
    # two states of one market at one observation time in one batch: one kept, one recorded
    later = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    batch = load(conn, MARKETS, [_market("closed", later), _market("settled", later)])

    assert (again.inserted, again.duplicates, again.conflicts) == (0, 1, 0)
    assert (changed.inserted, changed.conflicts) == (0, 1)
    assert (batch.inserted, batch.conflicts) == (1, 1)
    recorded = conn.execute(
        "select natural_key ->> 'observed_at', incoming_record ->> 'status' "
        "from ops.ledger_conflicts where table_name = 'ledger.kalshi_market_observations' "
        "order by conflict_id"
    ).fetchall()
    assert len(recorded) == 2
    assert recorded[0][1] == "settled"
    assert {recorded[1][1]} <= {"closed", "settled"}


def test_only_the_venue_timestamp_moving_is_not_a_new_version(conn):
    at = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    later = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    moved = _market("open", later) | {"venue_updated_at": later}
    assert load(conn, MARKETS, [_market("open", at)]).inserted == 1
    assert load(conn, MARKETS, [moved]).inserted == 0
    assert load(conn, MARKETS, [_market("settled", later)]).inserted == 1
