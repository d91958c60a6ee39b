"""Configuration: environment variables (CONTRACT §2) plus the operator's tradelake.yaml.

Nothing is read at import time; `load_settings()` is called by whoever needs it.
"""

from __future__ import annotations

import difflib
import os
import re
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

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
    # Unknown keys are refused at every level: a misspelt key (`walets:`) would otherwise be
    # ignored silently. Every key the product reads is declared below (CONTRACT §2 + our own).
    model_config = ConfigDict(extra="forbid", frozen=True)


_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")


def _address(value: str) -> str:
    """An EVM address (Polymarket, Hyperliquid, Etherscan): 0x + 40 hex digits, lowercased."""
    if not isinstance(value, str) or not _ADDRESS.match(value.strip()):
        raise ValueError(f"{value!r} is not an address: expected 0x followed by 40 hex digits")
    return value.strip().lower()


Address = Annotated[str, AfterValidator(_address)]


class KalshiMarkets(_Model):
    series: list[str] = Field(default_factory=list)


class PolymarketMarkets(_Model):
    slugs: list[str] = Field(default_factory=list)
    tag_ids: list[int | str] = Field(default_factory=list)


_OKX_INST_ID = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)+$")
_HL_COIN = re.compile(r"^(?:[A-Za-z0-9]+:)?[A-Za-z0-9]+$")


def _okx_inst_id(value: str) -> str:
    """An OKX instId as the venue spells it: BTC-USDT (spot), ETH-USDT-SWAP, BTC-USD-251226."""
    if not isinstance(value, str) or not _OKX_INST_ID.match(value):
        raise ValueError(
            f"{value!r} is not an OKX instId: expected upper-case parts joined by '-', "
            "e.g. BTC-USDT or ETH-USDT-SWAP"
        )
    return value


def _hyperliquid_coin(value: str) -> str:
    """A Hyperliquid perp coin as the venue names it (BTC, kPEPE, or dex:COIN for builder dexes);
    spot pairs (@107) have no candles under a readable name, so they are refused here."""
    if not isinstance(value, str) or not _HL_COIN.match(value):
        raise ValueError(
            f"{value!r} is not a Hyperliquid perp coin: expected a name such as BTC or ETH"
        )
    return value


def _unique(values: list[str]) -> list[str]:
    seen = [v for i, v in enumerate(values) if v in values[:i]]
    if seen:
        raise ValueError(f"listed twice: {', '.join(sorted(set(seen)))}")
    return values


OkxInstId = Annotated[str, AfterValidator(_okx_inst_id)]
HyperliquidCoin = Annotated[str, AfterValidator(_hyperliquid_coin)]


class OkxMarkets(_Model):
    # CONTRACT §2 (added keys): hourly candles of these instruments (market states)
    instruments: Annotated[list[OkxInstId], AfterValidator(_unique)] = Field(default_factory=list)


class HyperliquidMarkets(_Model):
    # CONTRACT §2 (added keys): hourly candles of these perp coins (market states)
    coins: Annotated[list[HyperliquidCoin], AfterValidator(_unique)] = Field(default_factory=list)


class Markets(_Model):
    kalshi: KalshiMarkets = KalshiMarkets()
    polymarket: PolymarketMarkets = PolymarketMarkets()
    okx: OkxMarkets = OkxMarkets()
    hyperliquid: HyperliquidMarkets = HyperliquidMarkets()


class EspnGames(_Model):
    leagues: list[str] = Field(default_factory=list)


class Games(_Model):
    espn: EspnGames = EspnGames()


class EnabledAccount(_Model):
    enabled: bool = False


DEFAULT_KALSHI_ACCOUNT = "kalshi"


class KalshiAccount(EnabledAccount):
    rate_limit_tier: str = "basic"  # our own key: the account's Kalshi API tier
    # our own key: the name the Kalshi account's rows are kept under (`account` of core.fills,
    # settlements, positions, balances). Kalshi's fills, settlements, positions and balance carry
    # no user id, and the API key id changes when the key is rotated: a stable configured name
    # keeps one history across keys (issue #20 part 7).
    account: str = Field(default=DEFAULT_KALSHI_ACCOUNT, min_length=1, pattern=r"^\S+$")


class OkxAccount(EnabledAccount):
    inst_types: list[str] = Field(default_factory=lambda: ["SPOT", "SWAP"])


