"""What a new user sees after `tradelake demo`, in a real browser: the Dagster UI (asset graph,
a ledger with its checks, a failed check's explanation, runs, schedules and sensors) and the
dbt docs site (the overview, a mart with its columns, the lineage graph)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Demo


def open_ui(page: Page, demo: Demo, path: str) -> None:
    page.goto(demo.ui + path, wait_until="networkidle")
    skip = page.get_by_role("button", name="Skip")  # Dagster's one-time community dialog
    if skip.count():
        skip.click()


def test_the_code_location_is_tradelake_and_loaded(page: Page, demo: Demo) -> None:
    open_ui(page, demo, "/locations")
    body = page.locator("body")
    expect(body).to_contain_text("1 code location")
    expect(page.get_by_text("tradelake", exact=True).first).to_be_visible()
    expect(body).to_contain_text("orchestration.definitions")
    expect(body).to_contain_text("Loaded")


def test_the_asset_graph_shows_the_layers_from_ledger_to_marts(page: Page, demo: Demo) -> None:
    open_ui(page, demo, "/assets/ledger")
    body = page.locator("body")
    expect(body).to_contain_text("espn_game_observations")  # one asset per ledger stream
    # a core relation: its documented description, row count and built columns
    open_ui(page, demo, "/assets/core/fills")
    expect(body).to_contain_text("One row per fill of an own account")
    expect(body).to_contain_text("Row count")
    expect(body).to_contain_text("executed_at")
    # its lineage: from the per-source models up, to the marts down
    open_ui(page, demo, "/assets/core/fills?view=lineage")
    expect(body).to_contain_text("int_fills__kalshi")
    expect(body).to_contain_text("trade_attribution")


def test_a_ledger_shows_its_checks_and_why_one_failed(page: Page, demo: Demo) -> None:
    open_ui(page, demo, "/assets/ledger/kalshi_market_observations?view=checks")
    body = page.locator("body")
    # the standard five, the ledger's expectations suite and its volume check
    expect(body).to_contain_text("Checks (7)")
    for check in (
        "chain_intact",
        "schema_drift",
        "source_ok",
        "no_conflicting_redelivery",
        "expectations",
        "volume",
    ):
        expect(page.get_by_text(check).first).to_be_visible()
    # the chain check passed in the demo's run (the daemon may be running it again meanwhile:
    # the execution history keeps the demo's verdict)
    page.get_by_text("chain_intact").first.click()
    expect(body).to_contain_text("This is a blocking asset check.")
    page.get_by_text("Execution history").first.click()
    expect(body).to_contain_text("Passed")
    # the recorded markets hold one bad price: quarantined, and the check says which and why
    page.get_by_text("quarantine_empty").first.click()
    expect(body).to_contain_text("No record of this stream waits in ops.quarantine")
    page.get_by_text("Execution history").first.click()
    expect(body).to_contain_text("Failed")
    expect(body).to_contain_text("1 record(s) of kalshi.markets waiting in ops.quarantine")


def test_the_runs_page_shows_the_demo_run_succeeded(page: Page, demo: Demo) -> None:
    open_ui(page, demo, "/runs?q%5B0%5D=job%3Atradelake_all")
    body = page.locator("body")
    expect(body).to_contain_text("tradelake/cli_pid")  # started by `tradelake demo`
    expect(body).to_contain_text("Success")


def test_schedules_and_sensors_are_listed_and_running(page: Page, demo: Demo) -> None:
    open_ui(page, demo, "/automation")
    body = page.locator("body")
    for name in (
        "kalshi_markets_frequent",
        "kalshi_settlement_watch",
        "tradelake_automation",
        "raw_pages_retention_daily",
    ):
        expect(body).to_contain_text(name)
    expect(body).to_contain_text("Every 5 minutes")


def test_the_quarantine_is_an_asset_with_a_description(page: Page, demo: Demo) -> None:
    open_ui(page, demo, "/assets/ops/quarantine")
    expect(page.locator("body")).to_contain_text("Records a source could not load")


def test_the_docs_site_opens_on_the_overview(page: Page, demo: Demo) -> None:
    page.goto(demo.docs + "/#!/overview", wait_until="networkidle")
    body = page.locator("body")
    expect(body).to_contain_text("Where to start")
    expect(body).to_contain_text("How the marts relate")


def test_a_mart_page_lists_its_columns_and_opens_its_lineage(page: Page, demo: Demo) -> None:
    page.goto(demo.docs + "/#!/model/model.tradelake.daily_performance", wait_until="networkidle")
    body = page.locator("body")
    expect(body).to_contain_text("daily_performance")
    page.get_by_text("Columns", exact=True).first.click()
    for column in ("realized_pnl", "net_pnl", "fees"):
        expect(body).to_contain_text(column)
    page.get_by_title("View Lineage Graph").click()
    expect(body).to_contain_text("Lineage Graph")
    expect(page.locator("#cy canvas").first).to_be_visible()  # the graph, drawn


def test_the_overview_links_the_data_quality_docs(page: Page, demo: Demo) -> None:
    page.goto(demo.docs + "/#!/overview", wait_until="networkidle")
    link = page.get_by_text("open the Data Docs")
    assert link.get_attribute("href") == "/quality/index.html"
    # Great Expectations' site loads its table scripts from CDNs, which an offline machine never
    # reaches: read the page as served (its validations are in the HTML) without waiting for them
    page.goto(demo.docs + "/quality/index.html", wait_until="domcontentloaded")
    expect(page.locator("body")).to_contain_text("Data Docs")
    # the suites' latest validations, one per checked relation (the table data of the page)
    served = page.content()
    assert "core.fills" in served and "ledger.kalshi_fills" in served
