"""Kalshi series and events: paging, normalisation, idempotence, quarantine, nested markets,
dbt (int_events__kalshi) and the Dagster assets, against the verifying fake and real PostgreSQL."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from pydantic import ValidationError

from ingestion.http.client import parse_json
from ingestion.http.replay import ReplayTransport
from ingestion.kalshi.events import sync_events, sync_series
from ingestion.kalshi.models import Event, Series
from ingestion.kalshi.normalize import event_row, series_row
from ingestion.kalshi.sync import sync_markets
from orchestration.defs.kalshi import assets, checks, schedules
from orchestration.lib.ingest import ledger_key
from tests.dbt_runner import dbt_build
from tests.kalshi.conftest import KALSHI_FIXTURES
from tests.kalshi.test_dagster import inserted, resource  # noqa: F401  (a fixture)

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)
EVENTS_P1 = "events_kxnflgame_p1.json"
SERIES_FIXTURE = "series_kxnflgame.json"


def body(name: str) -> dict:
    """A fixture's response body parsed as the HTTP layer parses it (exact Decimals)."""
    return parse_json((KALSHI_FIXTURES / name).read_text())["response"]["body"]


def count(db_url: str, table: str) -> int:
    with psycopg.connect(db_url) as conn:
        return conn.execute(f"select count(*) from ledger.{table}").fetchone()[0]


def test_events_page_to_the_end_marker(kalshi_ctx, fake):
    result = sync_events(kalshi_ctx())
    calls = [r for r in fake.requests if r.url.path == "/trade-api/v2/events"]
    assert [r.url.params.get("cursor") for r in calls] == [None, "CgwIqKuNyQYQ4K6xMBIBNA"]
    for r in calls:
        assert r.url.params["series_ticker"] == "KXNFLGAME"
        assert r.url.params["with_nested_markets"] == "true"
        assert r.url.params["limit"] == "200"  # documented maximum
    assert (result.pages, result.records, result.inserted) == (2, 4, 4)


def test_series_request_and_row(kalshi_ctx, fake, db_url):
    result = sync_series(kalshi_ctx())
    assert [r.url.path for r in fake.requests] == ["/trade-api/v2/series/KXNFLGAME"]
    assert (result.inserted, result.quarantined) == (1, 0)
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "select series_ticker, title, category, frequency, tags, fee_type, fee_multiplier, "
            "settlement_sources->0->>'name' from ledger.kalshi_series_observations"
        ).fetchone()
    assert row == (
        "KXNFLGAME", "Pro Football Game", "Sports", "custom", ["Football"], "quadratic",
        Decimal("1"), "ESPN",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (0, ("KXNFLGAME-25NOV23KCBUF", "Kansas City at Buffalo", "KC at BUF (Nov 23)",
             datetime(2025, 11, 23, 21, 30, tzinfo=UTC))),
        (1, ("KXNFLGAME-26NOV15KCDEN", "Kansas City at Denver", "KC at DEN (Nov 15)",
             datetime(2026, 11, 15, 23, 55, tzinfo=UTC))),
        (2, ("KXNFLGAME-26NOV22PHILAR", "Philadelphia at Los Angeles R", "PHI at LAR (Nov 22)",
             datetime(2026, 11, 22, 21, 35, tzinfo=UTC))),
        (3, ("KXNFLGAME-26NOV26KCDAL", "Kansas City at Dallas", "KC at DAL (Nov 26)",
             datetime(2026, 11, 26, 23, 55, tzinfo=UTC))),
    ],
)  # fmt: skip
def test_event_normalisation(index, expected):
    raw = body(EVENTS_P1)["events"][index]
    row = event_row(Event.model_validate(raw), NOW)
    assert (row["event_ticker"], row["title"], row["sub_title"], row["strike_date"]) == expected
    assert row["series_ticker"] == "KXNFLGAME"
    assert row["mutually_exclusive"] is True
    assert row["strike_period"] is None
    assert row["observed_at"] == NOW  # EventData has no update time: the fetch time
    assert json.loads(row["product_metadata"]) == {
        "competition": "Pro Football",
        "competition_scope": "Game",
    }
    assert "markets" not in row  # nested markets go to the market ledger, not here


def test_event_without_series_ticker_takes_the_ticker_prefix():
    row = event_row(Event.model_validate({"event_ticker": "KXNFLGAME-26NOV26KCDAL"}), NOW)
    assert row["series_ticker"] == "KXNFLGAME"
    assert row["product_metadata"] is None


