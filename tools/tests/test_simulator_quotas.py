"""Amazon's quotas in the simulator: each operation's usage plan (rate and burst)
read from Amazon's API models, enforced by default on a clock a test moves, and
advertised in ``x-amzn-RateLimit-Limit`` on the answers the models list it for."""

import contextlib
import logging

import pytest
from amazon_simulator import AmazonSimulator, models, ratelimit
from amazon_simulator.ratelimit import (
    FALLBACK_PLANS,
    PLAN_MODELS,
    parse_plan_table,
    usage_plans,
)
from amazon_simulator.server import _NO_AUTH, ROUTES

#: The SP-API operations the simulator serves (not LWA, not presigned URLs).
SERVED = sorted({op for _m, _p, op, _h in ROUTES if op and op not in _NO_AUTH})
#: The one served operation whose model is not among the pinned ones.
NOT_PINNED = {"getMarketplaceParticipations"}


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def official_models():
    """The plans read from the models need them: without them, the test skips,
    naming what is missing and how to provide it."""
    try:
        for name in PLAN_MODELS:
            models.load_model(name)
    except models.SharedModelsNotFound as error:
        pytest.skip(str(error))


@pytest.fixture
def no_models(monkeypatch):
    """The models cannot be had (a clone without them, offline)."""
    monkeypatch.setattr(ratelimit, "try_load_model", lambda name: None)
    usage_plans.cache_clear()
    yield
    usage_plans.cache_clear()


def test_the_usage_plan_table_of_a_description_is_read():
    # The layout of every operation's description in Amazon's models.
    description = (
        "Returns orders.\n\n**Usage Plan:**\n\n| Rate (requests per second) | Burst |"
        "\n| ---- | ---- |\n| 0.0056 | 20 |\n\nThe `x-amzn-RateLimit-Limit` ..."
    )
    assert parse_plan_table(description) == (0.0056, 20)
    assert parse_plan_table("Returns orders.") is None


def test_every_served_operation_has_amazons_plan_from_the_models(official_models):
    plans = usage_plans()
    for operation in SERVED:
        plan = plans[operation]
        if operation in NOT_PINNED:
            assert plan.source == "built-in"
            continue
        assert plan.source in PLAN_MODELS, operation
        document = models.load_model(plan.source)
        described = [
            parse_plan_table(op.get("description", ""))
            for item in document["paths"].values()
            for op in item.values()
            if isinstance(op, dict) and op.get("operationId") == operation
        ]
        assert (plan.rate, plan.burst) == described[0], operation
    assert (plans["searchOrders"].rate, plans["searchOrders"].burst) == (0.0056, 20)
    assert (plans["getOrder"].rate, plans["getOrder"].burst) == (0.5, 30)
    assert (plans["createFeed"].rate, plans["createFeed"].burst) == (0.0083, 15)
    # Where the models list x-amzn-RateLimit-Limit: never 403, 429 or 5xx.
    assert plans["searchOrders"].header_statuses == {200, 400, 404}
    assert plans["confirmShipment"].header_statuses == {204, 400, 404}
    assert plans["createReport"].header_statuses == {202, 400, 404}
    assert plans["patchListingsItem"].header_statuses == {200, 400}


def test_the_built_in_plans_agree_with_the_models(official_models):
    plans = usage_plans()
    for operation, limits in FALLBACK_PLANS.items():
        if operation not in NOT_PINNED:
            assert (plans[operation].rate, plans[operation].burst) == limits
    assert set(SERVED) <= set(FALLBACK_PLANS), "every served operation has one"


def test_without_the_models_the_built_in_plans_apply_with_a_warning(no_models, caplog):
    with caplog.at_level(logging.WARNING, logger="amazon_simulator.ratelimit"):
        plans = usage_plans()
    assert {op: (p.rate, p.burst) for op, p in plans.items()} == FALLBACK_PLANS
    assert all(p.source == "built-in" for p in plans.values())
    assert "built-in usage plans" in caplog.text
    assert "orders_2026-01-01.json" in caplog.text


