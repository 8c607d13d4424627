"""Amazon's FBA inventory summaries (pure Python, no database): the
getInventorySummaries pages read into one summary per SKU, every figure named as
the official model (fbaInventory.json) names it; and the adapter's
``get_inventory_summaries`` over HTTP against a loopback stub: its query, its
pages followed by ``nextToken``, SKUs asked 50 at a time, the retry and throttle
frame and the API log. The fixtures in data/ledger/ are validated against the
model here (README.md there says where they come from)."""

import json
import re
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
from amazon_simulator import SharedModelsNotFound, shared_models_dir
from amazon_simulator.schemas import definition_errors

from ..amazon.adapter import ApiCall, SpApiAdapter
from ..amazon.credentials import AmazonCredentials
from ..amazon.errors import AmazonPaginationExpired, AmazonPermanentError
from ..amazon.fba_inventory import FbaSummary, read_inventory_summaries
from ..amazon.throttle import RATE_LIMITS, ThrottleRegistry
from .test_adapter_sandbox_examples import StubServer

DATA = Path(__file__).parent / "data" / "ledger"
MODEL = "fbaInventory.json"
US = "ATVPDKIKX0DER"
PATH = "/fba/inventory/v1/summaries"


def page(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def pages() -> list[dict]:
    return [
        page("inventory_summaries_page1.json"),
        page("inventory_summaries_page2.json"),
    ]


def model() -> dict:
    try:
        path = shared_models_dir() / MODEL
    except SharedModelsNotFound as error:
        pytest.skip(str(error))
    return json.loads(path.read_text(encoding="utf-8"))


def model_errors(definition, instance):
    """What Amazon's fbaInventory.json model finds wrong in ``instance``; the
    calling test skips, naming what is missing and how to provide it, when the
    official models cannot be had."""
    try:
        shared_models_dir()
    except SharedModelsNotFound as error:
        pytest.skip(str(error))
    return definition_errors(MODEL, definition, instance)


def by_sku(summaries) -> dict[str, FbaSummary]:
    return {s.sku: s for s in summaries}


# -- the reader -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["inventory_summaries_page1.json", "inventory_summaries_page2.json"]
)
def test_fixtures_are_responses_of_the_official_model(name):
    errors = model_errors("GetInventorySummariesResponse", page(name))
    assert errors == [], errors  # None: the official models could not be had


def test_two_pages_read_one_summary_per_sku():
    summaries = by_sku(read_inventory_summaries(p["payload"] for p in pages()))
    assert set(summaries) == {"FB-COF-250", "FB-COF-75", "FB-NEW-1"}  # no sellerSku
    assert summaries["FB-COF-250"] == FbaSummary(
        sku="FB-COF-250",
        fnsku="X004XONY53",
        asin="B0G51NDRX4",
        fulfillable=17,
        reserved=3,
        reserved_customer_orders=2,
        inbound_working=0,
        inbound_shipped=24,
        inbound_receiving=6,
        researching=1,
        unfulfillable=2,
        total=53,
    )
    coffee = summaries["FB-COF-250"]
    assert (coffee.sellable, coffee.inbound) == (20, 30)


def test_a_negative_figure_is_kept_and_a_missing_one_reads_zero():
    summaries = by_sku(read_inventory_summaries(pages()))
    short = summaries["FB-COF-75"]
    assert (short.fulfillable, short.unfulfillable, short.sellable) == (-2, 1, -2)
    new = summaries["FB-NEW-1"]  # no inventoryDetails at all
    assert new == FbaSummary(sku="FB-NEW-1", fnsku="X00NEW0001", asin="B0NEWSKU01")


def test_pages_as_payloads_whole_responses_or_lists_read_alike():
    expected = read_inventory_summaries(p["payload"] for p in pages())
    assert read_inventory_summaries(pages()) == expected
    lists = [p["payload"]["inventorySummaries"] for p in pages()]
    assert read_inventory_summaries(lists) == expected
    assert read_inventory_summaries([]) == []