def test_series_normalisation_is_exact():
    row = series_row(Series.model_validate(body(SERIES_FIXTURE)["series"]), NOW)
    assert row["fee_multiplier"] == Decimal("1")
    assert json.loads(row["tags"]) == ["Football"]
    half = Series.model_validate({"ticker": "X", "fee_multiplier": Decimal("0.5")})
    assert series_row(half, NOW)["fee_multiplier"] == Decimal("0.5")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"ticker": "X", "fee_multiplier": 0.5}, "must be a fixed-point string"),  # float
        ({"ticker": "X", "fee_multiplier": "lots"}, "not a fixed-point decimal"),
        ({"ticker": "X", "fee_multiplier": Decimal("-1")}, "fee_multiplier -1 is negative"),
        ({"title": "no ticker"}, "Field required"),
    ],
)
def test_bad_series_is_refused(raw, reason):
    with pytest.raises((ValidationError, ValueError), match=reason):
        series_row(Series.model_validate(raw), NOW)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"event_ticker": "E", "mutually_exclusive": "sometimes"}, "valid boolean"),
        ({"event_ticker": "E", "strike_date": "next thursday"}, "Invalid isoformat"),
        ({"event_ticker": "  "}, "event_ticker is empty"),
        ({"title": "no ticker"}, "Field required"),
    ],
)
def test_bad_event_is_refused(raw, reason):
    with pytest.raises((ValidationError, ValueError), match=reason):
        event_row(Event.model_validate(raw), NOW)


def test_second_sync_adds_nothing_and_nested_markets_add_no_versions(kalshi_ctx, db_url):
    sync_markets(kalshi_ctx())
    markets_before = count(db_url, "kalshi_market_observations")
    first = [sync_series(kalshi_ctx()), sync_events(kalshi_ctx())]
    assert [r.inserted for r in first] == [1, 4]
    # the nested markets are the markets fixtures' own records: no new market version
    assert count(db_url, "kalshi_market_observations") == markets_before == 8
    assert "7 seen, 0 new versions" in first[1].notes[0]
    again = [sync_series(kalshi_ctx()), sync_events(kalshi_ctx())]
    assert [r.inserted for r in again] == [0, 0]
    assert count(db_url, "kalshi_series_observations") == 1
    assert count(db_url, "kalshi_event_observations") == 4


def test_events_alone_keep_markets_current(kalshi_ctx, db_url):
    result = sync_events(kalshi_ctx())
    # 7 nested markets: 6 load, the 1.25-priced TIE is quarantined under the markets stream
    assert "7 seen, 6 new versions" in result.notes[0] and "1 quarantined" in result.notes[0]
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select ticker, status from ledger.kalshi_market_observations order by ticker"
        ).fetchall()
        quarantined = conn.execute(
            "select stream, reason from ops.quarantine where source = 'kalshi'"
        ).fetchall()
    assert rows == [
        ("KXNFLGAME-26NOV15KCDEN-DEN", "settled"),
        ("KXNFLGAME-26NOV15KCDEN-KC", "settled"),
        ("KXNFLGAME-26NOV22PHILAR-LAR", "closed"),
        ("KXNFLGAME-26NOV22PHILAR-PHI", "closed"),
        ("KXNFLGAME-26NOV26KCDAL-DAL", "open"),
        ("KXNFLGAME-26NOV26KCDAL-KC", "open"),
    ]
    assert quarantined == [
        ("markets", "ValueError: yes_bid_dollars 1.2500 is outside [0, 1] dollars")
    ]


@pytest.fixture
def broken_fixtures(tmp_path) -> Path:
    """The Kalshi fixtures with two bad events, one event sent without `markets` (a response
    that ignored with_nested_markets), and a series with a negative fee multiplier."""
    root = tmp_path / "kalshi"
    shutil.copytree(KALSHI_FIXTURES, root)
    events = json.loads((root / EVENTS_P1).read_text())
    listed = events["response"]["body"]["events"]
    listed[0]["mutually_exclusive"] = "sometimes"
    listed[1]["strike_date"] = "next thursday"
    del listed[3]["markets"]
    (root / EVENTS_P1).write_text(json.dumps(events))
    series = json.loads((root / SERIES_FIXTURE).read_text())
    series["response"]["body"]["series"]["fee_multiplier"] = -1
    (root / SERIES_FIXTURE).write_text(json.dumps(series))
    return root


