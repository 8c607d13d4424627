"""The simulator's FBA stock seen two ways, the Inventory Ledger report and the FBA
Inventory API's getInventorySummaries: after every day of a simulated month of an
FBA seller (orders shipped and canceled, returns, an inbound shipment with a unit
missing, losses found and not, damage, a removal, a disposal, a transfer) the
ledger's sums per SKU and disposition are the summaries' figures. The summaries
follow Amazon's model (fbaInventory.json), page 50 at a time, and Amazon's quota
(2 a second, burst 2) holds; the /_sim/fba hooks drive it all over HTTP."""

import csv
import io
import random
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

import pytest
from amazon_simulator import (
    AmazonSimulator,
    SharedModelsNotFound,
    SimulatorState,
    schemas,
    shared_models_dir,
)
from amazon_simulator.fba_ledger import UNSELLABLE
from amazon_simulator.ledger_report import REPORT_TYPE

DE, US = "A1PA6795UKMFR9", "ATVPDKIKX0DER"
START = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)
MODEL = "fbaInventory.json"


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


class QuotaClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def model_errors(definition, instance):
    """What Amazon's fbaInventory.json model finds wrong in ``instance``; the
    calling test skips, naming what is missing and how to provide it, when the
    official models cannot be had."""
    try:
        shared_models_dir()
    except SharedModelsNotFound as error:
        pytest.skip(str(error))
    return schemas.definition_errors(MODEL, definition, instance)


def summaries_params(marketplace, **extra):
    params = {
        "details": ["true"],
        "granularityType": ["Marketplace"],
        "granularityId": [marketplace],
        "marketplaceIds": [marketplace],
    }
    params.update({k: [v] for k, v in extra.items()})
    return params


def all_summaries(state, marketplace) -> dict[str, dict]:
    """sku -> summary, every page, each page valid against Amazon's model."""
    found, token = {}, None
    while True:
        extra = {"nextToken": token} if token else {}
        page = state.get_inventory_summaries(summaries_params(marketplace, **extra))
        assert model_errors("GetInventorySummariesResponse", page) == [], page
        for summary in page["payload"]["inventorySummaries"]:
            assert summary["sellerSku"] not in found
            found[summary["sellerSku"]] = summary
        token = page.get("pagination", {}).get("nextToken")
        if not token:
            return found


def ledger_sums(state, marketplace):
    """(sku, disposition) -> units, and sku -> units lost not found yet, read
    from the ledger report of everything up to now."""
    created = state.create_report(
        {
            "reportType": REPORT_TYPE,
            "marketplaceIds": [marketplace],
            "dataStartTime": (START - timedelta(days=10)).isoformat(),
            "dataEndTime": state.now().isoformat(),
        }
    )
    content = state.reports[created["reportId"]]["content"]
    rows = list(csv.DictReader(io.StringIO(content.decode()), delimiter="\t"))
    sums, researching, types = Counter(), Counter(), set()
    for row in rows:
        sums[(row["MSKU"], row["Disposition"])] += int(row["Quantity"])
        types.add(row["Event Type"])
        if row["Reason"] == "M":
            researching[row["MSKU"]] += int(row["Unreconciled Quantity"])
    return sums, researching, types


def unshipped_fba_units(state, marketplace) -> Counter:
    """What the test itself counts as reserved: units of FBA orders not shipped
    and not canceled."""
    units = Counter()
    for order in state.orders.values():
        fulfillment = order["fulfillment"]
        if (
            fulfillment["fulfilledBy"] != "AMAZON"
            or order["salesChannel"]["marketplaceId"] != marketplace
            or fulfillment["fulfillmentStatus"] in ("SHIPPED", "CANCELLED")
        ):
            continue
        for item in order["orderItems"]:
            units[item["product"]["sellerSku"]] += item["fulfillment"][
                "quantityUnfulfilled"
            ]
    return units


