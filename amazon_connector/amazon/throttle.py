"""Client-side rate limiting for SP-API: one token bucket per (account, operation).

Amazon throttles each operation per selling partner and application with a token
bucket (a rate in requests per second and a burst). Mirroring it locally avoids most
429 answers; the ``x-amzn-RateLimit-Limit`` response header tells the rate Amazon
really applies, and a 429 empties the local bucket (another worker may share the
account's quota).

Buckets *reserve* tokens: ``take()`` consumes a token even when none is available
yet and returns how long to wait for it, so concurrent callers queue up behind each
other instead of polling.
"""

import threading
import time
from collections.abc import Callable, Mapping

# Amazon's documented default usage plans: operation -> (requests per second, burst).
RATE_LIMITS: dict[str, tuple[float, int]] = {
    "getMarketplaceParticipations": (0.016, 15),
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
    "getInventorySummaries": (2.0, 2),
}


class TokenBucket:
    """A token bucket: ``burst`` tokens at most, refilled at ``rate`` per second.

    Not thread-safe on its own: :class:`ThrottleRegistry` serialises access.
    """

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ):
        if rate <= 0:
            raise ValueError("rate must be positive")
        if burst < 1:
            raise ValueError("burst must be at least 1")
        self.rate = float(rate)
        self.burst = int(burst)
        self._clock = clock
        self._tokens = float(burst)
        self._updated = clock()

    @property
    def tokens(self) -> float:
        """Tokens available now (negative when callers already wait for them)."""
        self._refill()
        return self._tokens

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
        self._updated = now

    def _wait_for_one(self) -> float:
        return max(0.0, (1.0 - self._tokens) / self.rate)

    def take(self, max_wait: float | None = None) -> float:
        """Reserve one token; return the seconds to wait before using it (0 if one
        is available now). When the wait would exceed ``max_wait``, nothing is
        reserved and the (too long) wait is returned."""
        self._refill()
        wait = self._wait_for_one()
        if max_wait is not None and wait > max_wait:
            return wait
        self._tokens -= 1.0
        return wait

    def peek(self) -> float:
        """Seconds until a token would be available, without reserving it."""
        self._refill()
        return self._wait_for_one()

    def set_rate(self, rate: float) -> None:
        """Change the refill rate (tokens accrued so far are kept)."""
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._refill()
        self.rate = float(rate)

    def drain(self) -> None:
        """Drop the available tokens (Amazon answered 429: the quota is used up)."""
        self._refill()
        self._tokens = min(self._tokens, 0.0)


class ThrottleRegistry:
    """Token buckets per ``(account_key, operation)``, created on first use from
    ``rate_limits`` (default :data:`RATE_LIMITS`, entries of ``overrides`` win).
    Operations without a known rate limit are not throttled. Thread-safe."""

    def __init__(
        self,
        rate_limits: Mapping[str, tuple[float, int]] | None = None,
        *,
        overrides: Mapping[str, tuple[float, int]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._rate_limits = dict(RATE_LIMITS if rate_limits is None else rate_limits)
        self._rate_limits.update(overrides or {})
        self._clock = clock
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def _bucket(self, account_key: str, operation: str) -> TokenBucket | None:
        key = (account_key, operation)
        bucket = self._buckets.get(key)
        if bucket is None:
            limits = self._rate_limits.get(operation)
            if limits is None:
                return None
            bucket = self._buckets[key] = TokenBucket(*limits, clock=self._clock)
        return bucket

    def wait_time(
        self, account_key: str, operation: str, *, max_wait: float | None = None
    ) -> float:
        """Reserve a token and return the seconds to wait before calling (see
        :meth:`TokenBucket.take` for ``max_wait``)."""
        with self._lock:
            bucket = self._bucket(account_key, operation)
            return bucket.take(max_wait) if bucket else 0.0

    def peek_wait(self, account_key: str, operation: str) -> float:
        """Seconds until a call would be allowed, without reserving anything."""
        with self._lock:
            bucket = self._bucket(account_key, operation)
            return bucket.peek() if bucket else 0.0

    def update_rate(self, account_key: str, operation: str, rate: float) -> None:
        """Apply the rate Amazon announced (``x-amzn-RateLimit-Limit``)."""
        if not rate or rate <= 0:
            return
        with self._lock:
            bucket = self._bucket(account_key, operation)
            if bucket is None:
                bucket = self._buckets[(account_key, operation)] = TokenBucket(
                    rate, 1, clock=self._clock
                )
            elif bucket.rate != rate:
                bucket.set_rate(rate)

    def drain(self, account_key: str, operation: str) -> None:
        """Empty the bucket after a 429 so the next call waits a full interval."""
        with self._lock:
            bucket = self._bucket(account_key, operation)
            if bucket is not None:
                bucket.drain()

    def rate(self, account_key: str, operation: str) -> float | None:
        """The current rate of the bucket (None for unthrottled operations)."""
        with self._lock:
            bucket = self._bucket(account_key, operation)
            return bucket.rate if bucket else None


# Shared by every adapter of the process, so two adapters of the same account
# (e.g. a cron and a job in one worker) share the same quota.
DEFAULT_REGISTRY = ThrottleRegistry()