def test_amazons_quota_is_enforced_by_default_on_the_quota_clock():
    clock = FakeClock()
    with contextlib.ExitStack() as stack:
        sim = stack.enter_context(AmazonSimulator(seed=3, quota_clock=clock))
        order_id = sim.state.generate_orders(1)[0]
        http = stack.enter_context(sim.client())
        order = f"/orders/2026-01-01/orders/{order_id}"
        plan = usage_plans()["getOrder"]
        answers = [http.get(order) for _ in range(plan.burst + 1)]
        assert [a.status_code for a in answers] == [200] * plan.burst + [429]
        assert answers[0].headers["x-amzn-RateLimit-Limit"] == "0.5"
        throttled = answers[-1]
        assert throttled.json()["errors"][0]["code"] == "QuotaExceeded"
        assert "x-amzn-RateLimit-Limit" not in throttled.headers
        # Refilled at the documented rate of the quota clock, not of real time.
        clock.advance(1 / plan.rate)
        assert http.get(order).status_code == 200
        assert http.get(order).status_code == 429
        # searchOrders has its own bucket: 20, then one every 1/0.0056 s.
        search = (
            "/orders/2026-01-01/orders?marketplaceIds=A1PA6795UKMFR9"
            "&createdAfter=2000-01-01T00:00:00Z"
        )
        statuses = [http.get(search).status_code for _ in range(21)]
        assert statuses == [200] * 20 + [429]
        clock.advance(170.0)  # 0.95 of a request
        assert http.get(search).status_code == 429
        clock.advance(10.0)
        assert http.get(search).status_code == 200


def test_the_rate_is_advertised_only_where_amazons_models_list_it():
    with contextlib.ExitStack() as stack:
        sim = stack.enter_context(AmazonSimulator(seed=3, quota_clock=FakeClock()))
        http = stack.enter_context(sim.client())
        missing = http.get("/orders/2026-01-01/orders/000-0000000-0000000")
        assert missing.status_code == 404
        assert missing.headers["x-amzn-RateLimit-Limit"] == "0.5"
        refused = http.get("/orders/2026-01-01/orders?createdAfter=x")
        assert refused.status_code == 400
        assert refused.headers["x-amzn-RateLimit-Limit"] == "0.0056"
        forbidden = http.get(
            "/orders/2026-01-01/orders/000-0000000-0000000",
            headers={"x-amz-access-token": "Atza|unknown"},
        )
        assert forbidden.status_code == 403
        assert "x-amzn-RateLimit-Limit" not in forbidden.headers
        sim.state.inject_fault("getOrder", "500")
        failed = http.get("/orders/2026-01-01/orders/000-0000000-0000000")
        assert failed.status_code == 500
        assert "x-amzn-RateLimit-Limit" not in failed.headers


def test_unlimited_quota_is_named_with_its_reason():
    with pytest.raises(ValueError, match="why"):
        AmazonSimulator(unlimited_quota=" ")
    with contextlib.ExitStack() as stack:
        sim = stack.enter_context(
            AmazonSimulator(
                seed=3, quota_clock=FakeClock(), unlimited_quota="this test's reason"
            )
        )
        order_id = sim.state.generate_orders(1)[0]
        http = stack.enter_context(sim.client())
        answers = [http.get(f"/orders/2026-01-01/orders/{order_id}") for _ in range(40)]
        assert {a.status_code for a in answers} == {200}
        # Still Amazon's rate in the header: a client paces itself the same.
        assert answers[-1].headers["x-amzn-RateLimit-Limit"] == "0.5"


def test_another_client_can_use_the_quota_up_for_a_while():
    clock = FakeClock()
    with contextlib.ExitStack() as stack:
        sim = stack.enter_context(AmazonSimulator(seed=3, quota_clock=clock))
        http = stack.enter_context(sim.client())
        missing = "/orders/2026-01-01/orders/000-0000000-0000000"
        assert http.get(missing).status_code == 404  # a call counts, found or not
        assert sim.spend_quota("getOrder", hold=10) == 29
        assert http.get(missing).status_code == 429
        clock.advance(10 + 1.9)  # held 10 s, then 0.95 of a request refilled
        assert http.get(missing).status_code == 429
        clock.advance(0.2)
        assert http.get(missing).status_code == 404