def assert_ledger_equals_summaries(state, marketplace, inbound=None):
    sums, researching, types = ledger_sums(state, marketplace)
    summaries = all_summaries(state, marketplace)
    reserved = unshipped_fba_units(state, marketplace)
    skus = {sku for sku, _d in sums} | set(summaries)
    for sku in skus:
        details = summaries[sku]["inventoryDetails"]
        sellable = (
            details["fulfillableQuantity"]
            + (details["reservedQuantity"]["totalReservedQuantity"])
        )
        assert sums[(sku, "SELLABLE")] == sellable, sku
        assert (
            details["reservedQuantity"]["pendingCustomerOrderQuantity"]
            == (reserved[sku])
        ), sku
        assert details["fulfillableQuantity"] >= 0, sku
        unfulfillable = details["unfulfillableQuantity"]
        for disposition, figure in UNSELLABLE.items():
            assert sums[(sku, disposition)] == unfulfillable[figure], (sku, figure)
        assert unfulfillable["totalUnfulfillableQuantity"] == sum(
            sums[(sku, d)] for d in UNSELLABLE
        )
        assert (
            details["researchingQuantity"]["totalResearchingQuantity"]
            == (researching[sku])
        )
        expected_inbound = (inbound or {}).get(sku, 0)
        assert details["inboundReceivingQuantity"] == expected_inbound, sku
        assert summaries[sku]["totalQuantity"] == (
            sellable
            + unfulfillable["totalUnfulfillableQuantity"]
            + researching[sku]
            + expected_inbound
        )
    return types


def ship_or_cancel(state, rng):
    """Amazon ships (or, one in four, cancels) the FBA orders waiting a day."""
    now = state.now()
    for order in list(state.orders.values()):
        fulfillment = order["fulfillment"]
        if fulfillment["fulfilledBy"] != "AMAZON":
            continue
        if fulfillment["fulfillmentStatus"] not in ("PENDING", "UNSHIPPED"):
            continue
        if datetime.fromisoformat(order["createdTime"]) > now - timedelta(days=1):
            continue
        status = "CANCELLED" if rng.random() < 0.25 else "SHIPPED"
        state.advance(order["orderId"], status, at=now)


#: Day of the month -> what Amazon does that day (on the state, for DE).
EVENTS = {
    2: lambda s: s.fba_adjust("SKU-0001", -2, "M"),
    5: lambda s: s.close_inbound_shipment("FBA15MONTH01"),
    6: lambda s: s.fba_adjust("SKU-0001", 1, "F"),
    8: lambda s: s.fba_adjust("SKU-0002", -2, "E"),
    10: lambda s: s.fba_removal("RMV-OCT-0001", {"SKU-0001": 2}),
    12: lambda s: s.fba_removal(
        "RMV-OCT-0002", {"SKU-0002": 1}, "WAREHOUSE_DAMAGED", disposal=True
    ),
    14: lambda s: s.fba_transfer("SKU-0001", 3, "LEJ1", "DTM2"),
    16: lambda s: s.fba_adjust("SKU-0003", -1, "M"),
    20: lambda s: s.fba_adjust("SKU-0001", -1, "G"),
}


def test_the_ledger_equals_the_summaries_every_day_of_a_month():
    clock = Clock(START)
    state = SimulatorState(seed=21, clock=clock, marketplaces=("DE", "US"))
    state.report_processing_polls = 0
    state.result_compression = "never"
    state.fba_seed({"SKU-0001": 20, "SKU-0002": 10})
    state.fba_seed({"SKU-0001": 5}, marketplace="US")
    state.fba_inbound_shipment(
        "FBA15MONTH01",
        {"SKU-0001": 6, "SKU-0003": 4},
        received={"SKU-0001": 6, "SKU-0003": 3},
    )
    rng = random.Random(4)
    types = set()
    for day in range(30):
        clock.now = START + timedelta(days=day)
        state.generate_orders(4, marketplaces=("DE", "US"), now=clock.now, fba_stock=1)
        ship_or_cancel(state, rng)
        if day % 3 == 1:
            state.generate_returns(0.2, random.Random(day), at=clock.now)
        if day in EVENTS:
            EVENTS[day](state)
        inbound = {"SKU-0003": 1} if day < 5 else {}
        types |= assert_ledger_equals_summaries(state, DE, inbound)
        types |= assert_ledger_equals_summaries(state, US)
    assert types == {
        "Receipts",
        "Shipments",
        "CustomerReturns",
        "Adjustments",
        "VendorReturns",
        "WhseTransfers",
    }
    # the ledger's shipments and returns are the orders' and the returns' units
    shipped, returned = Counter(), Counter()
    for order in state.orders.values():
        if order["fulfillment"]["fulfilledBy"] == "AMAZON":
            for item in order["orderItems"]:
                shipped[item["product"]["sellerSku"]] += item["fulfillment"][
                    "quantityFulfilled"
                ]
    for entry in state.returns:
        if entry["channel"] == "AMAZON":
            for item in entry["items"]:
                returned[item["sku"]] += item["quantity"]
    written = defaultdict(Counter)
    for row in state.fba.ledger:
        written[row.event_type][row.sku] += row.quantity
    assert +shipped and +returned
    assert -written["Shipments"] == +shipped
    assert +written["CustomerReturns"] == +returned
    details = all_summaries(state, DE)["SKU-0003"]["inventoryDetails"]
    assert details["researchingQuantity"]["totalResearchingQuantity"] == 1
    assert details["researchingQuantity"]["researchingQuantityBreakdown"] == [
        {"name": "researchingQuantityInShortTerm", "quantity": 1}
    ]
    assert state.fba.inbound["FBA15MONTH01"].missing() == {"SKU-0003": 1}


