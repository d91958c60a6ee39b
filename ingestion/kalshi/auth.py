"""Request signing exactly as https://docs.kalshi.com/getting_started/quick_start_authenticated_requests
describes it: RSA-PSS (MGF1-SHA256, salt length = digest length) over
`timestamp_ms + METHOD + path`, where path is the full URL path including the `/trade-api/v2`
prefix and excluding the query string; base64 in KALSHI-ACCESS-SIGNATURE."""

from __future__ import annotations

import base64
import functools
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ingestion.settings import ConfigError, Settings

KEY_HEADER = "KALSHI-ACCESS-KEY"
SIGNATURE_HEADER = "KALSHI-ACCESS-SIGNATURE"
TIMESTAMP_HEADER = "KALSHI-ACCESS-TIMESTAMP"

PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)


def message(timestamp_ms: str, method: str, path: str) -> bytes:
    """The signed string; the query string never takes part (docs: sign the path only)."""
    return f"{timestamp_ms}{method.upper()}{path.split('?', 1)[0]}".encode()


class KeyFileError(ConfigError):
    """KALSHI_PRIVATE_KEY_PATH cannot be used; the message names the variable, path and why."""


def load_private_key(path: str | Path) -> rsa.RSAPrivateKey:
    """The RSA private key of KALSHI_PRIVATE_KEY_PATH, or KeyFileError saying what is wrong."""

    def bad(reason: str) -> KeyFileError:
        return KeyFileError(
            f"KALSHI_PRIVATE_KEY_PATH={path}: {reason}. Point KALSHI_PRIVATE_KEY_PATH at the "
            "RSA private key (PEM) downloaded with your Kalshi API key, or unset "
            "KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH to skip the Kalshi portfolio streams"
        )

    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise bad("no such file") from None
    except IsADirectoryError:
        raise bad("is a directory, not a key file") from None
    except OSError as exc:
        raise bad(f"cannot read the file ({exc.strerror or exc})") from None
    try:
        key = _parse_pem(data)
    except TypeError:
        raise bad("the private key is encrypted; Kalshi keys are used without a password") from None
    except ValueError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise bad(f"not a PEM private key ({first})") from None
    except Exception as exc:  # cryptography raises UnsupportedAlgorithm for some inputs
        raise bad(f"not a usable private key ({type(exc).__name__}: {exc})") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise bad(f"not an RSA private key (the file holds a {type(key).__name__.lstrip('_')})")
    return key


@functools.lru_cache(maxsize=4)
def _parse_pem(data: bytes):
    """The key in a PEM file's bytes. Parsing checks the RSA key's consistency (≈ 50 ms); every
    Kalshi portfolio stream of a run reads the same file, so the parsed key is kept per content
    (a replaced key file is parsed again)."""
    return serialization.load_pem_private_key(data, password=None)


def check_key_file(settings: Settings) -> None:
    """At load (CLI, before any request): when both Kalshi credentials are set, the key file
    must be a readable RSA private key, else KeyFileError (exit 2)."""
    key_id = settings.secret("KALSHI_API_KEY_ID")
    key_path = settings.secret("KALSHI_PRIVATE_KEY_PATH")
    if key_id and key_path:
        load_private_key(key_path)


class KalshiSigner:
    """Callable VenueHttp signer: adds the three headers to each attempt (fresh timestamp)."""

    def __init__(
        self,
        key_id: str,
        private_key: rsa.RSAPrivateKey,
        clock_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self.key_id, self.private_key, self.clock_ms = key_id, private_key, clock_ms

    def __call__(self, request: httpx.Request) -> None:
        ts = str(self.clock_ms())
        signature = self.private_key.sign(
            message(ts, request.method, request.url.path), PSS, hashes.SHA256()
        )
        request.headers[KEY_HEADER] = self.key_id
        request.headers[TIMESTAMP_HEADER] = ts
        request.headers[SIGNATURE_HEADER] = base64.b64encode(signature).decode()


def verify(public_key: rsa.RSAPublicKey, request: httpx.Request) -> None:
    """Raise cryptography's InvalidSignature unless `request` is signed as the docs require
    (used by the test fake and handy when debugging a 401)."""
    ts = request.headers[TIMESTAMP_HEADER]
    signature = base64.b64decode(request.headers[SIGNATURE_HEADER])
    public_key.verify(
        signature, message(ts, request.method, request.url.path), PSS, hashes.SHA256()
    )
