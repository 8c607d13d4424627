"""Token bucket math and the per-(account, operation) throttle registry."""

import threading

import pytest

from ..amazon.throttle import RATE_LIMITS, ThrottleRegistry, TokenBucket
from .quota import QuotaClock, unlimited_quota


class FakeClock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def test_rate_limits_are_amazons_documented_values():
    assert RATE_LIMITS["searchOrders"] == (0.0056, 20)
    assert RATE_LIMITS["getOrder"] == (0.5, 30)
    assert RATE_LIMITS["confirmShipment"] == (2.0, 10)
    assert RATE_LIMITS["createFeed"] == (0.0083, 15)
    assert RATE_LIMITS["getReports"] == (0.0222, 10)
    assert RATE_LIMITS["getReportDocument"] == (0.0167, 15)
    assert RATE_LIMITS["patchListingsItem"] == (5.0, 5)


def test_bucket_serves_the_burst_then_makes_callers_wait():
    clock = FakeClock()
    bucket = TokenBucket(rate=2.0, burst=3, clock=clock)
    assert [bucket.take() for _ in range(3)] == [0.0, 0.0, 0.0]
    # The 4th token arrives 1/rate later, the 5th (reserved behind it) 1/rate after.
    assert bucket.take() == pytest.approx(0.5)
    assert bucket.take() == pytest.approx(1.0)
    clock.advance(1.0)  # the two reserved tokens have now been paid
    assert bucket.tokens == pytest.approx(0.0)
    assert bucket.take() == pytest.approx(0.5)


def test_bucket_refills_at_rate_up_to_burst_only():
    clock = FakeClock()
    bucket = TokenBucket(rate=1.0, burst=2, clock=clock)
    bucket.take()
    bucket.take()
    clock.advance(0.25)
    assert bucket.peek() == pytest.approx(0.75)
    clock.advance(3600)
    assert bucket.tokens == pytest.approx(2.0)  # capped at burst


def test_bucket_does_not_reserve_beyond_max_wait():
    clock = FakeClock()
    bucket = TokenBucket(rate=0.01, burst=1, clock=clock)
    assert bucket.take(max_wait=10) == 0.0
    assert bucket.take(max_wait=10) == pytest.approx(100.0)  # too long: not reserved
    assert bucket.peek() == pytest.approx(100.0)  # still one interval, not two
    clock.advance(100)
    assert bucket.take(max_wait=10) == 0.0


def test_bucket_drain_and_rate_change():
    clock = FakeClock()
    bucket = TokenBucket(rate=1.0, burst=5, clock=clock)
    bucket.drain()
    assert bucket.peek() == pytest.approx(1.0)
    bucket.set_rate(4.0)
    assert bucket.peek() == pytest.approx(0.25)


@pytest.mark.parametrize("rate,burst", [(0, 1), (-1, 1), (1, 0)])
def test_bucket_rejects_nonsense(rate, burst):
    with pytest.raises(ValueError):
        TokenBucket(rate=rate, burst=burst)


def test_registry_seeds_buckets_from_rate_limits():
    clock = FakeClock()
    registry = ThrottleRegistry(clock=clock)
    waits = [registry.wait_time("acct", "getOrder") for _ in range(31)]
    assert waits[:30] == [0.0] * 30
    assert waits[30] == pytest.approx(2.0)  # 0.5 req/s after a burst of 30
    assert registry.rate("acct", "getOrder") == 0.5


def test_registry_overrides_and_unknown_operations():
    registry = ThrottleRegistry(overrides={"getOrder": (10.0, 1)}, clock=FakeClock())
    assert registry.wait_time("a", "getOrder") == 0.0
    assert registry.wait_time("a", "getOrder") == pytest.approx(0.1)
    # Operations without a usage plan (document transfers) are not throttled.
    assert [registry.wait_time("a", "downloadDocument") for _ in range(100)] == [
        0.0
    ] * 100


def test_registry_applies_rate_limit_header_updates():
    clock = FakeClock()
    registry = ThrottleRegistry(overrides={"getFeed": (2.0, 1)}, clock=clock)
    registry.wait_time("a", "getFeed")
    registry.update_rate("a", "getFeed", 0.5)
    assert registry.rate("a", "getFeed") == 0.5
    assert registry.peek_wait("a", "getFeed") == pytest.approx(2.0)
    registry.update_rate("a", "getFeed", 0)  # nonsense header values are ignored
    assert registry.rate("a", "getFeed") == 0.5
    # A header for an operation without a usage plan creates a bucket at that rate.
    registry.update_rate("a", "newOperation", 4.0)
    assert registry.rate("a", "newOperation") == 4.0


def test_registry_isolates_accounts_and_operations():
    clock = FakeClock()
    registry = ThrottleRegistry(overrides={"getFeed": (1.0, 1)}, clock=clock)
    assert registry.wait_time("seller-1", "getFeed") == 0.0
    assert registry.wait_time("seller-1", "getFeed") == pytest.approx(1.0)
    assert registry.wait_time("seller-2", "getFeed") == 0.0  # own bucket
    registry.update_rate("seller-2", "getFeed", 0.1)
    assert registry.rate("seller-1", "getFeed") == 1.0
    registry.drain("seller-2", "getFeed")
    assert registry.peek_wait("seller-1", "getFeed") == pytest.approx(2.0)
    assert registry.wait_time("seller-1", "getOrder") == 0.0  # other operation


def test_registry_is_thread_safe():
    clock = FakeClock()
    registry = ThrottleRegistry(overrides={"getFeed": (1.0, 50)}, clock=clock)
    waits = []
    lock = threading.Lock()

    def worker():
        for _ in range(25):
            wait = registry.wait_time("a", "getFeed")
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 100 reservations: 50 from the burst, then exactly one per second, no duplicates.
    assert sorted(waits) == pytest.approx([0.0] * 50 + [float(n) for n in range(1, 51)])


def test_the_connectors_rates_are_those_of_amazons_models():
    """The connector's own table (it ships without Amazon's models) holds the plans
    the simulator reads from them."""
    from amazon_simulator import models  # noqa: PLC0415
    from amazon_simulator.ratelimit import PLAN_MODELS, usage_plans  # noqa: PLC0415

    try:
        for name in PLAN_MODELS:
            models.load_model(name)
    except models.SharedModelsNotFound as error:
        pytest.skip(str(error))
    plans = usage_plans()
    for operation, limits in RATE_LIMITS.items():
        assert (plans[operation].rate, plans[operation].burst) == limits, operation


def test_quota_clock_moves_only_forward_and_sleeps_without_waiting():
    base = FakeClock(50.0)
    clock = QuotaClock(base)
    clock.sleep(180.0)
    clock.advance(-10.0)  # never backwards
    assert clock() == 230.0 and clock.skipped == 180.0
    base.advance(1.0)
    assert clock() == 231.0
    registry = ThrottleRegistry(overrides={"searchOrders": (0.0056, 1)}, clock=clock)
    assert registry.wait_time("a", "searchOrders") == 0.0
    assert registry.peek_wait("a", "searchOrders") == pytest.approx(1 / 0.0056)
    clock.sleep(1 / 0.0056)
    assert registry.peek_wait("a", "searchOrders") == pytest.approx(0.0)


def test_unlimited_quota_needs_its_reason():
    with pytest.raises(ValueError):
        unlimited_quota("  ")

    @unlimited_quota("a reason")
    class Case:
        simulator_unlimited_quota = None

    assert Case.simulator_unlimited_quota == "a reason"