class AddressAccounts(_Model):
    addresses: list[Address] = Field(default_factory=list)


class Accounts(_Model):
    kalshi: KalshiAccount = KalshiAccount()
    okx: OkxAccount = OkxAccount()
    hyperliquid: AddressAccounts = AddressAccounts()
    polymarket: AddressAccounts = AddressAccounts()


class TrackedWallet(_Model):
    address: Address
    label: str | None = None
    tags: list[str] = Field(default_factory=list)  # CONTRACT §2 (added keys)
    polymarket: bool = False
    hyperliquid: bool = False
    evm_chains: list[int] = Field(default_factory=list)


class Reports(_Model):
    webhook_url: str | None = None  # CONTRACT §2 (added keys); a secret


class Retention(_Model):
    raw_pages_months: int = Field(default=3, ge=1)  # months of raw pages kept in PostgreSQL
    archive_root: str | None = None  # any universal-pathlib URI; default $TRADELAKE_HOME/archive


class VolumeThreshold(_Model):
    """When a ledger's day looks empty against its own history (quality/volume.py): the last
    complete UTC day warns when the median of the `trailing_days` before it is at least
    `min_expected_rows` and the day loaded fewer than `min_ratio` of that median."""

    trailing_days: int = Field(default=7, ge=1)
    min_expected_rows: int = Field(default=100, ge=1)
    min_ratio: float = Field(default=0.1, gt=0, le=1)


class Quality(_Model):
    volume: VolumeThreshold = VolumeThreshold()


class TradelakeConfig(_Model):
    sync_start: datetime = datetime(2025, 11, 1, tzinfo=UTC)
    markets: Markets = Markets()
    games: Games = Games()
    accounts: Accounts = Accounts()
    wallets: list[TrackedWallet] = Field(default_factory=list)
    retention: Retention = Retention()
    reports: Reports = Reports()
    quality: Quality = Quality()

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


def _key_lines(node: yaml.Node, path: tuple = (), lines: dict | None = None) -> dict:
    """Line (1-based) of every key and list item of the YAML document, by its path."""
    lines = {} if lines is None else lines
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            here = (*path, key.value)
            lines[here] = key.start_mark.line + 1
            _key_lines(value, here, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = item.start_mark.line + 1
            _key_lines(item, (*path, i), lines)
    return lines


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The config model that holds the keys at `loc` (e.g. ('wallets', 0) -> TrackedWallet)."""
    annotation: Any = TradelakeConfig
    for part in loc:
        while get_origin(annotation) is not None and not isinstance(part, int):
            args = [a for a in get_args(annotation) if a is not type(None)]
            annotation = args[0] if args else None
        if isinstance(part, int):
            args = get_args(annotation)
            annotation = args[0] if args else None
            continue
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        field = annotation.model_fields.get(part)
        if field is None:
            return None
        annotation = field.annotation
    return (
        annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    )


def _dotted(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _problem(error: dict, lines: dict, origin: str) -> str:
    loc = tuple(error["loc"])
    line = next((lines[loc[:n]] for n in range(len(loc), 0, -1) if loc[:n] in lines), None)
    where = f"{origin} line {line}" if line else origin
    if error["type"] == "extra_forbidden":
        key, parent = loc[-1], loc[:-1]
        model = _model_at(parent)
        known = list(model.model_fields) if model else []
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (known keys: {', '.join(known)})"
        inside = f" in {_dotted(parent)}" if parent else ""
        return f"{where}: unknown key '{key}'{inside}{hint}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {_dotted(loc) or 'document'}: {message}"


# libyaml's loader when PyYAML was built with it (its wheels are): ≈ 10× the pure-Python one
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=8)
def parse_config(text: str, origin: str = "tradelake.yaml") -> TradelakeConfig:
    """Parse and check tradelake.yaml; a ConfigError names each problem with its line.

    Cached on the text (the model is frozen): a run reads its settings in every step."""
    try:
        data: Any = yaml.load(text, Loader=_LOADER) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{origin} must be a mapping of keys (sync_start, markets, ...)")
    try:
        return TradelakeConfig.model_validate(data)
    except ValidationError as exc:
        node = yaml.compose(text, Loader=_LOADER)  # the keys' lines, for the message
        lines = _key_lines(node) if node is not None else {}
        problems = [_problem(e, lines, origin) for e in exc.errors()]
        raise ConfigError("; ".join(problems)) from exc


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