@pytest.fixture
def seeded():
    clock = Clock(START)
    state = SimulatorState(seed=3, clock=clock)
    state.fba_seed({f"FBA-{n:03d}": n for n in range(1, 121)})
    return state, clock


def test_the_summaries_come_fifty_a_page(seeded):
    state, _clock = seeded
    first = state.get_inventory_summaries(summaries_params(DE))
    assert len(first["payload"]["inventorySummaries"]) == 50
    assert first["payload"]["granularity"] == {
        "granularityType": "Marketplace",
        "granularityId": DE,
    }
    skus = list(all_summaries(state, DE))
    assert skus == sorted(f"FBA-{n:03d}" for n in range(1, 121))
    summary = all_summaries(state, DE)["FBA-007"]
    assert summary["fnSku"].startswith("X00") and summary["condition"] == "NewItem"
    assert summary["inventoryDetails"]["fulfillableQuantity"] == 7
    assert summary["totalQuantity"] == 7
    # another marketplace's pool holds none of it
    assert (
        state.get_inventory_summaries(summaries_params(US))["payload"][
            "inventorySummaries"
        ]
        == []
    )


def test_a_next_token_lives_30_seconds_and_keeps_its_start_date(seeded):
    state, clock = seeded
    since = (clock.now - timedelta(days=1)).isoformat()
    token = state.get_inventory_summaries(summaries_params(DE, startDateTime=since))[
        "pagination"
    ]["nextToken"]
    with pytest.raises(Exception, match="nextToken"):  # without startDateTime
        state.get_inventory_summaries(summaries_params(DE, nextToken=token))
    token = state.get_inventory_summaries(summaries_params(DE, startDateTime=since))[
        "pagination"
    ]["nextToken"]
    page = state.get_inventory_summaries(
        summaries_params(DE, startDateTime=since, nextToken=token)
    )
    assert len(page["payload"]["inventorySummaries"]) == 50
    token = state.get_inventory_summaries(summaries_params(DE))["pagination"][
        "nextToken"
    ]
    clock.now += timedelta(seconds=31)
    with pytest.raises(Exception, match="nextToken"):
        state.get_inventory_summaries(summaries_params(DE, nextToken=token))


def test_the_summaries_asked_by_sku_or_by_change(seeded):
    state, clock = seeded
    chosen = summaries_params(DE, sellerSkus="FBA-002,FBA-001,NOT-THERE")
    page = state.get_inventory_summaries(chosen)
    assert [s["sellerSku"] for s in page["payload"]["inventorySummaries"]] == [
        "FBA-001",
        "FBA-002",
    ]
    since = clock.now
    clock.now += timedelta(hours=1)
    state.fba_adjust("FBA-010", -1, "M")
    changed = summaries_params(DE, startDateTime=since.isoformat())
    changed["sellerSkus"] = ["FBA-001"]  # ignored with startDateTime, as Amazon does
    page = state.get_inventory_summaries(changed)
    (summary,) = page["payload"]["inventorySummaries"]
    assert summary["sellerSku"] == "FBA-010"
    assert summary["lastUpdatedTime"] == "2026-11-01T09:00:00Z"
    plain = state.get_inventory_summaries(
        {k: v for k, v in chosen.items() if k != "details"}
    )
    assert all(
        "inventoryDetails" not in s for s in plain["payload"]["inventorySummaries"]
    )


