"""Request signing exactly as https://www.okx.com/docs-v5/en/#overview-rest-authentication says.

OK-ACCESS-SIGN = Base64(HMAC-SHA256(SecretKey, timestamp + METHOD + requestPath + body)), where
timestamp is the OK-ACCESS-TIMESTAMP header (ISO 8601 UTC, milliseconds, e.g.
2020-12-08T09:08:57.715Z), METHOD is upper case, requestPath is the path *with* the query string
for GET ("GET request parameters are counted as requestpath, not body") and body is the request
body text ("" for GET). OKX rejects timestamps more than 30 s away from its clock (50102).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime

import httpx

KEY_HEADER = "OK-ACCESS-KEY"
SIGN_HEADER = "OK-ACCESS-SIGN"
TIMESTAMP_HEADER = "OK-ACCESS-TIMESTAMP"
PASSPHRASE_HEADER = "OK-ACCESS-PASSPHRASE"


def iso_ms(at: datetime) -> str:
    """2020-12-08T09:08:57.715Z: UTC, exactly three fractional digits, a literal Z."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def request_path(request: httpx.Request) -> str:
    """Path plus query string exactly as they go on the wire (what OKX hashes)."""
    return request.url.raw_path.decode("ascii")


def prehash(timestamp: str, method: str, path_with_query: str, body: str = "") -> str:
    return f"{timestamp}{method.upper()}{path_with_query}{body}"


def sign(secret: str, timestamp: str, method: str, path_with_query: str, body: str = "") -> str:
    digest = hmac.new(
        secret.encode(), prehash(timestamp, method, path_with_query, body).encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def _body(request: httpx.Request) -> str:
    return request.content.decode() if request.content else ""


class OkxSigner:
    """Callable VenueHttp signer: four headers per attempt (a retry gets a fresh timestamp)."""

    def __init__(
        self,
        api_key: str,
        secret: str,
        passphrase: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.api_key, self.secret, self.passphrase, self.clock = api_key, secret, passphrase, clock

    def __call__(self, request: httpx.Request) -> None:
        ts = iso_ms(self.clock())
        request.headers[KEY_HEADER] = self.api_key
        request.headers[TIMESTAMP_HEADER] = ts
        request.headers[PASSPHRASE_HEADER] = self.passphrase
        request.headers[SIGN_HEADER] = sign(
            self.secret, ts, request.method, request_path(request), _body(request)
        )


def is_valid(request: httpx.Request, secret: str) -> bool:
    """True when `request` carries the signature OKX would compute (test fake, debugging 50113)."""
    ts = request.headers.get(TIMESTAMP_HEADER, "")
    expected = sign(secret, ts, request.method, request_path(request), _body(request))
    return hmac.compare_digest(expected, request.headers.get(SIGN_HEADER, ""))
