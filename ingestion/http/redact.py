"""Secrets never reach a log line, an error message or raw.pages."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "***"
# Parameter and header names that carry credentials on the venues we call.
_SECRET_NAME = re.compile(
    r"(api[-_]?key|apikey|secret|passphrase|signature|sign|token|password|authorization|"
    r"access[-_]key|private)",
    re.IGNORECASE,
)


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(name))


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


class RedactingFilter(logging.Filter):
    """Attach to a handler or logger: rewrites every record's message without the secrets."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = {s for s in secrets if s}

    def add(self, *secrets: str | None) -> None:
        self.secrets.update(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact_text(message, self.secrets)
        if clean != message:
            record.msg, record.args = clean, None
        return True


# One process-wide filter on the tradelake loggers: clients register their secrets here.
SECRETS_FILTER = RedactingFilter()


def register_secrets(*secrets: str | None) -> None:
    SECRETS_FILTER.add(*secrets)
    for name in ("ingestion", "tradelake", "httpx"):
        logger = logging.getLogger(name)
        if SECRETS_FILTER not in logger.filters:
            logger.addFilter(SECRETS_FILTER)
