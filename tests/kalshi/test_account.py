"""Issue #20 part 7: rotating the Kalshi API key must not double the history.

The account is the configured `accounts.kalshi.account` (default "kalshi"), not the key id; a
fill stored under two accounts fails a blocking check; migration 0204 moves rows stored under
key ids to the stable account with the loader's record hash."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import psycopg
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ingestion.kalshi.sync import sync_balance, sync_fills, sync_positions, sync_settlements
from orchestration.defs.kalshi import assets, checks
from orchestration.lib.ingest import ledger_key
from tests.conftest import dagster_resource, make_settings
from tests.kalshi.conftest import CONFIG, FIXTURES, KEY_ID, FakeKalshi

KEY_B = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"  # the rotated key of the same account
STREAMS = (sync_fills, sync_settlements, sync_positions, sync_balance)


@pytest.fixture(scope="module")
def rotated_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def write_key(key: rsa.RSAPrivateKey, path: Path) -> Path:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


@pytest.fixture
def two_keys(private_key, rotated_key, key_file, tmp_path):
    """A fake that accepts both keys of the account, and the environment of each key."""
    fake = FakeKalshi(
        private_key.public_key(),
        keys={KEY_ID: private_key.public_key(), KEY_B: rotated_key.public_key()},
    )
    env_a = {"KALSHI_API_KEY_ID": KEY_ID, "KALSHI_PRIVATE_KEY_PATH": str(key_file)}
    key_b = write_key(rotated_key, tmp_path / "rotated.key")
    env_b = {"KALSHI_API_KEY_ID": KEY_B, "KALSHI_PRIVATE_KEY_PATH": str(key_b)}
    return fake, env_a, env_b


def counts(url: str) -> dict[str, list[tuple]]:
    with psycopg.connect(url) as conn:
        return {
            t: conn.execute(
                f"select account, count(*) from ledger.{t} group by 1 order by 1"
            ).fetchall()
            for t in ("kalshi_fills", "kalshi_settlements")
        }


def forget_cursors(url: str) -> None:
    """The worst case: the new key's first sync re-reads the whole history."""
    with psycopg.connect(url) as conn:
        conn.execute("delete from ops.cursors where source = 'kalshi'")


def test_rotated_key_reloads_nothing(kalshi_ctx, two_keys, db_url) -> None:
    fake, env_a, env_b = two_keys
    first = {fn.__name__: fn(kalshi_ctx(env_override=env_a, transport=fake)) for fn in STREAMS}
    assert first["sync_fills"].inserted == 6 and first["sync_settlements"].inserted == 3
    forget_cursors(db_url)
    again = {fn.__name__: fn(kalshi_ctx(env_override=env_b, transport=fake)) for fn in STREAMS}
    # the new key was used and accepted, and every record it fetched was already stored
    assert any(r.headers.get("KALSHI-ACCESS-KEY") == KEY_B for r in fake.requests)
    assert fake.rejected == []
    assert again["sync_fills"].records >= 6
    assert {n: (r.inserted, r.conflicts) for n, r in again.items()} == {
        "sync_fills": (0, 0),
        "sync_settlements": (0, 0),
        "sync_positions": (0, 0),
        "sync_balance": (0, 0),
    }
    assert counts(db_url) == {
        "kalshi_fills": [("kalshi", 6)],
        "kalshi_settlements": [("kalshi", 3)],
    }


def test_configured_account_name_is_used(kalshi_ctx, db_url) -> None:
    config = {**CONFIG, "accounts": {"kalshi": {"enabled": True, "account": "main"}}}
    assert sync_fills(kalshi_ctx(config=config)).inserted == 6
    assert counts(db_url)["kalshi_fills"] == [("main", 6)]


def evaluations(result) -> dict[tuple[str, str], bool]:
    return {
        (e.asset_key.path[-1], e.check_name): e.passed for e in result.get_asset_check_evaluations()
    }


