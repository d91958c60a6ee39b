"""Tracked wallets x `evm_chains`: normal transactions and ERC-20 transfers, complete history.

One cursor per (stream, wallet, chain) in ops.cursors (scope "<wallet>:<chainid>", value = the
last block whose rows are all stored). A first sync starts at the first block at or after
sync_start; later syncs re-read the cursor's block (the loader drops what is already stored).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ingestion.cursors import CursorUpdate, get_cursor
from ingestion.errors import SourceSkipped
from ingestion.etherscan import SOURCE
from ingestion.etherscan import tables as t
from ingestion.etherscan.client import ChainUnavailable, EtherscanClient, make_client
from ingestion.etherscan.models import NormalTx, TokenTransfer
from ingestion.etherscan.normalize import Ordinals, transaction_row, transfer_row
from ingestion.http.paginate import Truncation
from ingestion.loader import LedgerTable, load
from ingestion.quarantine import partition
from ingestion.sync import SyncContext, SyncResult
from ingestion.wallets import report_truncations

MISSING_KEY = "ETHERSCAN_API_KEY is not set: export it to sync EVM wallet activity (Etherscan V2)"
NO_WALLETS = "no wallet in tradelake.yaml lists `evm_chains` (e.g. evm_chains: [1, 137])"


def tracked(ctx: SyncContext) -> list[tuple[str, int]]:
    """(wallet, chain id) pairs, each once, in config order."""
    pairs = [(w.address, int(c)) for w in ctx.settings.config.wallets for c in w.evm_chains]
    return list(dict.fromkeys(pairs))


def scope(wallet: str, chain_id: int) -> str:
    return f"{wallet.lower()}:{chain_id}"


def _client(ctx: SyncContext, **client_kw: Any) -> EtherscanClient:
    pairs = tracked(ctx)
    if not pairs:
        raise SourceSkipped(NO_WALLETS)
    key = ctx.settings.secret("ETHERSCAN_API_KEY")
    if not key:
        raise SourceSkipped(MISSING_KEY)
    return make_client(ctx.settings, key, ctx.transport(SOURCE), ctx.lander, **client_kw)


def _parser(stream: str, wallet: str, chain_id: int) -> Callable[[Any], dict]:
    if stream == "transactions":
        return lambda raw: transaction_row(NormalTx.model_validate(raw), wallet, chain_id)
    ordinal = Ordinals()  # must see every row in pager order, valid or not

    def parse(raw: Any) -> dict:
        n = ordinal(raw)
        return transfer_row(TokenTransfer.model_validate(raw), wallet, chain_id, n)

    return parse


def _sync(ctx: SyncContext, stream: str, action: str, table: LedgerTable, **kw) -> SyncResult:
    client = _client(ctx, **kw)
    result = SyncResult(SOURCE, stream)
    starts: dict[int, int] = {}  # first block at/after sync_start, per chain, asked once per run
    try:
        with ctx.connect() as conn:
            for wallet, chain_id in tracked(ctx):
                where = scope(wallet, chain_id)
                cursor = get_cursor(conn, SOURCE, stream, where)
                cuts: list[Truncation] = []
                try:
                    if cursor is not None:
                        start = int(cursor)
                    else:
                        if chain_id not in starts:
                            starts[chain_id] = client.block_at(
                                chain_id, ctx.settings.config.sync_start
                            )
                        start = starts[chain_id]
                    parse = _parser(stream, wallet, chain_id)
                    for chunk in client.history(chain_id, action, wallet, start, cuts.append):
                        rows, bad = partition(
                            chunk.rows,
                            parse,
                            source=SOURCE,
                            stream=stream,
                            page_id=chunk.page.page_id,
                        )
                        cur = None
                        if chunk.done_through is not None:
                            cur = CursorUpdate(SOURCE, stream, str(chunk.done_through), where)
                        result.add(
                            load(
                                conn,
                                table,
                                rows,
                                page_id=chunk.page.page_id,
                                rejects=bad,
                                cursor=cur,
                            )
                        )
                except ChainUnavailable as exc:
                    note = f"{wallet} on chain {chain_id} skipped: {exc}"
                    ctx.log.warning(note)
                    result.notes.append(note)
                    continue
                report_truncations(
                    conn,
                    ctx.log,
                    result,
                    source=SOURCE,
                    wallet=wallet,
                    stream=f"{stream}:{chain_id}",
                    cuts=cuts,
                )
    finally:
        client.close()
    return result


def sync_transactions(ctx: SyncContext, **client_kw: Any) -> SyncResult:
    """Normal transactions (txlist) of every tracked wallet on every chain it lists."""
    return _sync(ctx, "transactions", "txlist", t.TRANSACTIONS, **client_kw)


def sync_token_transfers(ctx: SyncContext, **client_kw: Any) -> SyncResult:
    """ERC-20 transfers (tokentx) of every tracked wallet on every chain it lists."""
    return _sync(ctx, "token_transfers", "tokentx", t.TOKEN_TRANSFERS, **client_kw)
