"""Configuration: environment variables (CONTRACT §2) plus the operator's tradelake.yaml.

Nothing is read at import time; `load_settings()` is called by whoever needs it.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DEFAULT_URLS = {
    "KALSHI_BASE_URL": "https://external-api.kalshi.com/trade-api/v2",
    "POLYMARKET_GAMMA_URL": "https://gamma-api.polymarket.com",
    "POLYMARKET_DATA_URL": "https://data-api.polymarket.com",
    "POLYMARKET_CLOB_URL": "https://clob.polymarket.com",
    "ESPN_BASE_URL": "https://site.api.espn.com",
    "OKX_BASE_URL": "https://www.okx.com",
    "ETHERSCAN_BASE_URL": "https://api.etherscan.io",
    "HYPERLIQUID_BASE_URL": "https://api.hyperliquid.xyz",
}


class ConfigError(Exception):
    """The configuration cannot be used; the message says how to fix it."""


class _Model(BaseModel):
    # Unknown keys are allowed: CONTRACT lets operators add their own keys beside ours.
    model_config = ConfigDict(extra="allow", frozen=True)


class KalshiMarkets(_Model):
    series: list[str] = Field(default_factory=list)


class PolymarketMarkets(_Model):
    slugs: list[str] = Field(default_factory=list)
    tag_ids: list[int | str] = Field(default_factory=list)


class Markets(_Model):
    kalshi: KalshiMarkets = KalshiMarkets()
    polymarket: PolymarketMarkets = PolymarketMarkets()


class EspnGames(_Model):
    leagues: list[str] = Field(default_factory=list)


class Games(_Model):
    espn: EspnGames = EspnGames()


def _lower_all(values: list[str]) -> list[str]:
    return [v.lower() for v in values]


class EnabledAccount(_Model):
    enabled: bool = False


class OkxAccount(EnabledAccount):
    inst_types: list[str] = Field(default_factory=lambda: ["SPOT", "SWAP"])


class AddressAccounts(_Model):
    addresses: list[str] = Field(default_factory=list)

    @field_validator("addresses")
    @classmethod
    def _lowercase(cls, v: list[str]) -> list[str]:
        return _lower_all(v)


class Accounts(_Model):
    kalshi: EnabledAccount = EnabledAccount()
    okx: OkxAccount = OkxAccount()
    hyperliquid: AddressAccounts = AddressAccounts()
    polymarket: AddressAccounts = AddressAccounts()


class TrackedWallet(_Model):
    address: str
    label: str | None = None
    polymarket: bool = False
    hyperliquid: bool = False
    evm_chains: list[int] = Field(default_factory=list)

    @field_validator("address")
    @classmethod
    def _lowercase(cls, v: str) -> str:
        return v.lower()


class Retention(_Model):
    raw_pages_months: int = Field(default=3, ge=1)  # months of raw pages kept in PostgreSQL
    archive_root: str | None = None  # any universal-pathlib URI; default $TRADELAKE_HOME/archive


class TradelakeConfig(_Model):
    sync_start: datetime = datetime(2025, 11, 1, tzinfo=UTC)
    markets: Markets = Markets()
    games: Games = Games()
    accounts: Accounts = Accounts()
    wallets: list[TrackedWallet] = Field(default_factory=list)
    retention: Retention = Retention()

    @field_validator("sync_start")
    @classmethod
    def _utc(cls, v: datetime) -> datetime:
        return v.replace(tzinfo=UTC) if v.tzinfo is None else v.astimezone(UTC)


class Settings(BaseModel):
    """Everything a sync needs to know, resolved once per run."""

    model_config = ConfigDict(frozen=True)

    config: TradelakeConfig
    config_path: Path | None
    home: Path
    env: dict[str, str]

    def url(self, name: str) -> str:
        return self.env.get(name) or DEFAULT_URLS[name]

    def secret(self, name: str) -> str | None:
        """A credential, or None when unset/blank (never a silent empty default)."""
        value = self.env.get(name, "").strip()
        return value or None


def tradelake_home(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("TRADELAKE_HOME") or "./.tradelake").resolve()


def config_path(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("TRADELAKE_CONFIG") or "./tradelake.yaml").resolve()


def parse_config(text: str, origin: str = "tradelake.yaml") -> TradelakeConfig:
    try:
        data: Any = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{origin} must be a mapping of keys (sync_start, markets, ...)")
    try:
        return TradelakeConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"{origin} is invalid: {problems}") from exc


def load_settings(env: dict[str, str] | None = None, *, require_config: bool = True) -> Settings:
    """Read TRADELAKE_CONFIG (default ./tradelake.yaml) and the environment."""
    env = dict(os.environ if env is None else env)
    path = config_path(env)
    if path.exists():
        config = parse_config(path.read_text(), origin=str(path))
    elif require_config:
        raise ConfigError(
            f"config file {path} not found: create it (see README 'Configuration') "
            "or point TRADELAKE_CONFIG at one, e.g. TRADELAKE_CONFIG=demo/tradelake.yaml"
        )
    else:
        config, path = TradelakeConfig(), None
    return Settings(config=config, config_path=path, home=tradelake_home(env), env=env)
