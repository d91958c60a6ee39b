"""Schema and unit drift (issue 16) on Kalshi fills: a recorded page drifted the two ways the
issue names - the removed integer-cents fields coming back, and a price sent in cents - is
quarantined with the field named instead of loaded, recorded once per field in
ops.schema_drift, holds the stream's cursor, and fails the blocking `schema_drift` check, so
what stands downstream (dbt) does not run. Real PostgreSQL, the verifying fake Kalshi, real
Dagster."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from rich.console import Console

from ingestion.cursors import get_cursor
from ingestion.http.replay import ReplayTransport
from ingestion.kalshi.sync import sync_fills
from orchestration.defs.kalshi import assets
from orchestration.lib.ingest import drift_check, ledger_key
from tests.conftest import dagster_resource
from tests.kalshi.conftest import CONFIG, KALSHI_FIXTURES
from tradelake_cli.run import _summarise, print_summary

LIVE_FILLS = "portfolio_fills_p1.json"  # 5 fills: 4 priced, 1 without a price (quarantined)


def drifted(tmp_path: Path, change) -> Path:
    """A copy of the recorded Kalshi fixtures whose live fills page went through `change`."""
    root = tmp_path / "fixtures"
    shutil.copytree(KALSHI_FIXTURES, root / "kalshi")
    path = root / "kalshi" / LIVE_FILLS
    recorded = json.loads(path.read_text())
    for fill in recorded["response"]["body"]["fills"]:
        change(fill)
    path.write_text(json.dumps(recorded))
    return root


def cents_back(fill: dict) -> None:
    """The integer-cent fields Kalshi removed, sent again beside the dollar strings."""
    if fill.get("yes_price_dollars"):
        fill["yes_price"] = round(float(fill["yes_price_dollars"]) * 100)
        fill["no_price"] = 100 - fill["yes_price"]
    fill["count"] = int(float(fill["count_fp"]))


def price_in_cents(fill: dict) -> None:
    """yes_price_dollars written in cents: 0.4850 -> "48.50"."""
    if fill.get("yes_price_dollars"):
        fill["yes_price_dollars"] = f"{float(fill['yes_price_dollars']) * 100:.2f}"


def live_fills_page(conn) -> int:
    """raw.pages id of the live fills page (its first fill is ...0003)."""
    row = conn.execute(
        "select page_id from raw.pages where source = 'kalshi' "
        "and payload->'fills'->0->>'fill_id' = 'd2c8f2b3-6a7b-4b1f-8b62-000000000003'"
    ).fetchone()
    return row[0]


def test_removed_cent_fields_coming_back_stop_the_page_with_the_fields_named(
    kalshi_ctx, fake, db_url, tmp_path
):
    fake.replay = ReplayTransport.from_dir(drifted(tmp_path, cents_back) / "kalshi")
    result = sync_fills(kalshi_ctx())
    assert result.inserted == 2  # the 2 historical fills (their page did not drift)
    assert result.quarantined == 5  # the whole live page, the price-less fill included
    with psycopg.connect(db_url) as conn:
        page = live_fills_page(conn)
        drift = conn.execute(
            "select field, change, is_blocking, page_id, seen_count from ops.schema_drift "
            "order by field"
        ).fetchall()
        reasons = conn.execute(
            "select reason, page_id from ops.quarantine where stream = 'fills' order by reason"
        ).fetchall()
        fills = conn.execute("select count(*) from ledger.kalshi_fills").fetchone()[0]
        cursor = get_cursor(conn, "kalshi", "fills")
    # one row per field, not per record: 4 fills carried yes_price/no_price, 5 carried count
    assert drift == [
        ("count", "returned", True, page, 1),
        ("no_price", "returned", True, page, 1),
        ("yes_price", "returned", True, page, 1),
    ]
    assert fills == 2
    assert cursor is None  # held: the page is read again once the drift is cleared
    assert len(reasons) == 5 and {p for _, p in reasons} == {page}
    expected = (
        f"schema drift on page {page} of kalshi.fills: count returned: a field the venue "
        "removed is back (value 5); no_price returned: a field the venue removed is back "
        "(value 52); yes_price returned: a field the venue removed is back (value 48)"
    )
    assert reasons[0][0] == expected
    assert reasons[-1][0] == expected + (
        " (record: ValueError: missing price: yes_price_dollars is absent)"
    )


def test_a_price_in_cents_is_stopped_and_the_cleared_stream_reloads(
    kalshi_ctx, fake, db_url, tmp_path
):
    fake.replay = ReplayTransport.from_dir(drifted(tmp_path, price_in_cents) / "kalshi")
    first = sync_fills(kalshi_ctx())
    assert (first.inserted, first.quarantined) == (2, 5)
    with psycopg.connect(db_url) as conn:
        page = live_fills_page(conn)
        drift = conn.execute(
            "select field, change, detail, page_id from ops.schema_drift"
        ).fetchall()
    # 4 of the 4 fills carrying a price tripped the rule; the first value is the one named
    assert drift == [
        (
            "yes_price_dollars",
            "unit",
            "'48.50' is above 1 (a price in cents?) (4 of 4 record(s))",
            page,
        )
    ]

    # The venue is back to dollars (or the model was fixed); while the row is open the
    # stream still holds its cursor, so clearing it is what lets the next sync read the page.
    fake.replay = ReplayTransport.from_dir(KALSHI_FIXTURES)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("update ops.schema_drift set cleared_at = now()")
    again = sync_fills(kalshi_ctx())
    assert again.inserted == 4  # the 4 priced fills of the page once quarantined
    with psycopg.connect(db_url) as conn:
        assert conn.execute("select count(*) from ledger.kalshi_fills").fetchone()[0] == 6
        assert get_cursor(conn, "kalshi", "fills") == "2026-11-21T18:00:00+00:00"


@pytest.fixture
def drifted_resource(db_url, tmp_path, monkeypatch, env):
    return dagster_resource(
        monkeypatch, tmp_path, db_url, CONFIG, drifted(tmp_path, price_in_cents), env
    )


def test_the_blocking_check_names_field_and_page_and_stops_what_is_downstream(
    drifted_resource, db_url
):
    ran: list[str] = []

    @dg.asset(deps=[ledger_key("kalshi_fills")])
    def downstream() -> None:  # stands where dbt stands: one step after the ledgers
        ran.append("downstream")

    result = dg.materialize(
        [assets.kalshi_fills, downstream, drift_check("kalshi_fills")],
        resources={"tradelake": drifted_resource},
        raise_on_error=False,
    )
    (evaluation,) = result.get_asset_check_evaluations()
    with psycopg.connect(db_url) as conn:
        page = live_fills_page(conn)
    assert evaluation.check_name == "schema_drift"
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert evaluation.description == (
        f"kalshi.fills drifted: yes_price_dollars unit on page {page}: '48.50' is above 1 "
        "(a price in cents?) (4 of 4 record(s))"
    )
    assert ran == []
    # `tradelake materialize` prints what the check said under its BLOCKING line
    console = Console(record=True, width=200)
    print_summary(_summarise(result), console)
    assert (
        "BLOCKING ledger/kalshi_fills :: schema_drift\n    kalshi.fills drifted: "
        f"yes_price_dollars unit on page {page}: '48.50' is above 1"
    ) in console.export_text()


def test_a_new_optional_field_only_warns(kalshi_ctx, fake, db_url, tmp_path):
    def added(fill: dict) -> None:
        fill["subaccount_number"] = 0

    fake.replay = ReplayTransport.from_dir(drifted(tmp_path, added) / "kalshi")
    result = sync_fills(kalshi_ctx())
    assert (result.inserted, result.quarantined) == (6, 1)  # as without the field
    with psycopg.connect(db_url) as conn:
        drift = conn.execute(
            "select field, change, is_blocking, detail from ops.schema_drift"
        ).fetchall()
        assert get_cursor(conn, "kalshi", "fills") == "2026-11-21T18:00:00+00:00"
    assert drift == [
        ("subaccount_number", "added", False, "not in the model (first value: number)")
    ]
