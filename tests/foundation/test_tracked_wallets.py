"""ops.tracked_wallets follows the `wallets:` of tradelake.yaml (ingestion/wallets.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg

from ingestion.settings import TrackedWallet
from ingestion.wallets import record_tracked_wallets

A = "0x" + "a" * 40
B = "0x" + "b" * 40


def stored(url: str) -> dict[str, tuple]:
    with psycopg.connect(url) as conn:
        return {
            r[0]: r[1:]
            for r in conn.execute(
                "select address, label, tags, sources, untracked_at is null, first_tracked_at, "
                "watched_from from ops.tracked_wallets"
            )
        }


def test_labels_tags_and_sources_follow_the_file_and_the_first_tracking_time_stays(
    db_url: str,
) -> None:
    first = [
        TrackedWallet(address=A.upper().replace("0X", "0x"), label="whale", tags=["nfl", "nfl"],
                      polymarket=True, evm_chains=[137, 1, 137]),
        TrackedWallet(address=B, hyperliquid=True),
    ]  # fmt: skip
    start = datetime(2025, 11, 1, tzinfo=UTC)
    with psycopg.connect(db_url) as conn:
        assert record_tracked_wallets(conn, first, sync_start=start) == (2, 0)
    before = stored(db_url)
    assert before[A][5] == before[B][5] == start  # history held from sync_start
    assert before[A][:4] == ("whale", ["nfl"], ["polymarket", "evm:1", "evm:137"], True)
    assert before[B][:4] == (None, [], ["hyperliquid"], True)

    renamed = [TrackedWallet(address=A, label="whale-1", tags=["maker"], polymarket=True)]
    with psycopg.connect(db_url) as conn:
        later = datetime(2026, 1, 1, tzinfo=UTC)  # sync_start moved: the watch start stays
        assert record_tracked_wallets(conn, renamed, sync_start=later) == (1, 1)  # B left
    after = stored(db_url)
    assert after[A][5] == start
    assert after[A][:4] == ("whale-1", ["maker"], ["polymarket"], True)
    assert after[A][4] == before[A][4]  # first tracked when it was first seen
    assert after[B][3] is False  # kept, untracked

    with psycopg.connect(db_url) as conn:
        assert record_tracked_wallets(conn, [*renamed, first[1]]) == (2, 0)
    assert stored(db_url)[B][3] is True  # back in the file: tracked again

    C = "0x" + "c" * 40
    with psycopg.connect(db_url) as conn:  # a sync_start in the future: watched from now
        record_tracked_wallets(
            conn, [TrackedWallet(address=C)], sync_start=datetime(2099, 1, 1, tzinfo=UTC)
        )
    assert stored(db_url)[C][5] == stored(db_url)[C][4]  # = first_tracked_at (both now())
