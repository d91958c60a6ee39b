"""One venue down never stops the others (issue #20 part 2, DESIGN principle 8).

OKX answers HTTP 503 to every request for the whole run; every other venue replays its recorded
responses, as in the demo. `tradelake materialize` still builds core and the marts from what
loaded, names OKX as stale in its summary, the 4h report and Dagster, and exits 1. A conflicting
re-delivery (a blocking ledger check) still stops dbt.
"""

from __future__ import annotations

import re
from decimal import Decimal

import dagster as dg
import psycopg
import pytest
from typer.testing import CliRunner

from tests.foundation.test_cli import cli_env  # noqa: F401  (fixture)
from tests.outage import Outage, venue_down
from tradelake_cli.main import app

pytestmark = pytest.mark.slow

runner = CliRunner()
ATTEMPTS = 3
KALSHI = "kalshi"  # accounts.kalshi.account default (issue 20 part 7), not the key id


@pytest.fixture
def okx_down(monkeypatch: pytest.MonkeyPatch):
    """OKX answers 503 to everything; the other venues replay their recordings (as the demo)."""
    with venue_down(monkeypatch, "okx", ATTEMPTS) as outage:
        yield outage


def query(url: str, sql: str, *params) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


OKX_STREAMS = ["balances", "candles", "fills", "funding", "instruments", "orders", "positions"]
OKX_STREAMS = sorted([*OKX_STREAMS, "tickers"])


def test_okx_answering_503_all_run_stops_nothing_else(cli_env: str, okx_down: Outage) -> None:  # noqa: F811
    result = runner.invoke(app, ["materialize"])
    url = cli_env

    # the other venues reached core.fills and the performance mart in the same run
    venues = dict(query(url, "select venue, count(*) from core.fills group by venue"))
    assert set(venues) == {"kalshi", "polymarket", "hyperliquid"}, result.output
    # portfolio_fills_p1.json: sell 2 KC YES @ 0.71 after buying at 0.485 (see
    # tests/analytics/test_marts_performance.py): volume 1.42, fee 0.03, realised 0.45, net 0.42
    assert query(
        url,
        "select fills, volume, fees, realized_pnl, net_pnl from marts.daily_performance "
        "where day = '2026-11-15' and venue = 'kalshi' and account = %s",
        KALSHI,
    ) == [(1, Decimal("1.42"), Decimal("0.03"), Decimal("0.45"), Decimal("0.42"))]

    # schedulers notice: non-zero exit, and the summary names the stale streams in one line each
    assert result.exit_code == 1, result.output
    stale_lines = [line for line in result.output.splitlines() if line.startswith("stale ")]
    assert [line.split(":")[0] for line in stale_lines] == [
        f"stale okx/{stream}" for stream in OKX_STREAMS
    ], result.output
    assert all("HTTP 503" in line and "no successful sync" in line for line in stale_lines)
    # and once only: the failed source_ok step is not listed again as a failed step
    assert not [line for line in result.output.splitlines() if line.startswith("failed ")]

    # the retry path ran: account/config (fills) and public/instruments, ATTEMPTS times each
    counts = {path: okx_down.requests.count(path) for path in set(okx_down.requests)}
    assert "/api/v5/account/config" in counts and "/api/v5/public/instruments" in counts
    assert all(n % ATTEMPTS == 0 for n in counts.values()), counts
    runs = query(
        url,
        "select source, stream, status, message from ops.sync_runs "
        "where status <> 'succeeded' order by source, stream",
    )
    assert [(s, st, status) for s, st, status, _ in runs] == [
        ("okx", stream, "failed") for stream in OKX_STREAMS
    ]
    assert all("HTTP 503" in message for *_, message in runs)

    # the 4h report of the current window names the stale streams in its data-quality section
    report = runner.invoke(app, ["report"])
    assert report.exit_code == 0, report.output
    quality = report.output.split("## Data quality", 1)[1]
    assert "okx/fills is stale" in quality and "okx/instruments is stale" in quality
    assert "no successful sync yet" in quality and "HTTP 503" in quality
    metrics = query(
        url, "select metrics, stale_streams from marts.reports order by period_end desc limit 1"
    )
    assert metrics[0][0]["stale_streams"] == len(OKX_STREAMS)
    assert sorted((s["source"], s["stream"]) for s in metrics[0][1]) == [
        ("okx", stream) for stream in OKX_STREAMS
    ]

    # Dagster: the ledger asset says so on its materialization, and its ERROR check failed
    with dg.DagsterInstance.get() as instance:
        key = dg.AssetKey(["ledger", "okx_fills"])
        event = instance.get_latest_materialization_event(key)
        meta = event.asset_materialization.metadata
        assert meta["sync_status"].value == "failed" and "HTTP 503" in meta["error"].value
        check = instance.event_log_storage.get_latest_asset_check_execution_by_key(
            [dg.AssetCheckKey(key, "source_ok")]
        )[dg.AssetCheckKey(key, "source_ok")]
        evaluation = check.event.dagster_event.event_specific_data
        assert evaluation.passed is False
        assert evaluation.severity == dg.AssetCheckSeverity.ERROR


def test_a_conflicting_redelivery_still_blocks_dbt(cli_env: str, okx_down: Outage) -> None:  # noqa: F811
    with psycopg.connect(cli_env) as conn:
        conn.execute(
            "insert into ops.ledger_conflicts (table_name, natural_key, existing_hash, "
            "incoming_hash, incoming_record) values ('ledger.kalshi_fills', "
            """'{"fill_id": "f-1"}', 'aaa', 'bbb', '{}')"""
        )
    result = runner.invoke(app, ["materialize"])
    assert result.exit_code == 1, result.output
    assert "BLOCKING ledger/kalshi_fills :: no_conflicting_redelivery" in result.output
    assert "stale okx/fills" in result.output
    # dbt never started (the failed blocking check abandons it) and core.fills was never built
    run_id = re.search(r"^run (\S+) failed", result.output, re.M).group(1)
    with dg.DagsterInstance.get() as instance:
        started = instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_START)
    steps = {r.dagster_event.step_key for r in started}
    # the step that evaluates the ledger's standard checks, no_conflicting_redelivery among them
    assert "kalshi_fills_ledger_checks" in steps
    assert "tradelake_dbt" not in steps
    assert query(cli_env, "select to_regclass('core.fills')") == [(None,)]
