"""Client-side rate limiting, set from each venue's documented limit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """Token bucket: `rate` units per `per` seconds, bursting up to `burst`.

    A unit is a request for most venues; venues that count weight (Hyperliquid: 1200 per minute,
    20 per info request plus 1 per 20 items returned) acquire several at once."""

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
        self.spent = 0.0  # every unit acquired, for logs and tests
        # False before a recorded twin (ingestion/http/replay.py), which has no limit to respect:
        # units are still counted, nothing is waited for (the demo's and the tests' syncs)
        self.paced = True

    def acquire(self, cost: float = 1.0) -> float:
        """Take `cost` tokens, sleeping until they are there; returns the seconds waited.

        A cost of 0 or less takes nothing. A cost larger than the burst is allowed: the bucket
        goes into debt and the sleep pays it."""
        if cost <= 0:
            return 0.0
        if not self.paced:
            with self._lock:
                self.spent += cost
            return 0.0
        with self._lock:
            now = self._clock()
            self.tokens = min(
                self.capacity, self.tokens + (now - self._last) * self.fill_per_second
            )
            self._last = now
            self.tokens -= cost  # may go negative: the debt is paid by the sleep below
            wait = 0.0 if self.tokens >= 0 else -self.tokens / self.fill_per_second
            self.spent += cost
        if wait:
            self._sleep(wait)
        return wait
