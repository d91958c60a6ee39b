"""Secrets never reach a log line, an error message or raw.pages."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

import httpx

REDACTED = "***"
# Parameter and header names that carry credentials on the venues we call.
_SECRET_NAME = re.compile(
    r"(api[-_]?key|apikey|secret|passphrase|signature|sign|token|password|authorization|"
    r"access[-_]key|private)",
    re.IGNORECASE,
)


# Names whose *values* are credentials for sure (headers and query parameters of a request we
# send): their values are redacted wherever they show up in a stored body. Narrower than
# _SECRET_NAME, which also hides e.g. `token_id` from request metadata: a token id is data.
_CREDENTIAL_NAME = re.compile(
    r"(api[-_]?key|apikey|secret|passphrase|signature|password|authorization|access[-_]?key|"
    r"access[-_]?sign|^sign$)",
    re.IGNORECASE,
)
# Query parameters echoed inside a body (an error page quoting the URL) whose value was not
# registered: the value is cut at a quote or a bracket so that a JSON body stays JSON.
_ECHOED_PARAM = re.compile(
    r"([?&][^=&\s\"'<>]*(?:api[-_]?key|apikey|secret|signature|passphrase|access[-_]?sign)"
    r"[^=&\s\"'<>]*=)[^&\s\"'<>\\]+",
    re.IGNORECASE,
)
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
MIN_SECRET_LENGTH = 4  # shorter values would redact ordinary text


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(name))


def request_secrets(request: httpx.Request) -> tuple[str, ...]:
    """The credential values a signed request carries: API keys, passphrases and the computed
    per-request signatures (OK-ACCESS-SIGN, KALSHI-ACCESS-SIGNATURE) in its headers, and
    credentials sent as query parameters (Etherscan's `apikey`)."""
    found = [v for k, v in request.headers.items() if _CREDENTIAL_NAME.search(k)]
    found += [v for k, v in request.url.params.multi_items() if _CREDENTIAL_NAME.search(k)]
    return tuple(v for v in found if v)


def _variants(secret: str) -> set[str]:
    """How a secret may appear in a body that echoes it: as is, URL-encoded (an echoed URL),
    JSON-escaped (a string inside a JSON body, `/` possibly as `\\/`)."""
    escaped = json.dumps(secret)[1:-1]
    return {
        secret,
        quote(secret, safe=""),
        quote(secret, safe="/:"),
        quote_plus(secret),
        escaped,
        escaped.replace("/", "\\/"),
    }


def redact_body(body: str, secrets: Iterable[str]) -> str:
    """A response body with every known secret value replaced by ***.

    JSON bodies are redacted inside their string literals only (keys and values, at any depth,
    including echoed URLs), so numbers are never touched and the body stays JSON; any other body
    (an HTML or text error page) everywhere. Echoed query parameters that name a credential lose
    their value even when it was not registered."""
    variants = sorted(
        {v for s in secrets if s and len(s) >= MIN_SECRET_LENGTH for v in _variants(s)},
        key=len,
        reverse=True,
    )
    if not variants and "=" not in body:
        return body

    def clean(text: str) -> str:
        for value in variants:
            text = text.replace(value, REDACTED)
        return _ECHOED_PARAM.sub(rf"\1{REDACTED}", text)

    try:
        json.loads(body)
    except ValueError:
        return clean(body)
    redacted = _JSON_STRING.sub(lambda m: clean(m.group(0)), body)
    if redacted != body:
        try:
            json.loads(redacted)
        except ValueError:  # a secret cut an escape sequence in two: redact the whole text
            return clean(body)
    return redacted


def redact_mapping(values: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: (REDACTED if is_secret_name(k) else v) for k, v in (values or {}).items()}


def redact_text(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    # query strings such as ...&apikey=XYZ&... even when the value was not registered
    return re.sub(
        r"([?&][^=&\s]*(?:api[-_]?key|apikey|secret|signature|token|passphrase)[^=&\s]*=)[^&\s]+",
        rf"\1{REDACTED}",
        text,
        flags=re.IGNORECASE,
    )


class _Secrets:
    """Process-wide registry; a LogRecord factory redacts every record, from any logger."""

    def __init__(self) -> None:
        self.values: set[str] = set()
        self.installed = False

    def install(self) -> None:
        if self.installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            if self.values:
                message = record.getMessage()
                clean = redact_text(message, self.values)
                if clean != message:
                    record.msg, record.args = clean, None
            return record

        logging.setLogRecordFactory(factory)
        self.installed = True


_SECRETS = _Secrets()


def register_secrets(*secrets: str | None) -> None:
    """Every later log line, from any logger, has these values replaced by ***."""
    _SECRETS.values.update(s for s in secrets if s)
    _SECRETS.install()
