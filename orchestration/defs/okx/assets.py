"""OKX: own fills and instrument metadata, in group `okx`."""

from ingestion.okx import SOURCE
from ingestion.okx.sync import sync_fills, sync_instruments
from orchestration.lib.ingest import ledger_asset

FILLS = "okx_fills"
INSTRUMENTS = "okx_instrument_observations"

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
