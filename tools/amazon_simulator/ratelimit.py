"""Amazon's usage plans, read from Amazon's API models, and a token bucket per
operation.

Each operation of Amazon's models documents its default usage plan in its
description, a table ``| Rate (requests per second) | Burst |``, and lists the
responses that carry ``x-amzn-RateLimit-Limit`` (200, 400, 404..., never 403, 429 or
5xx). ``usage_plans()`` reads both from the model files of the operations the
simulator serves (``PLAN_MODELS``, looked up like every model: ``models.py``).

Without the models (a clone without ``shared/``, offline), the plans of
``FALLBACK_PLANS`` are used, with one logged warning: the few operations the
simulator serves, so that the tests run the same everywhere. ``FALLBACK_PLANS`` is
never preferred to the models, and a test checks it against them (it cannot
drift). ``getMarketplaceParticipations`` (Sellers API) is always taken from it: the
Sellers model is not among the pinned models.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .models import try_load_model

_logger = logging.getLogger(__name__)

#: The models of the operations the simulator serves, in the order they are read
#: (an operation in two of them, such as getOrder in v0 and v2026-01-01, is taken
#: from the first).
PLAN_MODELS = (
    "orders_2026-01-01.json",
    "ordersV0.json",
    "feeds_2021-06-30.json",
    "reports_2021-06-30.json",
    "listingsItems_2021-08-01.json",
    "fbaInventory.json",
)
#: The responses that carry x-amzn-RateLimit-Limit when the model cannot say: the
#: success and 400/404, as every operation of the pinned models lists them.
FALLBACK_HEADER_STATUSES = frozenset({200, 201, 202, 204, 400, 404})
#: operation -> (rate, burst) used only when its model cannot be had (see above).
FALLBACK_PLANS: dict[str, tuple[float, int]] = {
    # Sellers API v1 (not among the pinned models): Amazon's documented plan.
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
    "getListingsItem": (5.0, 10),
    "patchListingsItem": (5.0, 5),
    "getInventorySummaries": (2.0, 2),
}

_PLAN_TABLE = re.compile(
    r"\|\s*Rate \(requests per second\)\s*\|\s*Burst\s*\|\s*\n"
    r"\s*\|[\s\-|]*\|\s*\n"
    r"\s*\|\s*([0-9.]+)\s*\|\s*([0-9]+)\s*\|"
)


@dataclass(frozen=True)
class UsagePlan:
    """An operation's default rate (requests per second) and burst, the response
    statuses that advertise the rate, and where they were read."""

    rate: float
    burst: int
    header_statuses: frozenset[int] = FALLBACK_HEADER_STATUSES
    source: str = "built-in"


def parse_plan_table(description: str) -> tuple[float, int] | None:
    """The ``(rate, burst)`` of the usage-plan table in an operation's description,
    ``None`` when there is none."""
    match = _PLAN_TABLE.search(description or "")
    if match is None:
        return None
    return float(match.group(1)), int(match.group(2))


def model_usage_plans(name: str, document: dict) -> dict[str, UsagePlan]:
    """The usage plan of each operation of one model file that documents one."""
    plans = {}
    for path_item in (document.get("paths") or {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            plan = parse_plan_table(operation.get("description", ""))
            if plan is None:
                continue
            statuses = frozenset(
                int(status)
                for status, response in (operation.get("responses") or {}).items()
                if status.isdigit()
                and "x-amzn-RateLimit-Limit" in (response.get("headers") or {})
            )
            plans[operation["operationId"]] = UsagePlan(
                plan[0], plan[1], statuses, name
            )
    return plans


@functools.cache
def usage_plans() -> dict[str, UsagePlan]:
    """Operation -> its usage plan: from Amazon's models, ``FALLBACK_PLANS`` for
    what they do not give (logged once per process)."""
    plans: dict[str, UsagePlan] = {}
    missing = []
    for name in PLAN_MODELS:
        document = try_load_model(name)
        if document is None:
            missing.append(name)
            continue
        for operation, plan in model_usage_plans(name, document).items():
            plans.setdefault(operation, plan)
    built_in = sorted(set(FALLBACK_PLANS) - set(plans))
    if missing:
        _logger.warning(
            "Amazon's models %s are not available: the simulator enforces its "
            "built-in usage plans for %s",
            ", ".join(missing),
            ", ".join(built_in),
        )
    for operation in built_in:
        rate, burst = FALLBACK_PLANS[operation]
        plans[operation] = UsagePlan(rate, burst)
    return plans


def documented_rate_limits() -> dict[str, tuple[float, int]]:
    """Operation -> ``(rate, burst)`` of :func:`usage_plans`."""
    return {op: (plan.rate, plan.burst) for op, plan in usage_plans().items()}


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
            self._updated = max(self._updated, now)  # a hold (spend) may run on
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False

    def spend(self, hold: float = 0.0) -> int:
        """Take every whole token, and those refilled during ``hold`` seconds (the
        bucket refills from then on); how many were there."""
        with self._lock:
            now = self._monotonic()
            elapsed = max(0.0, now - self._updated)
            tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
            taken = int(tokens)
            self._tokens = tokens - taken
            self._updated = max(self._updated, now + max(0.0, hold))
            return taken


class RateLimiter:
    """Amazon's usage plans (``overrides``: operation -> ``(rate, burst)`` replacing
    them) and, when ``enforce``, a token bucket per operation on ``monotonic``."""

    def __init__(
        self,
        overrides: dict[str, tuple[float, int]] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        *,
        enforce: bool = True,
    ):
        self.plans = dict(usage_plans())
        for operation, (rate, burst) in (overrides or {}).items():
            plan = self.plans.get(operation, UsagePlan(rate, burst))
            self.plans[operation] = UsagePlan(
                rate, burst, plan.header_statuses, "override"
            )
        self.limits = {op: (p.rate, p.burst) for op, p in self.plans.items()}
        self.enforce = enforce
        self._buckets = {
            op: TokenBucket(rate, burst, monotonic)
            for op, (rate, burst) in self.limits.items()
        }

    def rate_of(self, operation: str) -> float | None:
        limit = self.limits.get(operation)
        return limit[0] if limit else None

    def advertised_rate(self, operation: str | None, status: int) -> float | None:
        """The rate ``x-amzn-RateLimit-Limit`` carries on an answer ``status`` of
        ``operation``: only on the statuses Amazon's model lists it for."""
        plan = self.plans.get(operation) if operation else None
        if plan is None or status not in plan.header_statuses:
            return None
        return plan.rate

    def spend(self, operation: str, hold: float = 0.0) -> int:
        """Another client of the same seller uses ``operation``'s quota up, and
        every request it refills for ``hold`` seconds; the requests that were
        left."""
        bucket = self._buckets.get(operation)
        return bucket.spend(hold) if bucket else 0

    def allow(self, operation: str) -> bool:
        if not self.enforce:
            return True
        bucket = self._buckets.get(operation)
        return bucket.take() if bucket else True
