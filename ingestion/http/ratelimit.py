"""Client-side rate limiting, set from each venue's documented limit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """Token bucket: `rate` requests per `per` seconds, bursting up to `burst`."""

    def __init__(
        self,
        rate: float,
        per: float = 1.0,
        burst: int | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or per <= 0:
            raise ValueError("rate and per must be positive")
        self.fill_per_second = rate / per
        self.capacity = float(burst if burst is not None else max(1, int(rate)))
        self.tokens = self.capacity
        self._clock, self._sleep = clock, sleep
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping until one is available; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            self.tokens = min(
                self.capacity, self.tokens + (now - self._last) * self.fill_per_second
            )
            self._last = now
            wait = 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.fill_per_second
            self.tokens -= 1  # may go negative: the debt is paid by the sleep below
        if wait:
            self._sleep(wait)
        return wait