def test_every_figure_read_is_one_the_model_defines():
    """Each figure gets its own value in the model's own property names: a name
    misspelt in the reader, or dropped from the model, fails here."""
    definitions = model()["definitions"]
    names = {
        "InventorySummary": ["totalQuantity"],
        "InventoryDetails": [
            "fulfillableQuantity",
            "inboundWorkingQuantity",
            "inboundShippedQuantity",
            "inboundReceivingQuantity",
        ],
        "ReservedQuantity": ["totalReservedQuantity", "pendingCustomerOrderQuantity"],
        "ResearchingQuantity": ["totalResearchingQuantity"],
        "UnfulfillableQuantity": ["totalUnfulfillableQuantity"],
    }
    for definition, properties in names.items():
        for name in properties:
            schema = definitions[definition]["properties"][name]
            assert schema["type"] == "integer", (definition, name)
    details = {
        "fulfillableQuantity": 11,
        "inboundWorkingQuantity": 13,
        "inboundShippedQuantity": 17,
        "inboundReceivingQuantity": 19,
        "reservedQuantity": {
            "totalReservedQuantity": 23,
            "pendingCustomerOrderQuantity": 29,
        },
        "researchingQuantity": {"totalResearchingQuantity": 31},
        "unfulfillableQuantity": {"totalUnfulfillableQuantity": 37},
    }
    item = {"sellerSku": "S", "totalQuantity": 41, "inventoryDetails": details}
    assert model_errors("InventorySummary", item) == []  # the model's shape
    (summary,) = read_inventory_summaries([[item]])
    assert (
        summary.fulfillable,
        summary.inbound_working,
        summary.inbound_shipped,
        summary.inbound_receiving,
        summary.reserved,
        summary.reserved_customer_orders,
        summary.researching,
        summary.unfulfillable,
        summary.total,
    ) == (11, 13, 17, 19, 23, 29, 31, 37, 41)


def test_a_sku_given_twice_keeps_its_last_summary():
    first = {"sellerSku": "A", "inventoryDetails": {"fulfillableQuantity": 1}}
    other = {"sellerSku": "B"}
    again = {"sellerSku": "A", "inventoryDetails": {"fulfillableQuantity": 4}}
    summaries = read_inventory_summaries([[first, other], [again]])
    assert [(s.sku, s.fulfillable) for s in summaries] == [("A", 4), ("B", 0)]


@pytest.mark.parametrize("value", ["abc", 1.5, True, {"n": 1}])
def test_a_figure_that_is_not_a_whole_number_is_refused_naming_it(value):
    item = {"sellerSku": "MUG-1", "inventoryDetails": {"fulfillableQuantity": value}}
    with pytest.raises(ValueError, match="fulfillableQuantity of SKU 'MUG-1'"):
        read_inventory_summaries([[item]])


def test_a_page_that_is_not_a_list_of_summaries_is_refused():
    with pytest.raises(ValueError, match="not a list of inventory summaries"):
        read_inventory_summaries([{"inventorySummaries": "none"}])
    with pytest.raises(ValueError, match="not an object"):
        read_inventory_summaries([["FB-COF-250"]])


# -- the adapter ------------------------------------------------------------------


class FakeTime:
    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture(scope="module")
def stub():
    server = StubServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake_time():
    return FakeTime()


@pytest.fixture
def calls():
    return []


@pytest.fixture
def adapter(stub, fake_time, calls):
    stub.answers.clear()
    stub.requests.clear()
    adapter = SpApiAdapter(
        AmazonCredentials("amzn1.application-oa2-client.stub", "stub-secret", "Atzr|x"),
        "na",
        endpoint_url=stub.url,
        token_url=f"{stub.url}/auth/o2/token",
        timeout=5,
        max_attempts=3,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        rng=lambda: 0.5,
        throttle=ThrottleRegistry(clock=fake_time.clock),
        on_call=calls.append,
    )
    yield adapter
    adapter.close()


def one_page(*skus, token=None):
    body = {
        "payload": {
            "granularity": {"granularityType": "Marketplace", "granularityId": US},
            "inventorySummaries": [{"sellerSku": sku} for sku in skus],
        }
    }
    if token:
        body["pagination"] = {"nextToken": token}
    return 200, body


BASE_QUERY = {
    "details": "true",
    "granularityType": "Marketplace",
    "granularityId": US,
    "marketplaceIds": US,
}


