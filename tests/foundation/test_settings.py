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


A1 = "0xABCdef0123456789abcdef0123456789ABCDEF01"
A2 = "0xDEADbeef00000000000000000000000000000002"


def test_addresses_are_lowercased_and_contract_keys_accepted() -> None:
    config = parse_config(
        f"""
        accounts:
          polymarket: {{addresses: ["{A1}"]}}
          kalshi: {{enabled: true, rate_limit_tier: advanced}}
        wallets: [{{address: "{A2}", label: w, tags: [nfl], hyperliquid: true,
                   evm_chains: [1, 8453]}}]
        markets: {{okx: {{instruments: [BTC-USDT]}}, hyperliquid: {{coins: [BTC]}}}}
        reports: {{webhook_url: "https://hooks.example/x"}}
        """
    )
    assert config.accounts.polymarket.addresses == [A1.lower()]
    assert config.wallets[0].address == A2.lower()
    assert config.wallets[0].evm_chains == [1, 8453]
    assert config.wallets[0].tags == ["nfl"]
    assert config.accounts.kalshi.rate_limit_tier == "advanced"


# Issue #20 part 10: a misspelt key or a bad address is refused at load, naming key and line.
BAD_CONFIGS = [
    (
        'sync_start: "2025-11-01T00:00:00Z"\nwalets:\n  - {address: "0x1"}\n',
        "tradelake.yaml line 2: unknown key 'walets' (did you mean 'wallets'?)",
    ),
    (
        "accounts:\n  kalshi: {enabled: true}\n  okx:\n    enabled: true\n    inst_type: [SPOT]\n",
        "tradelake.yaml line 5: unknown key 'inst_type' in accounts.okx "
        "(did you mean 'inst_types'?)",
    ),
    (
        f'wallets:\n  - {{address: "{A1}"}}\n  - address: "{A2}"\n    lable: whale\n',
        "tradelake.yaml line 4: unknown key 'lable' in wallets[1] (did you mean 'label'?)",
    ),
    (
        'accounts:\n  polymarket:\n    addresses:\n      - "0xnothex"\n',
        "tradelake.yaml line 4: accounts.polymarket.addresses[0]: '0xnothex' is not an address: "
        "expected 0x followed by 40 hex digits",
    ),
    (
        f'wallets:\n  - {{address: "{A1}"}}\n  - {{address: "{A1[:-1]}Z", label: w}}\n',
        f"tradelake.yaml line 3: wallets[1].address: '{A1[:-1]}Z' is not an address",
    ),
    (
        f'accounts:\n  hyperliquid: {{addresses: ["{A1}0"]}}\n',
        "tradelake.yaml line 2: accounts.hyperliquid.addresses[0]: ",
    ),
    ("colour: blue\n", "tradelake.yaml line 1: unknown key 'colour' (known keys: sync_start, "),
    (
        'markets:\n  okx:\n    instruments: ["BTC-USDT", "btc usdt"]\n',
        "tradelake.yaml line 3: markets.okx.instruments[1]: 'btc usdt' is not an OKX instId: "
        "expected upper-case parts joined by '-', e.g. BTC-USDT or ETH-USDT-SWAP",
    ),
    (
        'markets:\n  hyperliquid: {coins: ["BTC", "@107"]}\n',
        "tradelake.yaml line 2: markets.hyperliquid.coins[1]: '@107' is not a Hyperliquid perp "
        "coin",
    ),
    (
        'markets:\n  hyperliquid: {coins: ["BTC", "ETH", "BTC"]}\n',
        "tradelake.yaml line 2: markets.hyperliquid.coins: listed twice: BTC",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS)
def test_unknown_keys_and_bad_addresses_name_key_and_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(text)
    assert str(raised.value).startswith(message), str(raised.value)


def test_naive_sync_start_is_utc() -> None:
    assert parse_config('sync_start: "2025-11-01T00:00:00"').sync_start.tzinfo == UTC


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sync_start: [", "not valid YAML"),
        ("- a\n- b", "must be a mapping"),
        ("wallets: [{label: x}]", r"line 1: wallets\[0\]\.address: Field required"),
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


def test_a_rewritten_config_file_is_read_again(tmp_path: Path) -> None:
    """The parsed configuration is cached on the file's text (a run reads it in every step):
    an edited tradelake.yaml is still what the next read returns."""
    path = tmp_path / "tradelake.yaml"
    env = {"TRADELAKE_CONFIG": str(path), "TRADELAKE_HOME": str(tmp_path)}
    path.write_text("sync_start: 2026-01-01T00:00:00Z\n")
    first = load_settings(env).config
    assert first.sync_start == datetime(2026, 1, 1, tzinfo=UTC)
    assert load_settings(env).config is first  # parsed once
    path.write_text("sync_start: 2026-02-01T00:00:00Z\n")
    assert load_settings(env).config.sync_start == datetime(2026, 2, 1, tzinfo=UTC)
    path.write_text("sync_start: 2026-02-01T00:00:00Z\nwalets: []\n")
    with pytest.raises(ConfigError, match="line 2: unknown key 'walets'"):
        load_settings(env)
