"""SpApiAdapter against the Amazon simulator, over real HTTP on loopback.

Waits are injected (a fake clock that the fake sleep advances), so retries, backoff
and throttling are checked without sleeping for real.
"""

import gzip
import json
import logging
import re
import socket
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import httpx
import pytest
from amazon_simulator import AmazonSimulator, SharedModelsNotFound, shared_models_dir

from ..amazon import sp_api_compat
from ..amazon.adapter import (
    DEFAULT_INCLUDED_DATA,
    THROTTLE_MARGIN,
    ApiCall,
    ReportDocument,
    SpApiAdapter,
)
from ..amazon.credentials import AmazonCredentials
from ..amazon.errors import (
    AmazonAuthError,
    AmazonPermanentError,
    AmazonRetryableError,
)
from ..amazon.found_report import FoundReport
from ..amazon.listings_report import parse_merchant_listings
from ..amazon.processing import Processing
from ..amazon.throttle import RATE_LIMITS, ThrottleRegistry
from .quota import BETWEEN_TESTS, QuotaClock

SETTLEMENT = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"
DE = "A1PA6795UKMFR9"
LONG_AGO = datetime(2020, 1, 1, tzinfo=timezone.utc)


#: The simulator's quota clock: Amazon's quotas are enforced; the adapter's waits
#: (FakeTime) move it forward, and each test starts with every quota full.
QUOTA = QuotaClock()


class FakeTime:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds
        QUOTA.advance(seconds)


@pytest.fixture(scope="module")
def sim():
    with AmazonSimulator(seed=42, quota_clock=QUOTA) as simulator:
        simulator.state.generate_orders(12)
        yield simulator


@pytest.fixture(autouse=True)
def clean_simulator(sim):
    QUOTA.advance(BETWEEN_TESTS)
    sim.state.clear_faults()
    sim.state.reset_calls()
    yield
    sim.state.clear_faults()


@pytest.fixture
def fake_time():
    return FakeTime()


@pytest.fixture
def calls():
    return []


def sim_credentials(sim, **changes):
    values = {
        "client_id": sim.credentials["client_id"],
        "client_secret": sim.credentials["client_secret"],
        "refresh_token": sim.credentials["refresh_token"],
        **changes,
    }
    return AmazonCredentials(**values)


@pytest.fixture
def make_adapter(sim, fake_time, calls):
    made = []

    def make(**overrides):
        credentials = overrides.pop("credentials", None) or sim_credentials(sim)
        kwargs = {
            "seller_id": sim.credentials["seller_id"],
            "endpoint_url": sim.url,
            "token_url": sim.token_url,
            "timeout": 5.0,
            "sleep": fake_time.sleep,
            "clock": fake_time.clock,
            "rng": lambda: 0.5,
            "throttle": ThrottleRegistry(clock=fake_time.clock),
            "on_call": calls.append,
        }
        kwargs.update(overrides)
        adapter = SpApiAdapter(credentials, "eu", **kwargs)
        made.append(adapter)
        return adapter

    yield make
    for adapter in made:
        adapter.close()


@pytest.fixture
def adapter(make_adapter):
    return make_adapter()


def sim_calls(sim, operation):
    return [c for c in sim.state.calls if c["operation"] == operation]


def find_order(sim, predicate):
    with sim.state.lock:
        for order_id, order in sim.state.orders.items():
            if predicate(order):
                return order_id
    raise AssertionError("no such order in the simulator")


# -- operations ------------------------------------------------------------------


def test_marketplace_participations(adapter, sim):
    participations = adapter.get_marketplace_participations()
    ids = {p["marketplace"]["id"] for p in participations}
    assert DE in ids
    assert len(participations) == len(sim.state.marketplaces)


def test_search_orders_follows_pagination(adapter, sim, calls):
    marketplace_ids = [
        p["marketplace"]["id"] for p in adapter.get_marketplace_participations()
    ]
    pages = list(
        adapter.search_orders(
            marketplace_ids=marketplace_ids,
            created_after=LONG_AGO,
            max_results_per_page=5,
        )
    )
    assert [len(page) for page in pages] == [5, 5, 2]
    assert {o["orderId"] for page in pages for o in page} == set(sim.state.orders)
    searches = [c for c in calls if c.operation == "searchOrders"]
    assert len(searches) == 3 and all(c.status == 200 for c in searches)
    assert len(sim_calls(sim, "searchOrders")) == 3


def test_search_orders_sends_model_parameters(adapter, sim, monkeypatch):
    sent = []
    original = sp_api_compat.OrdersClient.search_orders

    def spy(client, **kwargs):
        sent.append(dict(kwargs))
        return original(client, **kwargs)

    monkeypatch.setattr(sp_api_compat.OrdersClient, "search_orders", spy)
    after = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    list(
        adapter.search_orders(
            marketplace_ids=[DE],
            last_updated_after=after,
            last_updated_before=after + timedelta(hours=1),
            fulfillment_statuses=["UNSHIPPED", "PARTIALLY_SHIPPED"],
            fulfilled_by=["MERCHANT"],
        )
    )
    assert sent[0] == {
        "marketplaceIds": DE,
        "lastUpdatedAfter": "2026-01-02T01:04:05Z",
        "lastUpdatedBefore": "2026-01-02T02:04:05Z",
        "fulfillmentStatuses": "UNSHIPPED,PARTIALLY_SHIPPED",
        "fulfilledBy": "MERCHANT",
        "includedData": ",".join(DEFAULT_INCLUDED_DATA),
        "maxResultsPerPage": 100,
    }


