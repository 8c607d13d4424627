"""Amazon's documented usage plans and a token bucket per operation."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

#: operation -> (rate in requests per second, burst), from the official models.
DOCUMENTED_RATE_LIMITS: dict[str, tuple[float, int]] = {
    "searchOrders": (0.0056, 20),
    "getOrder": (0.5, 30),
    "confirmShipment": (2.0, 10),
    "createFeedDocument": (0.5, 15),
    "createFeed": (0.0083, 15),
    "getFeed": (2.0, 15),
    "getFeedDocument": (0.0222, 10),
    "getReports": (0.0222, 10),
    "createReport": (0.0167, 15),
    "getReport": (2.0, 15),
    "getReportDocument": (0.0167, 15),
    "patchListingsItem": (5.0, 5),
    "getListingsItem": (5.0, 10),
    "getMarketplaceParticipations": (0.016, 15),
}


def rate_header(rate: float) -> str:
    """Format a rate like the ``x-amzn-RateLimit-Limit`` header does ("0.0056")."""
    return f"{rate:.10f}".rstrip("0").rstrip(".")


class TokenBucket:
    """A bucket of ``burst`` tokens refilled at ``rate`` tokens per second."""

    def __init__(
        self, rate: float, burst: int, monotonic: Callable[[], float] = time.monotonic
    ):
        self.rate = rate
        self.burst = burst
        self._monotonic = monotonic
        self._tokens = float(burst)
        self._updated = monotonic()
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = self._monotonic()
            elapsed = max(0.0, now - self._updated)
            self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
            self._updated = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False


class RateLimiter:
    """Token buckets for every operation with a usage plan."""

    def __init__(
        self,
        overrides: dict[str, tuple[float, int]] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.limits = {**DOCUMENTED_RATE_LIMITS, **(overrides or {})}
        self._buckets = {
            op: TokenBucket(rate, burst, monotonic)
            for op, (rate, burst) in self.limits.items()
        }

    def rate_of(self, operation: str) -> float | None:
        limit = self.limits.get(operation)
        return limit[0] if limit else None

    def allow(self, operation: str) -> bool:
        bucket = self._buckets.get(operation)
        return bucket.take() if bucket else True