def test_quarantine_keeps_reason_and_page_mates_load(kalshi_ctx, db_url, broken_fixtures):
    transport = ReplayTransport.from_dir(broken_fixtures)
    events = sync_events(kalshi_ctx(transport=transport))
    series = sync_series(kalshi_ctx(transport=transport))
    assert (events.inserted, events.quarantined) == (2, 2)
    assert (series.inserted, series.quarantined) == (0, 1)
    with psycopg.connect(db_url) as conn:
        loaded = conn.execute(
            "select event_ticker from ledger.kalshi_event_observations order by 1"
        ).fetchall()
        reasons = conn.execute(
            "select stream, coalesce(payload->>'event_ticker', payload->'series'->>'ticker'), "
            "reason, page_id is not null from ops.quarantine "
            "where stream in ('events', 'series') order by 1, 2"
        ).fetchall()
        nested = conn.execute(
            "select count(*) from ledger.kalshi_market_observations "
            "where event_ticker = 'KXNFLGAME-26NOV22PHILAR'"
        ).fetchone()[0]
    assert loaded == [("KXNFLGAME-26NOV22PHILAR",), ("KXNFLGAME-26NOV26KCDAL",)]
    assert reasons[0][:2] == ("events", "KXNFLGAME-25NOV23KCBUF")
    assert "mutually_exclusive: Input should be a valid boolean" in reasons[0][2]
    assert reasons[1][:2] == ("events", "KXNFLGAME-26NOV15KCDEN")
    assert "strike_date: Value error, Invalid isoformat string" in reasons[1][2]
    assert reasons[2] == ("series", "KXNFLGAME", "ValueError: fee_multiplier -1 is negative", True)
    assert all(r[3] for r in reasons)
    assert nested == 2  # a bad event's siblings and their nested markets still load


def test_int_events__kalshi_joins_the_series(kalshi_ctx, db_url, tmp_path):
    sync_series(kalshi_ctx())
    sync_events(kalshi_ctx())
    done = dbt_build(db_url, tmp_path, "+int_events__kalshi")
    assert done.returncode == 0, done.stdout[-4000:]
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select event_ticker, series_title, category, fee_type, fee_multiplier "
            "from intermediate.int_events__kalshi order by event_ticker"
        ).fetchall()
    assert [r[0] for r in rows] == [
        "KXNFLGAME-25NOV23KCBUF",
        "KXNFLGAME-26NOV15KCDEN",
        "KXNFLGAME-26NOV22PHILAR",
        "KXNFLGAME-26NOV26KCDAL",
    ]
    assert {r[1:] for r in rows} == {("Pro Football Game", "Sports", "quadratic", Decimal("1"))}


def test_dagster_materializes_series_and_events(resource):  # noqa: F811
    result = dg.materialize(
        [assets.kalshi_series, assets.kalshi_events, *checks.reference_checks],
        resources={"tradelake": resource},
    )
    assert result.success
    assert inserted(result) == {"kalshi_series_observations": 1, "kalshi_event_observations": 4}
    evaluations = {
        (e.asset_key.path[-1], e.check_name): e.passed for e in result.get_asset_check_evaluations()
    }
    assert evaluations == {
        ("kalshi_series_observations", "no_conflicting_redelivery"): True,
        ("kalshi_series_observations", "quarantine_empty"): True,
        ("kalshi_series_observations", "source_ok"): True,
        ("kalshi_series_observations", "chain_intact"): True,
        ("kalshi_series_observations", "schema_drift"): True,
        ("kalshi_series_observations", "expectations"): True,
        ("kalshi_event_observations", "no_conflicting_redelivery"): True,
        ("kalshi_event_observations", "quarantine_empty"): True,
        ("kalshi_event_observations", "source_ok"): True,
        ("kalshi_event_observations", "chain_intact"): True,
        ("kalshi_event_observations", "schema_drift"): True,
        ("kalshi_event_observations", "expectations"): True,
    }
    assert {a.group_names_by_key[a.key] for a in (assets.kalshi_series, assets.kalshi_events)} == {
        "kalshi"
    }
    schedule = schedules.kalshi_events_quarter_hourly
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    job = dg.Definitions(
        assets=[assets.kalshi_series, assets.kalshi_events, assets.kalshi_markets],
        schedules=[schedule],
        resources={"tradelake": resource},
    ).resolve_job_def(schedule.job_name)
    assert job.asset_layer.selected_asset_keys == {
        ledger_key(assets.SERIES),
        ledger_key(assets.EVENTS),
    }
