"""Every answer of the Amazon simulator validates against Amazon's official models.

The responses are fetched over real HTTP and validated with a jsonschema validator
built from the model's ``definitions`` (swagger 2.0). Objects are checked strictly
(no property the model does not define), so a misspelt field name fails here.
"""

import copy
import functools
import gzip
import json
from pathlib import Path

import httpx
import jsonschema
import pytest
from amazon_simulator import AmazonSimulator, SharedModelsNotFound, shared_models_dir
from amazon_simulator.schemas import strict as _strict  # the simulator's own rule
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT7

from .quota import BETWEEN_TESTS, QuotaClock

DE = "A1PA6795UKMFR9"
ALL_INCLUDED = (
    "BUYER,RECIPIENT,PROCEEDS,EXPENSE,PROMOTION,CANCELLATION,FULFILLMENT,PACKAGES,"
    "TAX,PAYMENT,FULFILLMENT_ORDERS"
)
ALL_MARKETPLACES = ",".join(
    (
        "A1PA6795UKMFR9",
        "A1F83G8C2ARO7P",
        "ATVPDKIKX0DER",
        "A1VC38T7YXB528",
        "A13V1IB3VIYZZH",
        "APJ6JRA9NG5V4",
        "A1RKKUPIHCS9HS",
    )
)


@functools.cache
def _models_dir() -> Path:
    return shared_models_dir()


@pytest.fixture(scope="module", autouse=True)
def official_models():
    """Every test here validates against the official models: without them, each
    skips, naming what is missing and how to provide it."""
    try:
        return _models_dir()
    except SharedModelsNotFound as error:
        pytest.skip(str(error))


def _load(name: str) -> dict:
    return json.loads((_models_dir() / name).read_text(encoding="utf-8"))


class Model:
    """Validators for the definitions of one swagger 2.0 model file."""

    def __init__(self, name: str, strict: bool = True):
        self.name = name
        self.strict = strict

    @functools.cached_property
    def document(self) -> dict:
        return _load(self.name)

    @functools.cached_property
    def registry(self) -> Registry:
        contents = _strict(self.document) if self.strict else self.document
        resource = Resource.from_contents(contents, default_specification=DRAFT4)
        return Registry().with_resource(f"urn:{self.name}", resource)

    def validate(self, definition: str, instance) -> None:
        schema = {"$ref": f"urn:{self.name}#/definitions/{definition}"}
        jsonschema.Draft4Validator(schema, registry=self.registry).validate(instance)

    def check_status(self, method: str, template: str, status: int) -> None:
        responses = self.document["paths"][template][method.lower()]["responses"]
        assert str(status) in responses, f"{method} {template} never answers {status}"

    def response_schema(self, method: str, template: str, status: int) -> str | None:
        responses = self.document["paths"][template][method.lower()]["responses"]
        ref = responses[str(status)].get("schema", {}).get("$ref")
        return ref.rsplit("/", 1)[1] if ref else None


ORDERS = Model("orders_2026-01-01.json")
ORDERS_V0 = Model("ordersV0.json")
FEEDS = Model("feeds_2021-06-30.json")
REPORTS = Model("reports_2021-06-30.json")
LISTINGS = Model("listingsItems_2021-08-01.json")


#: The simulator enforces Amazon's quotas on this clock; the client below paces
#: itself a minute apart on it (every operation of ours refills a token or half of
#: one in a minute), and each test starts with every quota full.
QUOTA = QuotaClock()
PACE = 60.0


@pytest.fixture(scope="module")
def sim():
    with AmazonSimulator(seed=7, quota_clock=QUOTA) as simulator:
        simulator.state.generate_orders(160)
        simulator.state.feed_processing_polls = 2
        yield simulator


@pytest.fixture(autouse=True)
def full_quotas():
    QUOTA.advance(BETWEEN_TESTS)