def test_invalid_arguments_fail_before_any_call(adapter, sim, calls):
    naive = datetime(2026, 1, 1)
    with pytest.raises(ValueError, match="exactly one"):
        adapter.search_orders(marketplace_ids=[DE])
    with pytest.raises(ValueError, match="timezone-aware"):
        adapter.search_orders(marketplace_ids=[DE], created_after=naive)
    with pytest.raises(ValueError, match="marketplace_ids"):
        adapter.search_orders(marketplace_ids=[], created_after=LONG_AGO)
    with pytest.raises(ValueError, match="report_types"):
        adapter.get_reports(report_types=[])
    with pytest.raises(ValueError, match="order_id"):
        adapter.get_order("")
    with pytest.raises(TypeError):
        adapter.submit_feed("X", marketplace_ids=[DE], content=1, content_type="a/b")
    assert calls == [] and sim.state.calls == []


def test_get_order_with_included_data(adapter, sim):
    order_id = find_order(sim, lambda o: o.get("buyer"))
    order = adapter.get_order(order_id)
    assert order["orderId"] == order_id
    assert order["buyer"] == sim.state.orders[order_id]["buyer"]
    assert order["orderItems"]
    bare = adapter.get_order(order_id, included_data=())
    assert "buyer" not in bare


def test_unknown_enum_values_pass_through(adapter, sim):
    order_id = find_order(sim, lambda o: True)
    with sim.state.lock:
        order = sim.state.orders[order_id]
        saved = json.loads(json.dumps(order))
        order["fulfillment"]["fulfillmentStatus"] = "AWAITING_TELEPORTATION"
        order["programs"] = ["HOLOGRAPHIC_DELIVERY"]
    try:
        fetched = adapter.get_order(order_id)
        assert fetched["fulfillment"]["fulfillmentStatus"] == "AWAITING_TELEPORTATION"
        assert fetched["programs"] == ["HOLOGRAPHIC_DELIVERY"]
    finally:
        with sim.state.lock:
            sim.state.orders[order_id] = saved


def test_confirm_shipment(adapter, sim):
    order_id = find_order(
        sim,
        lambda o: (
            o["fulfillment"]["fulfilledBy"] == "MERCHANT"
            and o["fulfillment"]["fulfillmentStatus"] == "PENDING"
        ),
    )
    order = sim.state.advance(order_id, "UNSHIPPED")
    package = {
        "packageReferenceId": "1",
        "carrierCode": "DHL",
        "carrierName": "DHL",
        "shippingMethod": "Paket",
        "trackingNumber": "00340434161234567890",
        "shipDate": "2026-11-20T10:00:00Z",
        "orderItems": [
            {"orderItemId": item["orderItemId"], "quantity": item["quantityOrdered"]}
            for item in order["orderItems"]
        ],
    }
    marketplace_id = order["salesChannel"]["marketplaceId"]
    result = adapter.confirm_shipment(
        order_id, marketplace_id=marketplace_id, package_detail=package
    )
    assert result is None
    assert sim.state.shipment_confirmations[-1] == {
        "order_id": order_id,
        "body": {"marketplaceId": marketplace_id, "packageDetail": package},
    }
    # The same package again (a retry after a lost answer): Amazon edits the
    # package it has, nothing ships twice.
    adapter.confirm_shipment(
        order_id, marketplace_id=marketplace_id, package_detail=package
    )
    assert len(sim.state.orders[order_id]["packages"]) == 1
    # A new package with more units than ordered: Amazon's 400 is permanent.
    extra = {**package, "packageReferenceId": "2"}
    extra["orderItems"] = [
        {**line, "quantity": line["quantity"] + 1} for line in package["orderItems"]
    ]
    with pytest.raises(AmazonPermanentError) as caught:
        adapter.confirm_shipment(
            order_id, marketplace_id=marketplace_id, package_detail=extra
        )
    assert caught.value.status == 400
    assert caught.value.code == "InvalidInput"
    assert caught.value.operation == "confirmShipment"