def test_the_summaries_over_http_follow_amazons_model_and_quota():
    quota = QuotaClock()
    with AmazonSimulator(seed=3, quota_clock=quota) as sim:
        sim.state.fba_seed({"FBA-001": 4})
        with sim.client() as http:
            url = "/fba/inventory/v1/summaries"
            query = {k: v[0] for k, v in summaries_params(DE).items()}
            answers = [http.get(url, params=query) for _ in range(3)]
            assert [a.status_code for a in answers] == [200, 200, 429]
            assert answers[0].headers["x-amzn-RateLimit-Limit"] == "2"
            body = answers[0].json()
            assert model_errors("GetInventorySummariesResponse", body) == []
            (summary,) = body["payload"]["inventorySummaries"]
            assert summary["inventoryDetails"]["fulfillableQuantity"] == 4
            quota.now += 0.5  # one request refilled at 2 a second
            wrong = http.get(url, params={**query, "granularityType": "Country"})
            assert wrong.status_code == 400
            assert model_errors("GetInventorySummariesResponse", wrong.json()) == []
            assert http.get(url, params=query).status_code == 429


def test_the_control_hooks_drive_the_fba_stock():
    with AmazonSimulator(seed=3, unlimited_quota="hooks only") as sim:
        with sim.client() as http:
            inbound = http.post(
                "/_sim/fba/inbound",
                json={
                    "shipmentId": "FBA15HOOK001",
                    "items": {"SKU-0001": 5},
                    "received": {"SKU-0001": 4},
                    "close": True,
                    "marketplace": "DE",
                },
            ).json()
            assert [(r["eventType"], r["quantity"]) for r in inbound["rows"]] == [
                ("Receipts", 4)
            ]
            assert sim.state.fba.inbound["FBA15HOOK001"].status == "CLOSED"
            adjust = http.post(
                "/_sim/fba/adjust",
                json={"sku": "SKU-0001", "quantity": -1, "reason": "E"},
            ).json()
            assert adjust["stock"] == {
                "SKU-0001": {"SELLABLE": 3, "WAREHOUSE_DAMAGED": 1}
            }
            removal = http.post(
                "/_sim/fba/removal",
                json={
                    "orderId": "RMV-1",
                    "items": {"SKU-0001": 1},
                    "disposition": "WAREHOUSE_DAMAGED",
                    "disposal": True,
                },
            ).json()
            assert [(r["eventType"], r["reason"]) for r in removal["rows"]] == [
                ("Adjustments", "D")
            ]
            transfer = http.post(
                "/_sim/fba/transfer",
                json={"sku": "SKU-0001", "units": 2, "from": "LEJ1", "to": "DTM2"},
            ).json()
            assert [r["quantity"] for r in transfer["rows"]] == [-2, 2]
            seed = http.post(
                "/_sim/fba/inbound", json={"seed": {"SKU-0002": 3}, "marketplace": "US"}
            ).json()
            assert seed["rows"][0]["fulfillmentCenter"] == "LEX1"
            refused = http.post(
                "/_sim/fba/adjust",
                json={"sku": "SKU-0001", "quantity": 5, "reason": "M"},
            )
            assert refused.status_code == 400
            assert "negative" in refused.json()["errors"][0]["message"]
            assert http.post("/_sim/fba/transfer", json={"sku": "X"}).status_code == 400
            assert sim.state.fba_stock["SKU-0001"] == {"SELLABLE": 3}
            generated = http.post(
                "/_sim/generate", json={"count": 30, "fbaStock": 2}
            ).json()
            assert len(generated["orderIds"]) == 30
            assert http.post("/_sim/generate", json={"fbaStock": -1}).status_code == 400
        shipped = defaultdict(int)
        for row in sim.state.fba.ledger:
            if row.event_type == "Shipments":
                shipped[row.sku] += row.quantity
        assert shipped and all(
            sim.state.fba_stock.get(sku, {}).get("SELLABLE", 0) >= 2 for sku in shipped
        )


def test_a_simulator_started_with_orders_can_give_them_fba_stock():
    sim = AmazonSimulator(seed=8, orders=40, fba_stock=1)
    ledger = sim.state.fba.ledger
    assert {r.event_type for r in ledger} == {"Receipts", "Shipments"}
    assert all(units.get("SELLABLE", 0) >= 1 for units in sim.state.fba_stock.values())
    # without it the shipments are written all the same: below zero, as no real
    # Amazon would have them (a test that reads the ledger gives stock first)
    bare = AmazonSimulator(seed=8, orders=40).state
    assert {r.event_type for r in bare.fba.ledger} == {"Shipments"}
    assert all(units["SELLABLE"] < 0 for units in bare.fba_stock.values())