def test_adapter_follows_next_token_and_reads_the_model_pages(stub, adapter, calls):
    stub.answers += [(200, p) for p in pages()]
    read = list(adapter.get_inventory_summaries(US))
    assert read == [p["payload"]["inventorySummaries"] for p in pages()]
    first, second = stub.requests
    assert (first["method"], first["path"]) == ("GET", PATH)
    assert first["query"] == BASE_QUERY
    assert second["query"] == {**BASE_QUERY, "nextToken": "seed-token-2"}
    assert {s.sku for s in read_inventory_summaries(read)} == {
        "FB-COF-250",
        "FB-COF-75",
        "FB-NEW-1",
    }
    assert [(c.operation, c.method, c.status) for c in calls] == [
        ("getInventorySummaries", "GET", 200),
        ("getInventorySummaries", "GET", 200),
    ]
    assert all(isinstance(c, ApiCall) and c.request_id for c in calls)


def test_adapter_asks_skus_fifty_at_a_time(stub, adapter):
    skus = [f"SKU-{n:03d}" for n in range(120)]
    stub.answers += [one_page("SKU-000"), one_page("SKU-050"), one_page("SKU-100")]
    read = list(adapter.get_inventory_summaries(US, seller_skus=skus))
    assert len(read) == 3
    sent = [r["query"]["sellerSkus"].split(",") for r in stub.requests]
    assert sent == [skus[:50], skus[50:100], skus[100:]]
    assert all(
        {k: v for k, v in r["query"].items() if k != "sellerSkus"} == BASE_QUERY
        for r in stub.requests
    )


def test_adapter_sends_the_start_and_resends_it_with_the_token(stub, adapter):
    stub.answers += [one_page("A", token="t2"), one_page("B")]
    since = datetime(2026, 7, 1, tzinfo=timezone.utc)
    read = list(
        adapter.get_inventory_summaries(US, seller_skus=["A"], start_datetime=since)
    )
    assert read == [[{"sellerSku": "A"}], [{"sellerSku": "B"}]]
    first, second = (r["query"] for r in stub.requests)
    assert first == {**BASE_QUERY, "startDateTime": "2026-07-01T00:00:00Z"}
    assert second == {**first, "nextToken": "t2"}  # Amazon ignores SKUs with a start


def test_adapter_refused_token_means_reading_again(stub, adapter):
    error = {"errors": [{"code": "InvalidInput", "message": "Invalid nextToken."}]}
    stub.answers += [one_page("A", token="old"), (400, error)]
    summaries = adapter.get_inventory_summaries(US)
    assert next(summaries) == [{"sellerSku": "A"}]
    with pytest.raises(AmazonPaginationExpired, match="read again from their first"):
        next(summaries)


def test_adapter_first_page_refused_is_a_permanent_error(stub, adapter):
    error = {"errors": [{"code": "InvalidInput", "message": "Bad marketplace."}]}
    stub.answers.append((400, error))
    with pytest.raises(AmazonPermanentError) as caught:
        list(adapter.get_inventory_summaries(US))
    assert not isinstance(caught.value, AmazonPaginationExpired)
    assert caught.value.code == "InvalidInput"


def test_adapter_retries_a_throttled_call_in_its_frame(stub, adapter, calls):
    throttled = {"errors": [{"code": "QuotaExceeded", "message": "Slow down."}]}
    stub.answers += [(429, throttled), one_page("A")]
    assert list(adapter.get_inventory_summaries(US)) == [[{"sellerSku": "A"}]]
    assert len(stub.requests) == 2
    assert [(c.status, c.retries) for c in calls] == [(200, 1)]


def test_adapter_keeps_to_two_calls_a_second(stub, adapter, fake_time):
    stub.answers += [
        one_page("A", token="2"),
        one_page("B", token="3"),
        one_page("C", token="4"),
        one_page("D"),
    ]
    assert len(list(adapter.get_inventory_summaries(US))) == 4
    # burst 2: the first two at once, then one every half second
    assert fake_time.sleeps and sum(fake_time.sleeps) >= 1.0
    assert fake_time.now - 100.0 < 1.5


def test_adapter_refuses_a_call_without_marketplace(adapter):
    with pytest.raises(ValueError, match="marketplace_id is required"):
        adapter.get_inventory_summaries("")


def test_rate_is_the_models_usage_plan():
    operation = model()["paths"][PATH]["get"]
    rate, burst = re.findall(r"\| ([\d.]+) \| (\d+) \|", operation["description"])[0]
    assert RATE_LIMITS[operation["operationId"]] == (float(rate), int(burst))