def test_one_account_per_record_is_a_blocking_check(
    db_url, tmp_path, monkeypatch, two_keys
) -> None:
    _, env_a, env_b = two_keys
    owned = {ledger_key("kalshi_fills"), ledger_key("kalshi_settlements")}
    # the fills' and settlements' combined check steps (the standard checks, the suite and
    # one_account_per_record); source_ok is in the step of all Kalshi ledgers, left out here
    own_checks = [c for c in checks.standard_checks if {k.asset_key for k in c.check_keys} <= owned]
    specs = [s for c in own_checks for s in c.check_specs if s.name == "one_account_per_record"]
    assert {s.asset_key for s in specs} == owned and all(s.blocking for s in specs)
    selected = [assets.kalshi_fills, assets.kalshi_settlements, *own_checks]
    for env in (env_a, env_b):  # key A, then the rotated key B: still one account per record
        resource = dagster_resource(monkeypatch, tmp_path, db_url, CONFIG, FIXTURES, env)
        forget_cursors(db_url)
        result = dg.materialize(selected, resources={"tradelake": resource})
        assert result.success
        assert evaluations(result)[("kalshi_fills", "one_account_per_record")] is True
        assert evaluations(result)[("kalshi_settlements", "one_account_per_record")] is True
    assert counts(db_url)["kalshi_fills"] == [("kalshi", 6)]

    # a fill and a settlement stored under a second account: the check fails and blocks
    with psycopg.connect(db_url) as conn:
        for table in ("kalshi_fills", "kalshi_settlements"):
            columns = [
                c
                for (c,) in conn.execute(
                    "select column_name from information_schema.columns where table_schema = "
                    "'ledger' and table_name = %s and column_name not in ('account', 'loaded_at') "
                    "order by ordinal_position",
                    (table,),
                ).fetchall()
            ]
            cols = ", ".join(columns)
            conn.execute(
                f"insert into ledger.{table} (account, {cols}) "
                f"select %s, {cols} from ledger.{table} limit 1",
                (KEY_B,),
            )
    result = dg.materialize(selected, resources={"tradelake": resource}, raise_on_error=False)
    assert not result.success
    failed = evaluations(result)
    assert failed[("kalshi_fills", "one_account_per_record")] is False
    assert failed[("kalshi_settlements", "one_account_per_record")] is False
    description = next(
        e.description
        for e in result.get_asset_check_evaluations()
        if e.asset_key.path[-1] == "kalshi_fills" and e.check_name == "one_account_per_record"
    )
    assert f"under {KEY_B}, kalshi" in description and "accounts.kalshi.account" in description


def test_0204_moves_rows_stored_under_key_ids_to_the_stable_account(
    empty_db_url, two_keys, tmp_path, monkeypatch
) -> None:
    """Before 0204 the account was the key id: a key rotation doubled the history. Reproduce
    that on a database at 0203 (account = key id), upgrade, re-sync: one history, no conflict."""
    from alembic import command

    from ingestion.schema import alembic_config, migrate
    from ingestion.sync import SyncContext

    fake, env_a, env_b = two_keys
    monkeypatch.setenv("TRADELAKE_CONFIG", str(tmp_path / "absent.yaml"))  # default account
    command.upgrade(alembic_config(empty_db_url), "0203")

    def sync_all(env: dict, account: str | None) -> dict:
        accounts = {"kalshi": {"enabled": True, **({"account": account} if account else {})}}
        ctx = SyncContext(
            settings=make_settings({**CONFIG, "accounts": accounts}, env, tmp_path),
            database_url=empty_db_url,
        )
        monkeypatch.setattr(ctx, "transport", lambda source: fake)
        try:
            return {fn.__name__: fn(ctx) for fn in STREAMS}
        finally:
            ctx.close()

    # the old behaviour: rows named after the key; the rotated key loads them all again
    sync_all(env_a, KEY_ID)
    forget_cursors(empty_db_url)
    sync_all(env_b, KEY_B)
    assert counts(empty_db_url)["kalshi_fills"] == [(KEY_B, 6), (KEY_ID, 6)]
    with psycopg.connect(empty_db_url) as conn:  # a dbt table built on the doubled history
        conn.execute("create schema core")
        conn.execute("create table core.fills as select * from ledger.kalshi_fills")

    migrate(empty_db_url)

    assert counts(empty_db_url) == {
        "kalshi_fills": [("kalshi", 6)],
        "kalshi_settlements": [("kalshi", 3)],
    }
    with psycopg.connect(empty_db_url) as conn:
        accounts = conn.execute(
            "select distinct account from ledger.kalshi_position_observations union "
            "select distinct account from ledger.kalshi_balance_observations"
        ).fetchall()
        assert accounts == [("kalshi",)]
        # the stale dbt table is gone: the next dbt build rebuilds it from the whole history
        assert conn.execute("select to_regclass('core.fills')").fetchone() == (None,)
        # the ledgers refuse UPDATE again
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("update ledger.kalshi_fills set account = 'x'")
    # record_hash is the loader's: a full re-delivery inserts nothing and conflicts with nothing
    forget_cursors(empty_db_url)
    again = sync_all(env_b, None)
    assert (again["sync_fills"].inserted, again["sync_fills"].conflicts) == (0, 0)
    assert (again["sync_settlements"].inserted, again["sync_settlements"].conflicts) == (0, 0)
    assert counts(empty_db_url)["kalshi_fills"] == [("kalshi", 6)]
