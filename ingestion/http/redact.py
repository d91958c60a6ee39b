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
