"""Configuration: the CONTRACT §2 keys, defaults, normalisation and errors that name the fix."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingestion.db import dsn_parts, sqlalchemy_url
from ingestion.settings import ConfigError, load_settings, parse_config

ROOT = Path(__file__).resolve().parents[2]


def test_demo_and_example_configs_parse() -> None:
    for name in ("demo/tradelake.yaml", "tradelake.example.yaml"):
        config = parse_config((ROOT / name).read_text())
        assert config.sync_start == datetime(2025, 11, 1, tzinfo=UTC)
        assert config.markets.kalshi.series == ["KXNFLGAME"]


def test_addresses_are_lowercased_and_unknown_keys_allowed() -> None:
    config = parse_config(
        """
        accounts: {polymarket: {addresses: ["0xABCdef"]}}
        wallets: [{address: "0xDEADbeef", label: w, hyperliquid: true, evm_chains: [1, 8453]}]
        my_own_key: {anything: 1}
        """
    )
    assert config.accounts.polymarket.addresses == ["0xabcdef"]
    assert config.wallets[0].address == "0xdeadbeef"
    assert config.wallets[0].evm_chains == [1, 8453]


def test_naive_sync_start_is_utc() -> None:
    assert parse_config('sync_start: "2025-11-01T00:00:00"').sync_start.tzinfo == UTC


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sync_start: [", "not valid YAML"),
        ("- a\n- b", "must be a mapping"),
        ("wallets: [{label: x}]", "wallets.0.address"),
        ("sync_start: yesterday", "sync_start"),
    ],
)
def test_bad_config_names_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(text)


def test_missing_config_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="TRADELAKE_CONFIG"):
        load_settings({"TRADELAKE_CONFIG": str(tmp_path / "none.yaml")})
    settings = load_settings({"TRADELAKE_CONFIG": str(tmp_path / "x.yaml")}, require_config=False)
    assert settings.config.wallets == []


def test_urls_and_secrets() -> None:
    settings = load_settings(
        {"TRADELAKE_CONFIG": "/nonexistent", "KALSHI_BASE_URL": "http://k", "OKX_API_KEY": " "},
        require_config=False,
    )
    assert settings.url("KALSHI_BASE_URL") == "http://k"
    assert settings.url("ESPN_BASE_URL") == "https://site.api.espn.com"
    assert settings.secret("OKX_API_KEY") is None  # blank is missing, never ""


@pytest.mark.parametrize(
    ("url", "host", "port", "user", "password", "db"),
    [
        ("postgresql://u:p%40ss@db.example:6543/trade", "db.example", 6543, "u", "p@ss", "trade"),
        (
            "postgresql://postgres:@/tradelake?host=/tmp/pg",
            "/tmp/pg",
            5432,
            "postgres",
            "",
            "tradelake",
        ),
        ("postgresql://me@%2Fvar%2Frun%2Fpostgresql/x", "/var/run/postgresql", 5432, "me", "", "x"),
    ],
)
def test_database_urls_tcp_and_socket(url, host, port, user, password, db) -> None:
    p = dsn_parts(url)
    assert (p.host, p.port, p.user, p.password, p.dbname) == (host, port, user, password, db)
    assert sqlalchemy_url(url, "psycopg2").startswith("postgresql+psycopg2://")
    assert dsn_parts(sqlalchemy_url(url).replace("+psycopg", "")) == p
