"""market_game_links, edges, reports and the PnL chart on the demo data, checked by hand.

The demo fixtures are synced into a fresh database with the demo config and reference data
(the same helpers as the performance marts' tests), plus one live ESPN poll the scoreboard
fixtures cannot hold: KC@BUF at halftime, BUF 13 KC 10, observed 2025-11-23 19:35 UTC. Then a
real `dbt build` of the marts below, a real Dagster materialization of `reports/pnl_chart`, and
the real `tradelake report` command.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from typer.testing import CliRunner

from ingestion.espn.tables import GAMES
from ingestion.loader import load
from tests.analytics.performance_data import database_copy, dbt, demo_database
from tradelake_cli.main import app

pytestmark = pytest.mark.slow

SELECT = "+market_game_links +int_unmatched_markets +edges +reports +daily_performance"
SCORES_AS_OF = '{"scores_as_of": "2026-11-23T00:00:00Z"}'
KC_BUF = "401772810"
WHALE = "0x56687bf447db6ffa42ffe2204a05edaa20f55839"
BILLS_CHIEFS = "0x9788c4a01222ea5e9c721674ec726fedab2c55cd22eff675c0c5bc7660baacc1"
TOTAL_47_5 = "0x6762d6178ab4719bf1f3e1e50e3fca0b342b81c23779382c491e3d2a15bab60b"
HALFTIME = {
    "league": "nfl",
    "game_id": KC_BUF,
    "start_time": datetime(2025, 11, 23, 18, 0, tzinfo=UTC),
    "home_team": "BUF",
    "away_team": "KC",
    "home_name": "Buffalo Bills",
    "away_name": "Kansas City Chiefs",
    "home_score": 13,
    "away_score": 10,
    "period": 2,
    "clock": "0:00",
    "status": "halftime",
    "status_raw": "STATUS_HALFTIME",
    "status_state": "in",
    "status_detail": "Halftime",
    "completed": False,
    "winner": None,
    "observed_at": datetime(2025, 11, 23, 19, 35, tzinfo=UTC),
}


def db_name() -> str:
    return f"tl_links_{os.getpid()}"


def build(url: str, tmp: Path, *extra: str, vars_: str = SCORES_AS_OF) -> None:
    done = dbt(
        url,
        tmp,
        "build",
        "--select",
        *SELECT.split(),
        "--indirect-selection",
        "cautious",
        *extra,
        vars_=vars_,
    )
    assert done.returncode == 0, done.stdout[-6000:]


@pytest.fixture(scope="module")
def demo_db(
    pg_admin_url: str, template_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    name = db_name()
    tmp = tmp_path_factory.mktemp("links")
    url = demo_database(pg_admin_url, template_db, name, tmp)
    with psycopg.connect(url) as conn:
        assert load(conn, GAMES, [HALFTIME]).inserted == 1
    build(url, tmp)
    yield url, tmp
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def rows(url: str, query: str, *params) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def test_kc_buf_kalshi_markets_and_polymarket_outcomes_link_to_the_espn_game(demo_db) -> None:
    url, _ = demo_db
    links = rows(
        url,
        "select venue, market_id, outcome, league, game_id, team, proposition, date_offset_days "
        "from marts.market_game_links where event_id in "
        "('KXNFLGAME-25NOV23KCBUF', 'nfl-kc-buf-2025-11-23') order by venue, market_id, outcome",
    )
    game = ("nfl", KC_BUF)
    assert links == [
        ("kalshi", "KXNFLGAME-25NOV23KCBUF-BUF", "no", *game, "BUF", "team_does_not_win", 0),
        ("kalshi", "KXNFLGAME-25NOV23KCBUF-BUF", "yes", *game, "BUF", "team_wins", 0),
        ("kalshi", "KXNFLGAME-25NOV23KCBUF-KC", "no", *game, "KC", "team_does_not_win", 0),
        ("kalshi", "KXNFLGAME-25NOV23KCBUF-KC", "yes", *game, "KC", "team_wins", 0),
        # the O/U 47.5 market of the same event: linked to the game, about no team
        ("polymarket", TOTAL_47_5, "over", *game, None, "other", 0),
        ("polymarket", TOTAL_47_5, "under", *game, None, "other", 0),
        ("polymarket", BILLS_CHIEFS, "bills", *game, "BUF", "team_wins", 0),
        ("polymarket", BILLS_CHIEFS, "chiefs", *game, "KC", "team_wins", 0),
    ]
    # PHILAR: the Rams' ESPN abbreviation LAR works as an alias of Kalshi's code LA.
    rams = rows(
        url,
        "select game_id, team from marts.market_game_links "
        "where market_id = 'KXNFLGAME-26NOV22PHILAR-LAR' and outcome = 'yes'",
    )
    assert rams == [("401773050", "LAR")]
    assert rows(url, "select count(*) from intermediate.int_unmatched_markets") == [(0,)]


def edge(url: str, market_id: str, outcome: str, at: str) -> dict[str, tuple]:
    found = rows(
        url,
        "select model_name, model_version, probability, market_price, edge, "
        "game_state_descriptor, value_bucket from marts.edges "
        "where market_id = %s and outcome = %s and observed_at = %s::timestamptz",
        market_id,
        outcome,
        at,
    )
    return {f"{r[0]} {r[1]}": tuple(r[2:]) for r in found}


def test_edges_recomputed_by_hand(demo_db) -> None:
    url, _ = demo_db
    # Bills at 2025-11-23 12:00 UTC: clob_prices_history_bills.json t=1763899200, p=0.61.
    # demo/ref/model_probabilities.csv, elo_nfl v3 for bills: 0.60 (11-17) then 0.66 (11-21
    # 12:00); the latest at or before the observation is 0.66 -> edge 0.66 - 0.61 = +0.05.
    # No ESPN state before kickoff (18:00) -> pregame, level: the home team (BUF) gets
    # probability_matrices nfl/pregame/2025 pregame,0 = 0.57 -> edge 0.57 - 0.61 = -0.04.
    assert edge(url, BILLS_CHIEFS, "bills", "2025-11-23T12:00:00Z") == {
        "elo_nfl v3": (Decimal("0.6600"), Decimal("0.61"), Decimal("0.0500"), None, None),
        "matrix:nfl/pregame 2025": (
            Decimal("0.5700"), Decimal("0.61"), Decimal("-0.0400"), "pregame", "0",
        ),
    }  # fmt: skip
    # 20:00 UTC: bills p=0.83, chiefs p=0.17. The state valid then is the 19:35 halftime poll,
    # BUF 13 KC 10: leader BUF by 3 -> nfl/halftime/2025 halftime,1-3 = 0.67, which
    # probability_models names nfl_halftime_matrix v1 (its config points at that matrix).
    # Bills: 0.67 - 0.83 = -0.16; Chiefs trail: (1 - 0.67) - 0.17 = +0.16.
    assert edge(url, BILLS_CHIEFS, "bills", "2025-11-23T20:00:00Z")["nfl_halftime_matrix v1"] == (
        Decimal("0.6700"), Decimal("0.83"), Decimal("-0.1600"), "halftime", "1-3",
    )  # fmt: skip
    assert edge(url, BILLS_CHIEFS, "chiefs", "2025-11-23T20:00:00Z")["nfl_halftime_matrix v1"] == (
        Decimal("0.3300"), Decimal("0.17"), Decimal("0.1600"), "halftime", "1-3",
    )  # fmt: skip
    # 19:30: after kickoff, before the first poll: no game state, so the model alone.
    # 20:30: the halftime poll is 55 minutes old (stale): the model alone again.
    assert set(edge(url, BILLS_CHIEFS, "bills", "2025-11-23T19:30:00Z")) == {"elo_nfl v3"}
    assert set(edge(url, BILLS_CHIEFS, "bills", "2025-11-23T20:30:00Z")) == {"elo_nfl v3"}
    # Kalshi KC@DAL (open): markets_kxnflgame_p3.json, DAL YES last price 0.4550 observed at
    # the sync's clock 2026-11-23 00:00 (issue #20: not the venue's updated_time);
    # elo_nfl v3 says 0.42 -> -0.035; pregame, DAL is home ->
    # 0.57 -> +0.115. The NO side (price 1 - 0.455 = 0.545) takes 1 - 0.57 = 0.43 -> -0.115.
    dal = "KXNFLGAME-26NOV26KCDAL-DAL"
    assert edge(url, dal, "yes", "2026-11-23T00:00:00Z") == {
        "elo_nfl v3": (Decimal("0.4200"), Decimal("0.4550"), Decimal("-0.0350"), None, None),
        "matrix:nfl/pregame 2025": (
            Decimal("0.5700"), Decimal("0.4550"), Decimal("0.1150"), "pregame", "0",
        ),
    }  # fmt: skip
    assert edge(url, dal, "no", "2026-11-23T00:00:00Z") == {
        "matrix:nfl/pregame 2025": (
            Decimal("0.4300"), Decimal("0.5450"), Decimal("-0.1150"), "pregame", "0",
        ),
    }  # fmt: skip


EDGES = (
    "select venue, market_id, outcome, model_name, model_version, observed_at, probability, "
    "market_price, edge, price_source, game_state_descriptor, value_bucket from marts.edges "
    "order by venue, market_id, outcome, model_name, model_version, observed_at"
)


def test_edges_rebuild_only_the_outcomes_whose_inputs_changed(demo_db, pg_admin_url) -> None:
    _, tmp = demo_db
    with database_copy(pg_admin_url, db_name(), "edges") as copy:
        built_at = (
            "select venue, market_id, outcome, max(built_at) from marts.edges group by 1, 2, 3"
        )
        before = {r[:3]: r[3] for r in rows(copy, built_at)}
        with psycopg.connect(copy) as conn:
            # a Bills price point at 21:00 (0.90) arrives, and elo_nfl v3 writes 0.75 at 20:45
            conn.execute(
                "insert into ledger.polymarket_price_points (condition_id, outcome, token_id, "
                "ts, price, record_hash) select condition_id, outcome, token_id, "
                "'2025-11-23 21:00+00', 0.90, 'test' from ledger.polymarket_price_points "
                "where condition_id = %s and outcome = 'bills' limit 1",
                (BILLS_CHIEFS,),
            )
            conn.execute(
                "insert into ref.model_probabilities (model_name, model_version, venue, "
                "market_id, outcome, probability, computed_at) values ('elo_nfl', 'v3', "
                "'polymarket', %s, 'bills', 0.75, '2025-11-23 20:45+00')",
                (BILLS_CHIEFS,),
            )
        # incremental, without the look-back: everything in this database arrived minutes ago
        build(copy, tmp, vars_=SCORES_AS_OF[:-1] + ', "arrival_lookback_hours": 0}')
        # 0.75 - 0.90 = -0.15; the halftime state (19:35) is stale at 21:00: no matrix row
        assert edge(copy, BILLS_CHIEFS, "bills", "2025-11-23T21:00:00Z") == {
            "elo_nfl v3": (Decimal("0.7500"), Decimal("0.90"), Decimal("-0.1500"), None, None),
        }
        after = {r[:3]: r[3] for r in rows(copy, built_at)}
        rebuilt = {key for key in after if after[key] != before.get(key)}
        assert rebuilt == {("polymarket", BILLS_CHIEFS, "bills")}
        incremental = rows(copy, EDGES)
        build(copy, tmp, "--full-refresh")
        assert rows(copy, EDGES) == incremental


def test_report_of_a_window_with_fills(demo_db) -> None:
    url, tmp = demo_db
    # 2025-11-23 16:00-20:00 UTC (data_trades_own.json): 2 Polymarket fills, buy 80.5 Under @
    # 0.48 (38.64) and sell 100 Chiefs @ 0.52 (52.00): volume 90.64. The sale realises
    # 100 x (0.52 - 0.45) = 7.00; Bills (250 @ 0.56) and Under resolve in the window: 250 - 140
    # + 80.5 - 38.64 = 151.86. No fees: net 158.86, like the whole day in daily_performance.
    [(markdown, fills, volume, net_pnl, event_types)] = rows(
        url,
        "select summary_markdown, (metrics->>'fills')::int, (metrics->>'volume')::numeric, "
        "(metrics->>'net_pnl')::numeric, "
        "(select array_agg(distinct e->>'type') from jsonb_array_elements(notable_events) e) "
        "from marts.reports where report_type = '4h' and period_start = '2025-11-23T16:00:00Z'",
    )
    assert (fills, volume, net_pnl) == (2, Decimal("90.64"), Decimal("158.86"))
    assert "**2 fills** on 1 venue(s), net PnL **158.86**" in markdown
    assert "| polymarket | 2 | 90.64 | 0.00 | 7.00 | 0.00 | 151.86 | 158.86 |" in markdown
    assert "![Cumulative net PnL](charts/pnl_20251123T16.png)" in markdown
    # Behaviour: the buy at 18:40 and the sale 25 minutes later are one session (gap <= 60
    # min); the sale realises 7.00, no fees, and the running PnL never fell (0, 7.00)
    behaviour = markdown.split("## Behaviour", 1)[1].split("## Data quality", 1)[0]
    assert behaviour.strip() == (
        "- polymarket 0x6af75d4e…0ff1 session 2025-11-23 18:40–19:05 UTC: 2 trade(s), "
        "1 won / 0 lost, net 7.00, max drawdown 0.00"
    )
    # data_activity_whale.json: the tracked whale sold 200 Bills @ 0.71 at 19:30.
    assert "sold 200.00 bills @ 0.710 ($142.00)" in markdown
    assert set(event_types) == {"wallet_move", "edge"}
    # the whale's 19:30 sale is summed into the 4h bias computed at 20:00 (the next window):
    # one wallet of credibility c sold only: value -(c/10) / (c/10 + 2)
    [(bias_markdown, credibility)] = rows(
        url,
        "select r.summary_markdown, s.credibility_4h from marts.reports r, marts.wallet_scores s "
        "where r.period_start = '2025-11-23T20:00:00Z' and s.wallet = %s "
        "and s.scored_at = (select max(scored_at) from marts.wallet_scores "
        "where wallet = %s and scored_at <= '2025-11-23T20:00:00Z')",
        WHALE,
        WHALE,
    )
    weight = credibility / 10
    value = -weight / (weight + 2)
    assert f"bias 4h on bills (polymarket): **{value:.2f}** from 1 wallet(s)" in bias_markdown
    windows = rows(
        url,
        "select sum((metrics->>'net_pnl')::numeric) from marts.reports "
        "where period_start >= '2025-11-23T00:00:00Z' and period_start < '2025-11-24T00:00:00Z'",
    )
    day = rows(
        url,
        "select sum(net_pnl) from marts.daily_performance where day = '2025-11-23'",
    )
    assert windows == day
    # the KC exit walked 0.75 -> 0.73 -> 0.71 (recorded Kalshi orders) filled at 23:10: listed
    # under Behaviour of 2026-11-15 20:00-24:00 with the session of that fill
    [(kc_behaviour, walked)] = rows(
        url,
        "select split_part(split_part(summary_markdown, '## Behaviour', 2), '## Data quality', 1), "
        "(metrics->>'walked_exits')::int from marts.reports "
        "where period_start = '2026-11-15T20:00:00Z'",
    )
    assert walked == 1
    assert kc_behaviour.strip().endswith(
        "Exits that needed more than one attempt:\n- kalshi kalshi exit of "
        "KXNFLGAME-26NOV15KCDEN-KC yes: 3 attempts, limit 0.7500 -> 0.7300 -> 0.7100, "
        "filled at 0.71 at 23:10 UTC"
    )

    saved = dict(os.environ)  # the command exports what dbt/Dagster children would need
    os.environ.update({"DATABASE_URL": url, "TRADELAKE_HOME": str(tmp / "home")})
    try:
        printed = CliRunner().invoke(app, ["report", "--at", "2025-11-23T17:30:00Z"])
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert printed.exit_code == 0, printed.output
    assert "# 4h report: 2025-11-23 16:00 to 2025-11-23 20:00 UTC" in printed.output
    assert "**2 fills**" in printed.output


def test_pnl_chart_asset_materializes_a_png(demo_db, monkeypatch) -> None:
    url, tmp = demo_db
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("TRADELAKE_HOME", str(tmp / "home"))
    from orchestration.definitions import defs

    key = dg.AssetKey(["reports", "pnl_chart"])
    reports = dg.AssetKey(["marts", "reports"])
    definitions = defs()
    graph = definitions.resolve_asset_graph()
    # marts.reports: `meta.dagster.automation_cron` -> refreshed on the 4h cron; the chart
    # follows it eagerly.
    assert graph.get(reports).automation_condition.get_label() == "cron(0 */4 * * *)"
    assert graph.get(key).automation_condition.get_label() == "eager"
    assert reports in graph.get(key).parent_keys
    job = definitions.resolve_job_def("tradelake_all")
    result = job.execute_in_process(asset_selection=[key], raise_on_error=False)
    assert result.success
    [event] = result.get_asset_materialization_events()
    metadata = event.event_specific_data.materialization.metadata  # type: ignore[union-attr]
    count, latest_chart = rows(url, "select count(*), max(chart_path) from marts.reports")[0]
    assert metadata["reports"].value == count
    assert metadata["charts_rendered"].value == count  # first run: every window
    assert metadata["chart"].value.startswith("![Cumulative net PnL](data:image/png;base64,")
    latest = tmp / "home" / "reports" / latest_chart
    assert metadata["path"].value == str(latest)
    png = (tmp / "home" / "reports" / "charts" / "pnl_20251123T16.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000

    def rendered() -> tuple[int, str]:
        result = job.execute_in_process(asset_selection=[key], raise_on_error=False)
        assert result.success
        [event] = result.get_asset_materialization_events()
        metadata = event.event_specific_data.materialization.metadata  # type: ignore[union-attr]
        return metadata["charts_rendered"].value, metadata["chart"].value

    # Nothing new: nothing drawn, and the UI still shows the latest chart (read from its file).
    assert rendered() == (0, metadata["chart"].value)
    # One day's PnL changes: the RECENT_WINDOWS newest windows are drawn again, the rest kept.
    bump = (
        "update marts.daily_performance set net_pnl = net_pnl + %s "
        "where (day, venue) = (select max(day), min(venue) from marts.daily_performance)"
    )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(bump, (Decimal(100),))
    try:
        assert rendered()[0] == min(count, 6)
        assert rendered()[0] == 0
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(bump, (Decimal(-100),))


# --- report delivery to a webhook (delivery/webhook.py), against a local HTTP server -----------


class Hook:
    """A local incoming webhook: records every POST, answers the statuses it is given."""

    def __init__(self) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.bodies: list[dict] = []
        self.statuses: list[int] = []  # answered in order; 200 once they run out
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["content-length"])
                hook.bodies.append(json.loads(self.rfile.read(length)))
                status = hook.statuses.pop(0) if hook.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"upstream trouble")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/services/T0/B0/s3cr3t-hook-token"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[Hook]:
    server = Hook()
    yield server
    server.close()


def test_reports_reach_the_webhook_once_from_the_first_closed_window_on(
    demo_db, pg_admin_url, hook, caplog
) -> None:
    from delivery.webhook import DISCORD_LIMIT, deliver

    url, tmp = demo_db
    windows = [r[0] for r in rows(url, "select period_start from marts.reports order by 1")]
    assert len(windows) >= 4
    first = windows[-3]  # the webhook is first seen while this window is the latest closed one
    seen_at = rows(
        url, "select period_end + interval '1 hour' from marts.reports where period_start = %s",
        first,
    )[0][0]  # fmt: skip
    later = datetime(2027, 1, 1, tzinfo=UTC)
    with database_copy(pg_admin_url, db_name(), "hook") as copy, psycopg.connect(copy) as conn:
        done = deliver(conn, hook.url, seen_at)
        # the latest closed window only: no flood of the older history
        assert [(d.period_start, d.delivered) for d in done] == [(first, True)]
        assert hook.bodies[0]["period_start"] == first.isoformat()
        assert hook.bodies[0]["text"].startswith("# 4h report: ")
        assert len(hook.bodies[0]["content"]) <= DISCORD_LIMIT
        assert deliver(conn, hook.url, seen_at) == []  # never re-sent

        hook.statuses = [500]  # the next window fails once...
        done = deliver(conn, hook.url, later)
        assert [(d.period_start, d.delivered, d.response_code) for d in done] == [
            (windows[-2], False, 500),
            (windows[-1], True, 200),
        ]
        done = deliver(conn, hook.url, later)  # ...and is retried in the next run
        assert [(d.period_start, d.delivered) for d in done] == [(windows[-2], True)]
        assert deliver(conn, hook.url, later) == []
        sent = [b["period_start"] for b in hook.bodies]
        assert sent == [w.isoformat() for w in (first, windows[-2], windows[-1], windows[-2])]
        assert min(sent) == first.isoformat()  # nothing older than the first window
        recorded = conn.execute(
            "select period_start, status, attempts, response_code from ops.report_deliveries "
            "order by 1"
        ).fetchall()
        assert recorded == [
            (first, "delivered", 1, 200),
            (windows[-2], "delivered", 2, 200),
            (windows[-1], "delivered", 1, 200),
        ]
        stored = conn.execute("select * from ops.report_deliveries").fetchall()
        conn.commit()
        assert "s3cr3t-hook-token" not in str(stored) and "s3cr3t-hook-token" not in caplog.text
        # marts.reports shows it from its next build on
        done = dbt(copy, tmp, "build", "--select", "reports")
        assert done.returncode == 0, done.stdout[-3000:]
        shown = rows(
            copy,
            "select count(*) filter (where push_sent), count(*) filter (where delivered_at is null)"
            " from marts.reports",
        )[0]
    assert shown == (3, len(windows) - 3)


def test_an_unreachable_webhook_is_recorded_without_its_url(demo_db, pg_admin_url) -> None:
    """(demo_db: the copy below is made from it.)"""
    from delivery.webhook import deliver

    dead = "http://127.0.0.1:9/services/T0/B0/another-s3cr3t"  # discard port: refused
    with database_copy(pg_admin_url, db_name(), "deadhook") as copy, psycopg.connect(copy) as c:
        (result,) = deliver(c, dead, datetime(2027, 1, 1, tzinfo=UTC))
        assert not result.delivered and result.response_code is None
        assert result.error and "another-s3cr3t" not in result.error
        (error,) = c.execute("select last_error from ops.report_deliveries").fetchone()
    assert "another-s3cr3t" not in error and "ConnectError" in error


def test_the_delivery_asset_posts_to_the_configured_webhook(
    demo_db, pg_admin_url, hook, tmp_path, monkeypatch
) -> None:
    from orchestration.defs.reports.delivery import no_undelivered_report, webhook_delivery
    from orchestration.lib.resources import TradelakeResource
    from tradelake_cli.demo import PROJECT_ROOT

    config = tmp_path / "tradelake.yaml"
    demo_config = (PROJECT_ROOT / "demo" / "tradelake.yaml").read_text()
    config.write_text(demo_config + f'reports:\n  webhook_url: "{hook.url}"\n')
    monkeypatch.setenv("TRADELAKE_CONFIG", str(config))
    with database_copy(pg_admin_url, db_name(), "hookasset") as copy:
        monkeypatch.setenv("DATABASE_URL", copy)
        result = dg.materialize(
            [webhook_delivery, no_undelivered_report],
            resources={"tradelake": TradelakeResource()},
        )
        assert result.success
        (event,) = result.asset_materializations_for_node("reports__webhook_delivery")
        assert (event.metadata["delivered"].value, event.metadata["failed"].value) == (1, 0)
        assert [c.passed for c in result.get_asset_check_evaluations()] == [True]
        assert len(hook.bodies) == 1


def test_model_performance_scores_the_last_forecast_before_close(demo_db) -> None:
    url, _ = demo_db
    # elo_nfl v3 (demo/ref/model_probabilities.csv), last probability before each market closed:
    # Bills 0.66 (won), Chiefs 0.34 (lost), Kalshi BUF yes 0.63 (won), KC no 0.43 (won), KC yes
    # 0.53 in KC-DEN 2026-11-15 (won). The KC-DAL market of 2026-11-26 has not resolved.
    [(outcomes, brier, log_loss, calibration)] = rows(
        url,
        "select resolved_outcomes, brier_score, log_loss, calibration from marts.model_performance "
        "where model_name = 'elo_nfl' and model_version = 'v3'",
    )
    assert outcomes == 5
    # (0.34^2 + 0.34^2 + 0.37^2 + 0.57^2 + 0.47^2) / 5 = 0.9139 / 5
    assert brier == Decimal("0.18278")
    # (-ln 0.66 - ln 0.66 - ln 0.63 - ln 0.43 - ln 0.53) / 5
    assert abs(float(log_loss) - 0.5543829) < 1e-6
    assert calibration["0.6-0.7"] == {"outcomes": 2, "mean_probability": 0.645, "observed_rate": 1}
    assert calibration["0.3-0.4"]["observed_rate"] == 0
    current = rows(
        url,
        "select count(*) filter (where is_current), count(distinct (venue, market_id, outcome, "
        "model_name, model_version)), count(*) filter (where expected_value <> abs(edge) - "
        "fee_per_contract) from marts.edges",
    )[0]
    assert current[0] == current[1] and current[2] == 0


def test_core_wallets_from_the_configuration_and_the_activity(demo_db, pg_admin_url) -> None:
    from ingestion.settings import parse_config
    from ingestion.wallets import record_tracked_wallets
    from tests.analytics.performance_data import DEMO_CONFIG

    _, tmp = demo_db
    config = parse_config(DEMO_CONFIG.read_text(), origin=str(DEMO_CONFIG))
    with database_copy(pg_admin_url, db_name(), "wallets") as copy:
        with psycopg.connect(copy) as conn:
            assert record_tracked_wallets(conn, config.wallets) == (2, 0)
        done = dbt(copy, tmp, "build", "--select", "wallets")
        assert done.returncode == 0, done.stdout[-3000:]
        got = rows(
            copy,
            "select address, label, tags, sources, events, first_seen_at, last_activity_at, "
            "is_active, is_tracked from core.wallets order by label",
        )
        activity = rows(
            copy,
            "select wallet, count(*), min(occurred_at), max(occurred_at) from core.wallet_events "
            "group by wallet",
        )
    by_wallet = {w: (n, lo, hi) for w, n, lo, hi in activity}
    (hl, whale) = got
    assert hl[:4] == (
        "0xb1e5a9c3d7f2e4a6b8c0d2e4f6a8b0c2d4e6f8a0",
        "hl-whale",
        ["perps", "maker"],
        ["hyperliquid"],
    )
    assert whale[:4] == (
        "0x56687bf447db6ffa42ffe2204a05edaa20f55839",
        "whale-1",
        ["nfl", "polymarket-whale"],
        ["polymarket", "evm:1", "evm:137"],
    )
    for wallet in (hl, whale):
        events, first, last = by_wallet.get(wallet[0], (0, None, None))
        assert wallet[4] == events
        assert wallet[6] == last
        if first is not None:
            assert wallet[5] == first  # the backfill reaches further back than the tracking
        # the recorded activity is from 2025-11 (and the demo's own dates): not within 30 days
        # of the build unless it is recent
        assert wallet[7] == (last is not None and (datetime.now(UTC) - last).days < 30)
        assert wallet[8] is True