def listings_feed(seller_id):
    document = {
        "header": {"sellerId": seller_id, "version": "2.0", "issueLocale": "de_DE"},
        "messages": [
            {
                "messageId": 1,
                "sku": "MÜSLI-ÄPFEL-1",
                "operationType": "PATCH",
                "productType": "PRODUCT",
                "patches": [
                    {
                        "op": "replace",
                        "path": "/attributes/fulfillment_availability",
                        "value": [
                            {"fulfillment_channel_code": "DEFAULT", "quantity": 7}
                        ],
                    }
                ],
            }
        ],
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("compression", ["always", "never"])
def test_feed_round_trip(adapter, sim, compression):
    sim.state.result_compression = compression
    content = listings_feed(sim.credentials["seller_id"])
    content_type = "application/json; charset=UTF-8"
    feed_id = adapter.submit_feed(
        "JSON_LISTINGS_FEED",
        marketplace_ids=[DE],
        content=content,
        content_type=content_type,
    )
    stored = sim.state.feeds[feed_id]
    assert stored["content"] == content  # UTF-8 bytes, untouched
    assert stored["content_type"] == content_type
    assert stored["marketplaceIds"] == [DE]
    document = sim.state.documents[stored["inputFeedDocumentId"]]
    assert document["uploaded_content_type"] == content_type
    for _poll in range(5):
        feed = adapter.get_feed(feed_id)
        if feed["processingStatus"] == "DONE":
            break
    assert feed["processingStatus"] == "DONE"
    result_id = feed["resultFeedDocumentId"]
    gzipped = sim.state.documents[result_id]["compression"] == "GZIP"
    assert gzipped is (compression == "always")
    report = json.loads(adapter.get_feed_document(result_id))
    assert report["summary"]["messagesProcessed"] == 1


def test_feed_bodies_carry_no_library_leftovers(adapter, sim, monkeypatch):
    bodies = []

    def request_spy(client, path, *, data=None, params=None, **kwargs):
        bodies.append(dict(data or {}))
        return original_request(client, path, data=data, params=params, **kwargs)

    original_request = sp_api_compat.FeedsClient._request
    monkeypatch.setattr(sp_api_compat.FeedsClient, "_request", request_spy)
    adapter.submit_feed(
        "JSON_LISTINGS_FEED",
        marketplace_ids=[DE],
        content=listings_feed(sim.credentials["seller_id"]),
        content_type="application/json",
    )
    assert [set(body) - {"method"} for body in bodies] == [
        {"contentType"},
        {"feedType", "marketplaceIds", "inputFeedDocumentId"},
    ]


def test_feed_options_sent_as_amazon_feed_options(adapter, sim, monkeypatch):
    # feeds_2021-06-30.json: CreateFeedSpecification.feedOptions, a map of strings.
    bodies = []

    def request_spy(client, path, *, data=None, params=None, **kwargs):
        bodies.append(dict(data or {}))
        return original_request(client, path, data=data, params=params, **kwargs)

    original_request = sp_api_compat.FeedsClient._request
    monkeypatch.setattr(sp_api_compat.FeedsClient, "_request", request_spy)
    adapter.submit_feed(
        "JSON_LISTINGS_FEED",
        marketplace_ids=[DE],
        content=listings_feed(sim.credentials["seller_id"]),
        content_type="application/json",
        feed_options={"metadata:orderid": "028-1", "metadata:totalamount": 1},
    )
    assert bodies[-1]["feedOptions"] == {
        "metadata:orderid": "028-1",
        "metadata:totalamount": "1",
    }
    assert all(isinstance(v, str) for v in bodies[-1]["feedOptions"].values())


def test_reports_pages_and_documents(adapter, sim):
    compressed = sim.state.add_settlement_report(marketplace="DE", compress=True)
    plain_ids = [sim.state.add_settlement_report(marketplace="DE") for _ in range(11)]
    reports = list(adapter.get_reports(report_types=[SETTLEMENT]))
    assert {r["reportId"] for r in reports} >= {compressed, *plain_ids}
    pages = sim_calls(sim, "getReports")
    assert len(pages) >= 2  # 10 per page: the nextToken was followed (sent alone)
    by_id = {r["reportId"]: r for r in reports}
    for report_id in (compressed, plain_ids[0]):
        content = adapter.get_report_document(by_id[report_id]["reportDocumentId"])
        assert content.startswith(b"settlement-id\t")
    raw = sim.state.documents[by_id[compressed]["reportDocumentId"]]["content"]
    assert gzip.decompress(raw).startswith(b"settlement-id\t")


def test_reports_filter_on_marketplace_only_when_asked(adapter, sim):
    sim.state.add_settlement_report(marketplace="UK")
    all_reports = list(adapter.get_reports(report_types=[SETTLEMENT]))
    de_reports = list(
        adapter.get_reports(report_types=[SETTLEMENT], marketplace_ids=[DE])
    )
    assert {m for r in all_reports for m in r["marketplaceIds"]} >= {
        DE,
        "A1F83G8C2ARO7P",
    }
    assert {m for r in de_reports for m in r["marketplaceIds"]} == {DE}


# -- createReport, getReport, report documents -----------------------------------

LISTINGS_REPORT = "GET_MERCHANT_LISTINGS_ALL_DATA"
JP = "A1VC38T7YXB528"


def test_report_rate_limits_are_the_models():
    """createReport and getReport are throttled at the rates the Reports model
    documents (the usage plan table of each operation's description)."""
    try:
        path = shared_models_dir() / "reports_2021-06-30.json"
    except SharedModelsNotFound as error:
        pytest.skip(str(error))
    model = json.loads(path.read_text(encoding="utf-8"))
    documented = {}
    for item in model["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                rate, burst = re.findall(
                    r"\| ([\d.]+) \| (\d+) \|", operation["description"]
                )[0]
                documented[operation["operationId"]] = (float(rate), int(burst))
    for name in ("createReport", "getReport", "getReports", "getReportDocument"):
        assert RATE_LIMITS[name] == documented[name], name


def test_create_and_get_report_send_only_model_fields(adapter, monkeypatch, calls):
    sent = []

    def fake_request(client, path, *, data=None, params=None, add_marketplace=True):
        sent.append((path, dict(data or {}), dict(params or {}), add_marketplace))
        if path.endswith("/reports"):
            return sp_api_compat.SpApiResponse(202, {}, {"reportId": "R-1"})
        return sp_api_compat.SpApiResponse(
            200, {}, {"reportId": "R 1/2", "processingStatus": "IN_QUEUE"}
        )

    monkeypatch.setattr(sp_api_compat.ReportsClient, "_request", fake_request)
    start = datetime(2026, 11, 2, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    assert (
        adapter.create_report(
            LISTINGS_REPORT, marketplace_ids=[DE, JP], data_start_time=start
        )
        == "R-1"
    )
    adapter.create_report(LISTINGS_REPORT, marketplace_ids=DE)
    assert adapter.get_report("R 1/2")["processingStatus"] == "IN_QUEUE"
    assert sent == [
        (
            "/reports/2021-06-30/reports",
            {
                "method": "POST",
                "reportType": LISTINGS_REPORT,
                "marketplaceIds": [DE, JP],
                "dataStartTime": "2026-11-02T09:00:00Z",
            },
            {},
            False,
        ),
        (
            "/reports/2021-06-30/reports",
            {"method": "POST", "reportType": LISTINGS_REPORT, "marketplaceIds": [DE]},
            {},
            False,
        ),
        ("/reports/2021-06-30/reports/R%201%2F2", {}, {}, False),
    ]
    assert [(c.operation, c.method, c.status) for c in calls] == [
        ("createReport", "POST", 202),
        ("createReport", "POST", 202),
        ("getReport", "GET", 200),
    ]


def test_create_report_without_report_id_is_permanent(adapter, monkeypatch):
    monkeypatch.setattr(
        sp_api_compat.ReportsClient,
        "_request",
        lambda client, path, **kwargs: sp_api_compat.SpApiResponse(202, {}, {}),
    )
    with pytest.raises(AmazonPermanentError, match="without reportId"):
        adapter.create_report(LISTINGS_REPORT, marketplace_ids=[DE])


def test_report_arguments_fail_before_any_call(adapter, sim, calls):
    with pytest.raises(ValueError, match="marketplace_ids"):
        adapter.create_report(LISTINGS_REPORT, marketplace_ids=[])
    with pytest.raises(ValueError, match="report_type"):
        adapter.create_report("", marketplace_ids=[DE])
    with pytest.raises(ValueError, match="timezone-aware"):
        adapter.create_report(
            LISTINGS_REPORT, marketplace_ids=[DE], data_start_time=datetime(2026, 1, 1)
        )
    with pytest.raises(ValueError, match="report_id"):
        adapter.get_report(" ")
    with pytest.raises(ValueError, match="report_document_id"):
        adapter.download_report("")
    assert calls == [] and sim.state.calls == []


def test_report_calls_are_retried_like_every_call(
    adapter, monkeypatch, fake_time, calls
):
    answers = [
        sp_api_compat.HttpFailure(429, {"x-amzn-RequestId": "r-429"}, None),
        sp_api_compat.SpApiResponse(200, {}, {"processingStatus": "DONE"}),
    ]

    def flaky(client, path, **kwargs):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(sp_api_compat.ReportsClient, "_request", flaky)
    assert adapter.get_report("R-1") == {"processingStatus": "DONE"}
    assert calls[-1].operation == "getReport" and calls[-1].retries == 1
    assert fake_time.sleeps  # backed off before the second attempt


def _wait_for_report(adapter, report_id, polls=5) -> dict:
    for _poll in range(polls):
        report = adapter.get_report(report_id)
        if report["processingStatus"] not in ("IN_QUEUE", "IN_PROGRESS"):
            break
    assert report["reportId"] == report_id
    return report


@pytest.mark.parametrize(
    "marketplace,marketplace_id,channel",
    [("DE", DE, "AMAZON_EU"), ("JP", JP, "AMAZON_FE")],
)
def test_listings_report_round_trip(
    adapter, sim, calls, marketplace, marketplace_id, channel
):
    """createReport, getReport until done, the document downloaded with its charset
    and read (Japan's file is not UTF-8)."""
    sim.state.add_listing(
        f"RT-{marketplace}-1",
        marketplace=marketplace,
        asin="B0ROUNDTR1",
        title="Kopfhörer „Studio“" if marketplace == "DE" else "ヘッドホン①",
        price="1980" if marketplace == "JP" else "19.99",
        quantity=4,
    )
    sim.state.add_listing(
        f"RT-{marketplace}-FBA", marketplace=marketplace, fulfillment_channel=channel
    )
    report_id = adapter.create_report(LISTINGS_REPORT, marketplace_ids=[marketplace_id])
    report = _wait_for_report(adapter, report_id)
    assert (report["reportType"], report["processingStatus"]) == (
        LISTINGS_REPORT,
        "DONE",
    )
    document = adapter.download_report(report["reportDocumentId"])
    assert isinstance(document, ReportDocument)
    listings = parse_merchant_listings(
        document.content, charset=document.charset, marketplace_id=marketplace_id
    )
    rows = {row.sku: row for row in listings.rows}
    merchant = rows[f"RT-{marketplace}-1"]
    assert (merchant.asin, merchant.quantity, merchant.fulfillment_channel) == (
        "B0ROUNDTR1",
        4,
        "merchant",
    )
    assert merchant.title == (
        "Kopfhörer „Studio“" if marketplace == "DE" else "ヘッドホン①"
    )
    assert merchant.price == (
        Decimal("1980") if marketplace == "JP" else Decimal("19.99")
    )
    fba = rows[f"RT-{marketplace}-FBA"]
    assert (fba.fulfillment_channel, fba.quantity) == ("amazon", None)
    assert [c.operation for c in calls if c.operation != "getReport"] == [
        "createReport",
        "getReportDocument",
        "downloadDocument",
    ]


def test_a_report_without_data_is_cancelled(adapter, sim):
    sim.state.inject_fault("createReport", "cancelled")
    report_id = adapter.create_report(LISTINGS_REPORT, marketplace_ids=[DE])
    report = _wait_for_report(adapter, report_id)
    assert report["processingStatus"] == "CANCELLED"
    assert not report.get("reportDocumentId")


def test_report_processing_is_typed(adapter, sim):
    sim.state.add_listing("TYPED-1", marketplace="DE", quantity=1)
    sim.state.report_processing_polls = 3
    try:
        report_id = adapter.create_report(LISTINGS_REPORT, marketplace_ids=[DE])
        processing = adapter.report_processing(report_id)
    finally:
        sim.state.report_processing_polls = 1
    assert isinstance(processing, Processing)
    assert processing.pending and processing.document_id is None
    raw = _wait_for_report(adapter, report_id)
    processing = adapter.report_processing(report_id)
    assert (processing.status, processing.pending) == ("DONE", False)
    assert processing.document_id == raw["reportDocumentId"]


def test_report_processing_of_a_cancelled_report_has_no_document(adapter, sim):
    sim.state.inject_fault("createReport", "cancelled")
    report_id = adapter.create_report(LISTINGS_REPORT, marketplace_ids=[DE])
    _wait_for_report(adapter, report_id)
    assert adapter.report_processing(report_id) == Processing("CANCELLED", None)


def test_find_reports_yields_typed_reports_across_pages(adapter, sim):
    ids = [sim.state.add_settlement_report(marketplace="DE") for _ in range(11)]
    raw = {r["reportId"]: r for r in adapter.get_reports(report_types=[SETTLEMENT])}
    found = {f.report_id: f for f in adapter.find_reports(report_types=[SETTLEMENT])}
    assert set(found) == set(raw) >= set(ids)
    report = found[ids[0]]
    assert isinstance(report, FoundReport)
    assert (report.report_type, report.status, report.marketplace_ids) == (
        SETTLEMENT,
        "DONE",
        (DE,),
    )
    assert report.document_id == raw[ids[0]]["reportDocumentId"]
    assert report.data_start.tzinfo and report.data_start < report.data_end
    assert report.data_end == datetime.fromisoformat(
        raw[ids[0]]["dataEndTime"].replace("Z", "+00:00")
    )


def test_found_report_reads_what_amazon_leaves_out():
    """Only reportId, reportType, createdTime and processingStatus are required in
    the Report object of reports_2021-06-30.json."""
    report = FoundReport.from_payload(
        {
            "reportId": "ID323",
            "reportType": SETTLEMENT,
            "createdTime": "2019-12-10T20:11:24.000Z",
            "processingStatus": "IN_PROGRESS",
            "dataStartTime": "not a date",
        }
    )
    assert report == FoundReport("ID323", SETTLEMENT, "IN_PROGRESS")


def _settlement_document(adapter, sim, marketplace, compress=False):
    report_id = sim.state.add_settlement_report(
        marketplace=marketplace, compress=compress
    )
    reports = adapter.get_reports(report_types=[SETTLEMENT])
    return next(r for r in reports if r["reportId"] == report_id)["reportDocumentId"]


@pytest.mark.parametrize(
    "marketplace,compress,charset",
    [("DE", False, "UTF-8"), ("JP", False, "Windows-31J"), ("JP", True, "Windows-31J")],
)
def test_download_report_tells_the_charset(
    adapter, sim, marketplace, compress, charset
):
    document_id = _settlement_document(adapter, sim, marketplace, compress)
    document = adapter.download_report(document_id)
    assert document.charset == charset
    assert document.content.startswith(b"settlement-id\t")  # gunzipped
    assert adapter.get_report_document(document_id) == document.content


@pytest.mark.parametrize(
    "content_type,charset",
    [
        ("text/plain;charset=Cp1252", "Cp1252"),
        ('text/tab-separated-values; Charset="Shift_JIS"', "Shift_JIS"),
        ("text/plain", None),
        ("text/plain; charset=", None),
        ("", None),
    ],
)
def test_download_report_reads_the_content_type(adapter, sim, content_type, charset):
    document_id = _settlement_document(adapter, sim, "DE")
    with sim.state.lock:
        sim.state.documents[document_id]["content_type"] = content_type
    assert adapter.download_report(document_id).charset == charset


def test_patch_listings_item(adapter, sim):
    sku = "SKU-0001"  # in the simulated seller's catalogue
    patches = [
        {
            "op": "replace",
            "path": "/attributes/fulfillment_availability",
            "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 3}],
        }
    ]
    result = adapter.patch_listings_item(
        sku, marketplace_ids=[DE], product_type="PRODUCT", patches=patches
    )
    assert (result["sku"], result["status"]) == (sku, "ACCEPTED")
    assert sim.state.listings_patches[-1] == {
        "sku": sku,
        "marketplaceIds": [DE],
        "body": {"productType": "PRODUCT", "patches": patches},
        "mode": None,
    }
    # Odd SKUs travel quoted in the path; Amazon's issues come back untouched.
    odd = adapter.patch_listings_item(
        "SKU/WITH SLASH",
        marketplace_ids=[DE],
        product_type="PRODUCT",
        patches=patches,
        mode="VALIDATION_PREVIEW",
    )
    assert (odd["sku"], odd["status"]) == ("SKU/WITH SLASH", "INVALID")
    assert odd["issues"][0]["severity"] == "ERROR"
    assert sim.state.listings_patches[-1]["mode"] == "VALIDATION_PREVIEW"


def test_get_listings_item(adapter, sim):
    sim.state.add_listing("GL-FBA", marketplace="DE", fulfillment_channel="AMAZON_EU")
    sim.state.add_listing("GL/MFN 1", marketplace="DE", quantity=2)
    fba = adapter.get_listings_item("GL-FBA", marketplace_ids=[DE])
    assert fba["fulfillmentAvailability"] == [{"fulfillmentChannelCode": "AMAZON_EU"}]
    assert fba["summaries"][0]["marketplaceId"] == DE
    # Odd SKUs travel quoted in the path.
    mfn = adapter.get_listings_item("GL/MFN 1", marketplace_ids=[DE])
    assert mfn["fulfillmentAvailability"] == [
        {"fulfillmentChannelCode": "DEFAULT", "quantity": 2}
    ]
    assert sim.state.listings_item_requests[-1] == {
        "sku": "GL/MFN 1",
        "marketplaceIds": [DE],
        "includedData": ["summaries", "fulfillmentAvailability"],
    }
    with pytest.raises(AmazonPermanentError) as caught:
        adapter.get_listings_item("NOT-LISTED", marketplace_ids=[DE])
    assert (caught.value.status, caught.value.code) == (404, "NOT_FOUND")
    assert "getListingsItem" in RATE_LIMITS


def test_patch_listings_item_needs_seller_id(make_adapter):
    adapter = make_adapter(seller_id=None)
    with pytest.raises(ValueError, match="seller_id"):
        adapter.patch_listings_item(
            "X", marketplace_ids=[DE], product_type="P", patches=[]
        )
    with pytest.raises(ValueError, match="seller_id"):
        adapter.get_listings_item("X", marketplace_ids=[DE])


# -- failures, retries, throttling ---------------------------------------------


def test_429_storm_is_bounded_then_retryable(adapter, sim, fake_time, calls):
    order_id = find_order(sim, lambda o: True)
    sim.state.inject_fault("getOrder", "429", count=100)
    with pytest.raises(AmazonRetryableError) as caught:
        adapter.get_order(order_id)
    error = caught.value
    assert error.status == 429 and error.code == "QuotaExceeded"
    assert error.retry_after >= 1
    assert len(sim_calls(sim, "getOrder")) == adapter.max_attempts == 5
    # One wait before each retry, none busy: at least the 429's refill interval.
    assert len(fake_time.sleeps) == 4
    assert all(wait >= 1.0 for wait in fake_time.sleeps)
    assert sum(fake_time.sleeps) <= 4 * adapter.max_wait
    assert calls[-1].operation == "getOrder"
    assert calls[-1].retries == 4
    assert calls[-1].status == 429
    assert calls[-1].error_code == "QuotaExceeded"


@pytest.mark.parametrize("kind", ["500", "non_json_5xx"])
def test_server_errors_are_retried_then_succeed(adapter, sim, fake_time, calls, kind):
    order_id = find_order(sim, lambda o: True)
    sim.state.inject_fault("getOrder", kind, count=2)
    assert adapter.get_order(order_id)["orderId"] == order_id
    assert len(sim_calls(sim, "getOrder")) == 3
    assert len(fake_time.sleeps) == 2
    assert all(wait > 0 for wait in fake_time.sleeps)
    assert calls[-1].retries == 2
    assert calls[-1].status == 200
    assert calls[-1].error_code is None


def test_non_json_5xx_that_persists_is_retryable(make_adapter, sim):
    adapter = make_adapter(max_attempts=3)
    sim.state.inject_fault("getFeed", "non_json_5xx", count=10)
    with pytest.raises(AmazonRetryableError) as caught:
        adapter.get_feed("123")
    assert caught.value.status == 503
    assert len(sim_calls(sim, "getFeed")) == 3


def test_backoff_is_exponential_with_full_jitter(make_adapter, sim, fake_time):
    adapter = make_adapter(rng=lambda: 1.0, max_attempts=4, backoff_base=2.0)
    sim.state.inject_fault("getFeed", "500", count=10)
    with pytest.raises(AmazonRetryableError) as caught:
        adapter.get_feed("1")
    assert fake_time.sleeps == [2.0, 4.0, 8.0]
    assert caught.value.retry_after == 16.0


def test_timeout_is_retryable(make_adapter, sim, calls):
    adapter = make_adapter(timeout=0.2, max_attempts=2)
    sim.state.inject_fault("getFeed", "timeout", count=2, seconds=0.2)
    with pytest.raises(AmazonRetryableError) as caught:
        adapter.get_feed("1")
    assert caught.value.code == "Timeout"
    assert caught.value.retry_after > 0
    assert calls[-1].status is None and calls[-1].retries == 1


def test_network_error_is_retryable(make_adapter, sim, calls):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    adapter = make_adapter(endpoint_url=f"http://127.0.0.1:{dead_port}", max_attempts=3)
    with pytest.raises(AmazonRetryableError) as caught:
        adapter.get_feed("1")
    assert caught.value.code == "NetworkError"
    assert calls[-1].retries == 2 and calls[-1].status is None


def test_malformed_json_is_permanent(adapter, sim, calls):
    sim.state.inject_fault("searchOrders", "malformed_json")
    pages = adapter.search_orders(marketplace_ids=[DE], created_after=LONG_AGO)
    with pytest.raises(AmazonPermanentError) as caught:
        next(pages)
    error = caught.value
    assert not isinstance(error, AmazonAuthError)
    assert error.operation == "searchOrders"
    assert error.request_id and error.request_id in str(error)
    assert "searchOrders" in str(error)
    assert len(sim_calls(sim, "searchOrders")) == 1  # not retried
    assert calls[-1].error_code == "MalformedResponse"


def test_client_error_is_permanent_with_amazon_code(adapter, calls):
    with pytest.raises(AmazonPermanentError) as caught:
        adapter.get_order("999-0000000-0000000")
    error = caught.value
    assert (error.status, error.code, error.operation) == (404, "NotFound", "getOrder")
    assert "not found" in str(error).lower()
    assert error.request_id and error.request_id in str(error)
    assert calls[-1].retries == 0 and calls[-1].error_code == "NotFound"


@pytest.mark.parametrize("expire", ["fault", "state"])
def test_expired_pagination_token_is_permanent(adapter, sim, expire):
    pages = adapter.search_orders(
        marketplace_ids=list(
            sim.credentials and [DE, "A1F83G8C2ARO7P", "ATVPDKIKX0DER"]
        ),
        created_after=LONG_AGO,
        max_results_per_page=1,
    )
    assert len(next(pages)) == 1
    if expire == "fault":
        sim.state.inject_fault("searchOrders", "expired_pagination_token")
    else:
        sim.state.expire_pagination_tokens()
    with pytest.raises(AmazonPermanentError) as caught:
        next(pages)
    assert caught.value.status == 400
    assert "paginationToken" in str(caught.value)


def test_wrong_refresh_token_means_reconnect(make_adapter, sim, calls):
    make_adapter().get_marketplace_participations()  # caches a valid token
    stranger = make_adapter(
        credentials=sim_credentials(sim, refresh_token="Atzr|wrong")
    )
    with pytest.raises(AmazonAuthError) as caught:
        stranger.get_marketplace_participations()  # must not reuse the cached token
    assert caught.value.code == "invalid_grant"
    assert "Reconnect" in str(caught.value)
    assert calls[-1].error_code == "invalid_grant"
    assert not sim_calls(sim, "getMarketplaceParticipations")[1:]


def test_invalid_grant_fault_from_lwa(adapter, sim):
    sp_api_compat.clear_token_cache()
    sim.state.inject_fault("token", "invalid_grant")
    with pytest.raises(AmazonAuthError, match="Reconnect"):
        adapter.get_feed("1")


def test_revoked_access_token_is_auth_error_then_refreshed(adapter, sim):
    adapter.get_marketplace_participations()
    sim.revoke_access_tokens()
    with pytest.raises(AmazonAuthError) as caught:
        adapter.get_marketplace_participations()
    assert caught.value.status == 403
    assert "Reconnect" in str(caught.value)
    # The refused token was forgotten: the next call fetches a fresh one.
    assert adapter.get_marketplace_participations()


def test_wrong_client_secret_means_reconnect(make_adapter, sim):
    adapter = make_adapter(credentials=sim_credentials(sim, client_secret="nope"))
    with pytest.raises(AmazonAuthError) as caught:
        adapter.get_feed("1")
    assert caught.value.code == "invalid_client"


def test_local_throttle_never_sleeps_beyond_max_wait(make_adapter, sim, fake_time):
    registry = ThrottleRegistry(overrides={"getFeed": (0.25, 1)}, clock=fake_time.clock)
    adapter = make_adapter(max_wait=1.0, throttle=registry)
    registry.wait_time(adapter.account_key, "getFeed")  # another worker used the burst
    with pytest.raises(AmazonRetryableError) as caught:
        adapter.get_feed("1")  # the next token comes in 4 s
    assert caught.value.code == "LocalThrottle"
    assert caught.value.retry_after == pytest.approx(4.0)
    assert fake_time.sleeps == []
    assert sim_calls(sim, "getFeed") == []
    fake_time.now += 3.5
    with pytest.raises(AmazonPermanentError):  # 0.5 s left: waits, then calls
        adapter.get_feed("1")
    # The token's wait, and a small margin for Amazon's bucket to have it too.
    assert fake_time.sleeps == [pytest.approx(0.5 + THROTTLE_MARGIN)]
    assert len(sim_calls(sim, "getFeed")) == 1


def test_throttle_waits_and_learns_rate_from_header(
    make_adapter, sim, fake_time, calls
):
    registry = ThrottleRegistry(overrides={"getFeed": (10.0, 2)}, clock=fake_time.clock)
    adapter = make_adapter(throttle=registry)
    sim.state.inject_fault("getFeed", "500", count=2)
    with pytest.raises(AmazonPermanentError):  # then 404: no feed 1
        adapter.get_feed("1")
    assert [c["status"] for c in sim_calls(sim, "getFeed")] == [500, 500, 404]
    # Amazon's 500 carries no rate; its 404 announces getFeed's 2 req/s.
    assert registry.rate(adapter.account_key, "getFeed") == 2.0
    assert calls[-1].rate_limit == 2.0


def test_accounts_do_not_share_throttle_buckets(make_adapter, sim, fake_time):
    registry = ThrottleRegistry(overrides={"getFeed": (0.25, 1)}, clock=fake_time.clock)
    first = make_adapter(throttle=registry, max_wait=1.0)
    same = make_adapter(throttle=registry, max_wait=1.0)
    other = make_adapter(
        throttle=registry,
        max_wait=1.0,
        credentials=sim_credentials(sim, refresh_token="another-seller"),
    )
    assert first.account_key == same.account_key != other.account_key
    registry.wait_time(first.account_key, "getFeed")
    with pytest.raises(AmazonRetryableError, match="rate limit"):
        same.get_feed("1")  # same account: same bucket
    with pytest.raises(AmazonAuthError):  # own bucket: it did call (and LWA refused)
        other.get_feed("1")
    assert sim_calls(sim, "getFeed") == []
    assert len(sim_calls(sim, "token")) >= 1


# -- records, logs, secrets ---------------------------------------------------------


def test_on_call_records_every_operation(adapter, sim, calls):
    order_id = find_order(sim, lambda o: True)
    adapter.get_order(order_id)
    with pytest.raises(AmazonPermanentError):
        adapter.get_order("999-0000000-0000000")
    assert [type(c) for c in calls] == [ApiCall, ApiCall]
    ok, failed = calls
    assert (ok.operation, ok.method, ok.status, ok.retries) == (
        "getOrder",
        "GET",
        200,
        0,
    )
    assert ok.rate_limit == 0.5
    assert ok.request_id and ok.error_code is None
    assert ok.started_at.tzinfo is not None and ok.started_at.utcoffset() == timedelta(
        0
    )
    assert ok.duration_ms >= 0
    assert (failed.status, failed.error_code) == (404, "NotFound")
    assert set(vars(ok)) == {
        "operation",
        "method",
        "status",
        "duration_ms",
        "rate_limit",
        "retries",
        "error_code",
        "request_id",
        "started_at",
    }


def test_submit_feed_records_each_step(adapter, sim, calls):
    adapter.submit_feed(
        "JSON_LISTINGS_FEED",
        marketplace_ids=[DE],
        content=listings_feed(sim.credentials["seller_id"]),
        content_type="application/json",
    )
    assert [(c.operation, c.method) for c in calls] == [
        ("createFeedDocument", "POST"),
        ("uploadFeedDocument", "PUT"),
        ("createFeed", "POST"),
    ]


def test_failing_on_call_does_not_break_the_call(make_adapter, sim, caplog):
    def broken(call):
        raise RuntimeError("log store down")

    adapter = make_adapter(on_call=broken)
    order_id = find_order(sim, lambda o: True)
    with caplog.at_level(logging.ERROR):
        assert adapter.get_order(order_id)["orderId"] == order_id
    assert "on_call callback failed" in caplog.text


def test_credentials_never_show_secrets(sim, adapter):
    credentials = sim_credentials(sim)
    for text in (repr(credentials), str(credentials), repr(adapter)):
        assert sim.credentials["client_secret"] not in text
        assert sim.credentials["refresh_token"] not in text
    with pytest.raises(ValueError):
        AmazonCredentials("id", "", "token")


def test_no_secret_or_personal_data_in_logs_or_errors(make_adapter, sim, caplog):
    secrets = [sim.credentials["client_secret"], sim.credentials["refresh_token"]]
    order_id = find_order(sim, lambda o: o.get("buyer", {}).get("buyerEmail"))
    buyer = sim.state.orders[order_id]["buyer"]
    personal = [buyer["buyerName"], buyer["buyerEmail"]]
    library_loggers = [
        "sp_api",
        "sp_api.base.client",
        "sp_api.auth",
        "httpx",
        "httpcore",
    ]
    saved = {name: logging.getLogger(name).level for name in library_loggers}
    messages = []
    sp_api_compat.clear_token_cache()
    try:
        for name in library_loggers:  # as verbose as a user could make them
            logging.getLogger(name).setLevel(logging.DEBUG)
        with caplog.at_level(logging.DEBUG):
            adapter = make_adapter(max_attempts=2)
            adapter.get_order(order_id)
            list(adapter.search_orders(marketplace_ids=[DE], created_after=LONG_AGO))
            sim.state.inject_fault("getOrder", "429", count=5)
            sim.state.inject_fault("searchOrders", "malformed_json")
            for call in (
                lambda: adapter.get_order(order_id),
                lambda: next(
                    adapter.search_orders(marketplace_ids=[DE], created_after=LONG_AGO)
                ),
                lambda: make_adapter(
                    credentials=sim_credentials(sim, refresh_token="Atzr|leaky-wrong")
                ).get_order(order_id),
            ):
                with pytest.raises(Exception) as caught:
                    call()
                messages.append(f"{caught.value!r} {caught.value}")
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
    text = caplog.text + "\n".join(messages)
    assert "Request Params" in caplog.text  # the library did log at DEBUG
    assert order_id in caplog.text or "getOrder" in caplog.text
    for forbidden in [*secrets, "Atzr|leaky-wrong", "Atza|", *personal]:
        assert forbidden not in text, forbidden


def test_presigned_url_credentials_are_not_logged(caplog):
    url = httpx.URL(
        "https://tortuga-prod-eu.s3.amazonaws.com/doc?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=ASIAEXAMPLE%2F20261122&X-Amz-Security-Token=FQoGZXIvYXdzE"
        "&X-Amz-Signature=0123abcd"
    )
    with caplog.at_level(logging.INFO, logger="httpx"):
        logging.getLogger("httpx").info(
            'HTTP Request: %s %s "%s %d %s"', "GET", url, "HTTP/1.1", 200, "OK"
        )
    assert "tortuga-prod-eu.s3.amazonaws.com/doc" in caplog.text
    for secret in ("ASIAEXAMPLE", "FQoGZXIvYXdzE", "0123abcd"):
        assert secret not in caplog.text