@pytest.fixture(scope="module")
def http(sim):
    with sim.client() as client:
        client.event_hooks["request"].append(lambda request: QUOTA.advance(PACE))
        yield client


def _call(http, model: Model, method: str, template: str, path: str, **kwargs):
    """Send the request; check the status is documented and the body valid."""
    response = http.request(method, path, **kwargs)
    model.check_status(method, template, response.status_code)
    definition = model.response_schema(method, template, response.status_code)
    if definition:
        model.validate(definition, response.json())
    assert response.headers["x-amzn-RequestId"]
    return response


def test_search_orders_pages_validate(sim, http):
    template = "/orders/2026-01-01/orders"
    params = {
        "createdAfter": "2000-01-01T00:00:00Z",
        "marketplaceIds": ALL_MARKETPLACES,
        "includedData": ALL_INCLUDED,
        "maxResultsPerPage": 50,
    }
    seen = 0
    while True:
        response = _call(http, ORDERS, "GET", template, template, params=params)
        body = response.json()
        seen += len(body["orders"])
        token = body.get("pagination", {}).get("nextToken")
        if not token:
            break
        params = {**params, "paginationToken": token}  # Amazon: same criteria
    assert seen == len(sim.state.orders) == 160
    # and without any includedData
    response = _call(
        http,
        ORDERS,
        "GET",
        template,
        template,
        params={"lastUpdatedAfter": "2000-01-01T00:00:00Z", "marketplaceIds": DE},
    )
    assert response.json()["orders"]


def test_every_generated_order_validates(sim, http):
    template = "/orders/2026-01-01/orders/{orderId}"
    for order_id in list(sim.state.orders):
        response = _call(
            http,
            ORDERS,
            "GET",
            template,
            f"/orders/2026-01-01/orders/{order_id}",
            params={"includedData": ALL_INCLUDED},
        )
        assert response.json()["order"]["orderId"] == order_id


def test_order_errors_validate(http):
    template = "/orders/2026-01-01/orders"
    response = _call(
        http,
        ORDERS,
        "GET",
        template,
        template,
        params={"createdAfter": "not a date", "marketplaceIds": DE},
    )
    assert response.status_code == 400
    response = _call(
        http,
        ORDERS,
        "GET",
        "/orders/2026-01-01/orders/{orderId}",
        "/orders/2026-01-01/orders/999-0000000-0000000",
    )
    assert response.status_code == 404
    response = _call(
        http,
        ORDERS,
        "GET",
        template,
        template,
        params={"createdAfter": "2020-01-01T00:00:00Z", "marketplaceIds": DE},
        headers={"x-amz-access-token": "Atza|forged"},
    )
    assert response.status_code == 403


def test_rate_limited_and_failed_answers_validate(sim, http):
    template = "/orders/2026-01-01/orders/{orderId}"
    order_id = next(iter(sim.state.orders))
    for kind, status in (("429", 429), ("500", 500)):
        sim.state.inject_fault("getOrder", kind)
        response = _call(
            http, ORDERS, "GET", template, f"/orders/2026-01-01/orders/{order_id}"
        )
        assert response.status_code == status


