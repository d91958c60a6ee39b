"""OKX: own fills, instrument metadata, hourly candles, tickers, positions, balances, funding
bills and own orders, one asset each, in group `okx`."""

from ingestion.okx import SOURCE
from ingestion.okx.account import sync_balances, sync_funding, sync_orders, sync_positions
from ingestion.okx.market import sync_candles, sync_tickers
from ingestion.okx.sync import sync_fills, sync_instruments
from orchestration.lib.ingest import ledger_asset

FILLS = "okx_fills"
INSTRUMENTS = "okx_instrument_observations"
CANDLES = "okx_candles"
TICKERS = "okx_ticker_observations"
POSITIONS = "okx_position_observations"
BALANCES = "okx_balance_observations"
FUNDING = "okx_funding_bills"
ORDERS = "okx_order_observations"

okx_fills = ledger_asset(
    source=SOURCE,
    stream="fills",
    table=FILLS,
    sync=sync_fills,
    description=(
        "Own OKX fills of accounts.okx.inst_types (GET /api/v5/trade/fills + /fills-history), "
        "one row per billId; fee positive = paid, derivatives in contracts."
    ),
)

okx_instruments = ledger_asset(
    source=SOURCE,
    stream="instruments",
    table=INSTRUMENTS,
    sync=sync_instruments,
    description=(
        "OKX instruments of accounts.okx.inst_types (contract value, multiplier, linear/inverse) "
        "so notional can be computed; one row per changed instrument."
    ),
)

okx_candles = ledger_asset(
    source=SOURCE,
    stream="candles",
    table=CANDLES,
    sync=sync_candles,
    description=(
        "Hourly candles (GET /api/v5/market/candles + /history-candles, bar 1H) of "
        "markets.okx.instruments, a row per version of a candle: the still-open hour as seen, "
        "again once it changed or closed. `volume` in the base currency. Feeds core.candles."
    ),
)

okx_tickers = ledger_asset(
    source=SOURCE,
    stream="tickers",
    table=TICKERS,
    sync=sync_tickers,
    description=(
        "Tickers (GET /api/v5/market/ticker) of markets.okx.instruments, a row when one changed: "
        "best bid/ask for the spread of marts.market_states."
    ),
)

okx_positions = ledger_asset(
    source=SOURCE,
    stream="positions",
    table=POSITIONS,
    sync=sync_positions,
    description=(
        "Own OKX positions (GET /api/v5/account/positions), a row per position whenever it "
        "changed (uTime is not the version); a position no longer listed gets a closing row."
    ),
)

okx_balances = ledger_asset(
    source=SOURCE,
    stream="balances",
    table=BALANCES,
    sync=sync_balances,
    description=(
        "Own OKX trading-account balances (GET /api/v5/account/balance details[]), a row per "
        "currency whenever it changed; eqUsd is the currency's equity in USD."
    ),
)

okx_funding = ledger_asset(
    source=SOURCE,
    stream="funding",
    table=FUNDING,
    sync=sync_funding,
    description=(
        "Own OKX funding-fee bills (GET /api/v5/account/bills + /bills-archive, type 8), one row "
        "per billId; amount positive when the account paid."
    ),
)

okx_orders = ledger_asset(
    source=SOURCE,
    stream="orders",
    table=ORDERS,
    sync=sync_orders,
    description=(
        "Own OKX orders of accounts.okx.inst_types (GET /api/v5/trade/orders-history + "
        "/orders-history-archive), a row per changed state (uTime is not the version); status "
        "mapped to resting/partial/filled/canceled, the OKX state kept. Feeds core.orders."
    ),
)