def _confirmable(sim):
    return next(
        o
        for o in sim.state.orders.values()
        if o["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    )


def test_confirm_shipment_answers_validate(sim, http):
    template = "/orders/v0/orders/{orderId}/shipmentConfirmation"
    order = _confirmable(sim)
    path = f"/orders/v0/orders/{order['orderId']}/shipmentConfirmation"
    item = order["orderItems"][0]
    body = {
        "marketplaceId": order["salesChannel"]["marketplaceId"],
        "packageDetail": {
            "packageReferenceId": "1",
            "carrierCode": "DHL",
            "trackingNumber": "00340434161094042557",
            "shipDate": "2026-11-20T10:00:00Z",
            "orderItems": [{"orderItemId": item["orderItemId"], "quantity": 1}],
        },
    }
    ORDERS_V0.validate("ConfirmShipmentRequest", body)
    bad = copy.deepcopy(body)
    bad["packageDetail"]["orderItems"][0]["quantity"] = 99
    response = _call(http, ORDERS_V0, "POST", template, path, json=bad)
    assert response.status_code == 400
    response = _call(http, ORDERS_V0, "POST", template, path, json=body)
    assert response.status_code == 204
    # the order as returned afterwards (packages included) still validates
    _call(
        http,
        ORDERS,
        "GET",
        "/orders/2026-01-01/orders/{orderId}",
        f"/orders/2026-01-01/orders/{order['orderId']}",
        params={"includedData": ALL_INCLUDED},
    )


def _merchant_unshipped(sim, skip: int = 0):
    return [
        o
        for o in sim.state.orders.values()
        if o["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
        and o["fulfillment"]["fulfilledBy"] == "MERCHANT"
    ][skip]


def _get_order_validates(http, order_id: str) -> dict:
    return _call(
        http,
        ORDERS,
        "GET",
        "/orders/2026-01-01/orders/{orderId}",
        f"/orders/2026-01-01/orders/{order_id}",
        params={"includedData": ALL_INCLUDED},
    ).json()["order"]


def test_confirm_shipment_edits_reships_and_refusals_validate(sim, http):
    template = "/orders/v0/orders/{orderId}/shipmentConfirmation"
    order = _merchant_unshipped(sim, 1)
    path = f"/orders/v0/orders/{order['orderId']}/shipmentConfirmation"
    body = {
        "marketplaceId": order["salesChannel"]["marketplaceId"],
        "packageDetail": {
            "packageReferenceId": "1",
            "carrierCode": "Other",
            "carrierName": "Spedizioni Rossi",
            "shippingMethod": "Express",
            "trackingNumber": "RS0001",
            "shipDate": "2026-11-20T10:00:00Z",
            "orderItems": [
                {"orderItemId": i["orderItemId"], "quantity": i["quantityOrdered"]}
                for i in order["orderItems"]
            ],
        },
    }
    ORDERS_V0.validate("ConfirmShipmentRequest", body)
    misspelt = copy.deepcopy(body)
    misspelt["packageDetail"]["trackingNo"] = misspelt["packageDetail"].pop(
        "trackingNumber"
    )
    response = _call(http, ORDERS_V0, "POST", template, path, json=misspelt)
    assert response.status_code == 400
    assert "trackingNo" in response.json()["errors"][0]["message"]
    assert _call(http, ORDERS_V0, "POST", template, path, json=body).status_code == 204
    edited = copy.deepcopy(body)
    edited["packageDetail"]["trackingNumber"] = "RS0002"
    assert _call(http, ORDERS_V0, "POST", template, path, json=edited).status_code == (
        204
    )
    reship = copy.deepcopy(edited)
    reship["packageDetail"]["packageReferenceId"] = "2"
    assert _call(http, ORDERS_V0, "POST", template, path, json=reship).status_code == (
        204
    )
    packages = _get_order_validates(http, order["orderId"])["packages"]
    assert [(p["packageReferenceId"], p["trackingNumber"]) for p in packages] == [
        ("1", "RS0002"),
        ("2", "RS0002"),
    ]


def test_orders_canceled_by_acknowledgement_validate(sim, http):
    whole, partial = _merchant_unshipped(sim, 2), _merchant_unshipped(sim, 3)
    envelope = (
        "<?xml version='1.0' encoding='UTF-8'?><AmazonEnvelope><Header>"
        "<DocumentVersion>1.01</DocumentVersion>"
        "<MerchantIdentifier>A1SIMSELLER0001</MerchantIdentifier></Header>"
        "<MessageType>OrderAcknowledgement</MessageType>"
        "<Message><MessageID>1</MessageID><OrderAcknowledgement>"
        f"<AmazonOrderID>{whole['orderId']}</AmazonOrderID>"
        "<StatusCode>Failure</StatusCode></OrderAcknowledgement></Message>"
        "<Message><MessageID>2</MessageID><OrderAcknowledgement>"
        f"<AmazonOrderID>{partial['orderId']}</AmazonOrderID>"
        "<StatusCode>Success</StatusCode><Item>"
        f"<AmazonOrderItemCode>{partial['orderItems'][0]['orderItemId']}"
        "</AmazonOrderItemCode><CancelReason>BuyerCanceled</CancelReason>"
        "</Item></OrderAcknowledgement></Message>"
        "</AmazonEnvelope>"
    )
    feed_id = _submit_feed(
        http,
        "POST_ORDER_ACKNOWLEDGEMENT_DATA",
        envelope.encode(),
        "text/xml; charset=UTF-8",
    )
    feed = _poll_feed(http, feed_id)
    assert feed["processingStatus"] == "DONE"
    assert b"<MessagesWithError>0</MessagesWithError>" in _result_document(http, feed)
    canceled = _get_order_validates(http, whole["orderId"])
    assert canceled["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    item = _get_order_validates(http, partial["orderId"])["orderItems"][0]
    assert item["cancellation"]["cancellationExecution"]["cancelledBy"] == "MERCHANT"


def test_fatal_order_feed_validates(sim, http):
    sim.state.inject_fault("createFeed", "fatal")
    feed_id = _submit_feed(
        http,
        "POST_ORDER_FULFILLMENT_DATA",
        b"<AmazonEnvelope/>",
        "text/xml; charset=UTF-8",
    )
    feed = _poll_feed(http, feed_id)
    assert feed["processingStatus"] == "FATAL"
    assert b"<MessageID>0</MessageID>" in _result_document(http, feed)


def _submit_feed(http, feed_type: str, content: bytes, content_type: str) -> str:
    document = _call(
        http,
        FEEDS,
        "POST",
        "/feeds/2021-06-30/documents",
        "/feeds/2021-06-30/documents",
        json={"contentType": content_type},
    ).json()
    upload = httpx.put(
        document["url"], content=content, headers={"Content-Type": content_type}
    )
    assert upload.status_code == 200
    created = _call(
        http,
        FEEDS,
        "POST",
        "/feeds/2021-06-30/feeds",
        "/feeds/2021-06-30/feeds",
        json={
            "feedType": feed_type,
            "marketplaceIds": [DE],
            "inputFeedDocumentId": document["feedDocumentId"],
        },
    )
    assert created.status_code == 202
    return created.json()["feedId"]


def _poll_feed(http, feed_id: str) -> dict:
    statuses = []
    for _ in range(5):
        feed = _call(
            http,
            FEEDS,
            "GET",
            "/feeds/2021-06-30/feeds/{feedId}",
            f"/feeds/2021-06-30/feeds/{feed_id}",
        ).json()
        statuses.append(feed["processingStatus"])
        if feed["processingStatus"] in ("DONE", "FATAL", "CANCELLED"):
            return feed
    raise AssertionError(f"feed never finished: {statuses}")


def _result_document(http, feed: dict) -> bytes:
    document = _call(
        http,
        FEEDS,
        "GET",
        "/feeds/2021-06-30/documents/{feedDocumentId}",
        f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}",
    ).json()
    content = httpx.get(document["url"]).content
    if document.get("compressionAlgorithm") == "GZIP":
        content = gzip.decompress(content)
    return content


def test_listings_feed_and_its_report_validate(http):
    report_schema = _load("listings-feed-processing-report-schema-v2.json")
    feed_schema = _load("listings-feed-schema-v2.json")
    example = _load("listings-feed-schema-v2.example.json")
    example["header"]["sellerId"] = "A1SIMSELLER0001"
    # one accepted message on a catalogue SKU, one refused (negative stock)
    example["messages"].append(
        {
            "messageId": 6,
            "sku": "SKU-0001",
            "operationType": "PATCH",
            "productType": "HOME",
            "patches": [
                {
                    "op": "replace",
                    "path": "/attributes/fulfillment_availability",
                    "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 3}],
                }
            ],
        }
    )
    example["messages"].append(
        {
            "messageId": 7,
            "sku": "SKU-0002",
            "operationType": "PATCH",
            "productType": "HOME",
            "patches": [
                {
                    "op": "replace",
                    "path": "/attributes/fulfillment_availability",
                    "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": -1}],
                }
            ],
        }
    )
    jsonschema.Draft7Validator(feed_schema).validate(example)
    reports = []
    for _ in range(2):  # twice, so both a plain and a GZIP result document are read
        feed_id = _submit_feed(
            http,
            "JSON_LISTINGS_FEED",
            json.dumps(example).encode(),
            "application/json; charset=UTF-8",
        )
        feed = _poll_feed(http, feed_id)
        assert feed["processingStatus"] == "DONE"
        report = json.loads(_result_document(http, feed))
        registry = Registry().with_resource(
            "urn:report", Resource.from_contents(report_schema, DRAFT7)
        )
        jsonschema.Draft7Validator(report_schema, registry=registry).validate(report)
        reports.append(report)
    summary = reports[0]["summary"]
    assert summary["messagesProcessed"] == 7
    assert summary["messagesAccepted"] == 1
    assert {i["messageId"] for i in reports[0]["issues"]} == {1, 2, 3, 4, 5, 7}


def test_fatal_feed_validates(http):
    feed_id = _submit_feed(
        http, "POST_INVENTORY_AVAILABILITY_DATA", b"sku\tquantity\n", "text/tsv"
    )
    feed = _poll_feed(http, feed_id)
    assert feed["processingStatus"] == "FATAL"


def test_reports_answers_validate(sim, http):
    sim.state.generate_settlement_reports()
    template = "/reports/2021-06-30/reports"
    response = _call(
        http,
        REPORTS,
        "GET",
        template,
        template,
        params={
            "reportTypes": "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2",
            "processingStatuses": "DONE",
            "pageSize": 2,
        },
    )
    body = response.json()
    assert len(body["reports"]) == 2 and body["nextToken"]
    response = _call(
        http,
        REPORTS,
        "GET",
        template,
        template,
        params={"nextToken": body["nextToken"]},
    )
    for report in body["reports"] + response.json()["reports"]:
        _call(
            http,
            REPORTS,
            "GET",
            "/reports/2021-06-30/documents/{reportDocumentId}",
            f"/reports/2021-06-30/documents/{report['reportDocumentId']}",
        )
    bad = _call(
        http,
        REPORTS,
        "GET",
        template,
        template,
        params={"nextToken": body["nextToken"], "pageSize": 2},
    )
    assert bad.status_code == 400


@pytest.mark.parametrize(
    ("sku", "quantity", "mode", "status"),
    [
        ("SKU-0010", 4, None, "ACCEPTED"),
        ("SKU-0010", -4, None, "INVALID"),
        ("UNKNOWN-001", 4, None, "INVALID"),
        ("SKU-0011", 4, "VALIDATION_PREVIEW", "VALID"),
    ],
)
def test_patch_listings_item_answers_validate(http, sku, quantity, mode, status):
    template = "/listings/2021-08-01/items/{sellerId}/{sku}"
    body = {
        "productType": "HOME",
        "patches": [
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": [
                    {"fulfillment_channel_code": "DEFAULT", "quantity": quantity}
                ],
            }
        ],
    }
    LISTINGS.validate("ListingsItemPatchRequest", body)
    params = {"marketplaceIds": DE}
    if mode:
        params["mode"] = mode
    response = _call(
        http,
        LISTINGS,
        "PATCH",
        template,
        f"/listings/2021-08-01/items/A1SIMSELLER0001/{sku}",
        params=params,
        json=body,
    )
    assert response.json()["status"] == status
