"""The simulator's listings on Amazon's side: ``add_listing``, the stock and price
changes of JSON_LISTINGS_FEED and patchListingsItem (checked, applied or refused per
SKU), and the All Listings Report served by createReport/getReport."""

import gzip
import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace

import httpx
import jsonschema
import pytest
from amazon_simulator import AmazonSimulator, SimulatorState, models
from amazon_simulator.generator import CATALOGUE
from amazon_simulator.listings_report import COLUMNS, build_listings_report
from amazon_simulator.models import SharedModelsNotFound
from amazon_simulator.schemas import strict
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT7
from sp_api.api import Reports
from sp_api.auth import AccessTokenClient

DE, UK, JP = "A1PA6795UKMFR9", "A1F83G8C2ARO7P", "A1VC38T7YXB528"
SELLER = "A1SIMSELLER0001"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
LISTINGS_REPORT = "GET_MERCHANT_LISTINGS_ALL_DATA"
AMAZON_COLUMNS = (
    "item-name\titem-description\tlisting-id\tseller-sku\tprice\tquantity\topen-date\t"
    "image-url\titem-is-marketplace\tproduct-id-type\tzshop-shipping-fee\titem-note\t"
    "item-condition\tzshop-category1\tzshop-browse-path\tzshop-storefront-feature\t"
    "asin1\tasin2\tasin3\twill-ship-internationally\texpedited-shipping\t"
    "zshop-boldface\tproduct-id\tbid-for-featured-placement\tadd-delete\t"
    "pending-quantity\tfulfillment-channel\tmerchant-shipping-group\tstatus"
).split("\t")


class Clock:
    def __init__(self, now=NOW):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def sim(clock):
    with AmazonSimulator(seed=5, clock=clock) as simulator:
        simulator.state.feed_processing_polls = 0
        simulator.state.result_compression = "never"
        yield simulator


@pytest.fixture
def http(sim):
    with sim.client() as client:
        yield client


# -- helpers
def _create_report(http, marketplace=DE, **body):
    body = {"reportType": LISTINGS_REPORT, "marketplaceIds": [marketplace], **body}
    return http.post("/reports/2021-06-30/reports", json=body)


def _poll(http, report_id, limit=5):
    for _ in range(limit):
        report = http.get(f"/reports/2021-06-30/reports/{report_id}").json()
        if report["processingStatus"] not in ("IN_QUEUE", "IN_PROGRESS"):
            return report
    raise AssertionError(f"report {report_id} still {report['processingStatus']}")


def _download(http, report):
    """(bytes, content type, document info) of a done report."""
    info = http.get(f"/reports/2021-06-30/documents/{report['reportDocumentId']}")
    assert info.status_code == 200
    info = info.json()
    response = httpx.get(info["url"])
    content = response.content
    if info.get("compressionAlgorithm") == "GZIP":
        content = gzip.decompress(content)
    return content, response.headers["content-type"], info


def _listings_report(http, marketplace=DE, encoding="utf-8"):
    """(header, rows by seller-sku) of a fresh All Listings Report."""
    created = _create_report(http, marketplace)
    assert created.status_code == 202, created.text
    report = _poll(http, created.json()["reportId"])
    assert report["processingStatus"] == "DONE"
    content, _type, _info = _download(http, report)
    lines = content.decode(encoding).split("\n")
    assert lines[-1] == ""
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:-1]]
    return header, {row["seller-sku"]: row for row in rows}


def _feed(http, messages, marketplace=DE):
    """Submit a JSON_LISTINGS_FEED (done at once); its processing report."""
    content = json.dumps(
        {"header": {"sellerId": SELLER, "version": "2.0"}, "messages": messages}
    ).encode()
    document = http.post(
        "/feeds/2021-06-30/documents", json={"contentType": "application/json"}
    ).json()
    uploaded = httpx.put(
        document["url"], content=content, headers={"Content-Type": "application/json"}
    )
    assert uploaded.status_code == 200
    feed_id = http.post(
        "/feeds/2021-06-30/feeds",
        json={
            "feedType": "JSON_LISTINGS_FEED",
            "marketplaceIds": [marketplace],
            "inputFeedDocumentId": document["feedDocumentId"],
        },
    ).json()["feedId"]
    feed = http.get(f"/feeds/2021-06-30/feeds/{feed_id}").json()
    assert feed["processingStatus"] == "DONE"
    result = http.get(
        f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}"
    ).json()
    report = httpx.get(result["url"]).content
    if result.get("compressionAlgorithm") == "GZIP":
        report = gzip.decompress(report)
    return json.loads(report)


def _stock(quantity, op="replace", channel="DEFAULT", **extra):
    value = {"fulfillment_channel_code": channel, "quantity": quantity, **extra}
    return {"op": op, "path": "/attributes/fulfillment_availability", "value": [value]}


def _schedule(amount):
    return [{"schedule": [{"value_with_tax": amount}]}]


def _price(amount, marketplace=DE, currency="EUR", op="replace", **bounds):
    value = {
        "marketplace_id": marketplace,
        "currency": currency,
        "audience": "ALL",
        "our_price": _schedule(amount),
    }
    for key, bound in bounds.items():
        value[f"{key}_seller_allowed_price"] = _schedule(bound)
    return {"op": op, "path": "/attributes/purchasable_offer", "value": [value]}


def _message(message_id, sku, *patches, product_type="PRODUCT"):
    return {
        "messageId": message_id,
        "sku": sku,
        "operationType": "PATCH",
        "productType": product_type,
        "patches": list(patches),
    }


def _patch(http, sku, *patches, product_type="PRODUCT", **params):
    return http.patch(
        f"/listings/2021-08-01/items/{SELLER}/{sku}",
        params={"marketplaceIds": DE, **params},
        json={"productType": product_type, "patches": list(patches)},
    )


# -- add_listing
def test_add_listing_holds_amazons_side_of_the_listing():
    state = SimulatorState(clock=Clock())
    listing = state.add_listing("SKU-0003", price="19.99", quantity=7)
    product = CATALOGUE["SKU-0003"]
    assert listing["asin"] == product.asin and listing["title"] == product.title
    assert listing["quantity"] == 7
    assert listing["prices"] == {
        DE: {"currency": "EUR", "value_with_tax": Decimal("19.99")}
    }
    assert listing["marketplace_ids"] == [DE]
    assert listing["product_type"] == "PRODUCT" and listing["status"] == "Active"
    # not in the catalogue: a stable generated ASIN, the same in another state
    own = state.add_listing("OWN-1", marketplace=UK)
    assert own["asin"].startswith("B0") and len(own["asin"]) == 10
    assert SimulatorState().add_listing("OWN-1")["asin"] == own["asin"]
    assert "prices" not in own
    # listed again elsewhere: the first marketplace's price and the stock are kept
    again = state.add_listing("SKU-0003", marketplace=JP, price=1980)
    assert again["marketplace_ids"] == [DE, JP]
    assert again["prices"][JP] == {"currency": "JPY", "value_with_tax": Decimal(1980)}
    assert again["prices"][DE]["value_with_tax"] == Decimal("19.99")
    assert again["quantity"] == 7 and again["titles"][JP] == product.title_ja
    for bad in (
        {"quantity": -1},
        {"quantity": 1.5},
        {"price": "-1"},
        {"price": "abc"},
        {"fulfillment_channel": "FBA"},
        {"status": "Deleted"},
        {"marketplace": "XX"},
    ):
        with pytest.raises(ValueError):
            state.add_listing("SKU-0004", **bad)


def test_control_route_adds_listings_and_state_shows_them(sim, http):
    response = http.post(
        "/_sim/listings",
        json=[
            {"sku": "A-1", "price": "12.50", "quantity": 3},
            {"sku": "B-1", "marketplace": UK, "fulfillment_channel": "AMAZON_EU"},
        ],
    )
    assert response.status_code == 200 and response.json() == {"skus": ["A-1", "B-1"]}
    assert sim.state.listings["B-1"]["fulfillment_channel"] == "AMAZON_EU"
    sim.state.reject_sku("B-1")
    state = http.get("/_sim/state").json()
    assert state["listings"]["A-1"]["prices"] == {"DE": "12.50 EUR"}
    assert state["listings"]["A-1"]["quantity"] == 3
    assert state["listings"]["B-1"]["marketplaces"] == ["UK"]
    assert state["rejectedSkus"] == {"B-1": "90220"}
    refused = http.post("/_sim/listings", json=[{"sku": "C-1", "colour": "red"}])
    assert refused.status_code == 400
    assert http.post("/_sim/listings", json={"sku": "C-1"}).status_code == 400
    assert "C-1" not in sim.state.listings


# -- createReport / getReport / the All Listings Report
@pytest.mark.parametrize("compression", ["never", "always"])
def test_listings_report_lifecycle(sim, http, compression):
    sim.state.result_compression = compression
    sim.state.report_processing_polls = 2
    sim.state.add_listing("SKU-0010", price="19.99", quantity=4)
    sim.state.add_listing(
        "FBA-1", title='Mug "XL"', price=20, fulfillment_channel="AMAZON_EU"
    )
    sim.state.add_listing("EMPTY-1", price="5", quantity=0)
    sim.state.add_listing("UK-ONLY", marketplace="UK", price="3")
    created = _create_report(http)
    assert created.status_code == 202
    assert created.headers["x-amzn-RateLimit-Limit"] == "0.0167"
    report_id = created.json()["reportId"]
    assert set(created.json()) == {"reportId"}
    statuses = []
    for _ in range(3):
        answer = http.get(f"/reports/2021-06-30/reports/{report_id}")
        assert answer.headers["x-amzn-RateLimit-Limit"] == "2"
        statuses.append(answer.json()["processingStatus"])
    assert statuses == ["IN_PROGRESS", "DONE", "DONE"]
    report = answer.json()
    assert report["reportType"] == LISTINGS_REPORT
    assert report["marketplaceIds"] == [DE]
    assert report["createdTime"] == "2026-11-20T12:00:00Z"
    assert report["processingStartTime"] and report["processingEndTime"]
    listed = http.get(
        "/reports/2021-06-30/reports", params={"reportTypes": LISTINGS_REPORT}
    ).json()["reports"]
    assert listed == [report]  # getReports lists it too
    content, content_type, info = _download(http, report)
    assert content_type == "text/plain;charset=UTF-8"
    assert (info.get("compressionAlgorithm") == "GZIP") == (compression == "always")
    assert content.startswith(b"item-name\titem-description\t")
    lines = content.decode("utf-8").split("\n")
    assert lines[0].split("\t") == AMAZON_COLUMNS == list(COLUMNS)
    rows = {
        r.split("\t")[3]: dict(zip(COLUMNS, r.split("\t"), strict=True))
        for r in lines[1:-1]
    }
    assert sorted(rows) == ["EMPTY-1", "FBA-1", "SKU-0010"]  # not the UK listing
    mfn, fba, empty = rows["SKU-0010"], rows["FBA-1"], rows["EMPTY-1"]
    assert mfn["item-name"] == CATALOGUE["SKU-0010"].title
    assert mfn["price"] == "19.99" and mfn["quantity"] == "4"
    assert mfn["asin1"] == mfn["product-id"] == CATALOGUE["SKU-0010"].asin
    assert mfn["product-id-type"] == "1" and mfn["fulfillment-channel"] == "DEFAULT"
    assert mfn["status"] == "Active" and mfn["open-date"] == "2026-11-20 12:00:00 UTC"
    assert fba["item-name"] == 'Mug "XL"'  # not quoted, as Amazon writes it
    assert fba["price"] == "20.00" and fba["quantity"] == ""
    assert fba["fulfillment-channel"] == "AMAZON_EU"
    assert empty["quantity"] == "0" and empty["status"] == "Inactive"
    # built again for another report: the same ids, a stable listing id
    assert _listings_report(http)[1]["SKU-0010"]["listing-id"] == mfn["listing-id"]


def test_report_done_at_once_and_unknown_report(sim, http):
    sim.state.report_processing_polls = 0
    sim.state.add_listing("SKU-0011", price="1")
    report_id = _create_report(http).json()["reportId"]
    assert sim.state.reports[report_id]["processingStatus"] == "DONE"
    missing = http.get("/reports/2021-06-30/reports/99999999")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["code"] == "NotFound"


def test_japanese_report_is_cp932(sim, http):
    sim.state.add_listing(
        "JP-1", marketplace="JP", title="日本製マグカップ 青", price=1980, quantity=2
    )
    sim.state.add_listing("JP-2", marketplace="JP", price="2500.4")
    sim.state.listings_report_bom = True  # never in Japan
    report = _poll(http, _create_report(http, JP).json()["reportId"])
    content, content_type, _info = _download(http, report)
    assert content_type == "text/plain;charset=Shift_JIS"
    assert "日本製マグカップ 青".encode("cp932") in content
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    _header, rows = _listings_report(http, JP, encoding="cp932")
    assert rows["JP-1"]["item-name"] == "日本製マグカップ 青"
    assert rows["JP-1"]["price"] == "1980" and rows["JP-2"]["price"] == "2500"
    assert rows["JP-2"]["item-name"] == "Simulated product JP-2"


def test_bom_and_extra_columns(sim, http):
    sim.state.add_listing("SKU-0012", price="9.5", quantity=1)
    sim.state.listings_report_bom = True
    sim.state.listings_report_extra_columns = ("minimum-seller-allowed-price", "x")
    report = _poll(http, _create_report(http).json()["reportId"])
    content, _type, _info = _download(http, report)
    assert content.startswith(b"\xef\xbb\xbfitem-name\t")
    header, rows = _listings_report(http, encoding="utf-8-sig")
    assert header == [*AMAZON_COLUMNS, "minimum-seller-allowed-price", "x"]
    assert rows["SKU-0012"]["x"] == "" and rows["SKU-0012"]["price"] == "9.50"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"reportType": "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"},
            "Request for report type 1118 is not allowed at this time",
        ),
        (
            {"reportType": "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"},
            "Request for report type 1117 is not allowed at this time",
        ),
        ({"reportType": None}, "reportType is required"),
        ({"marketplaceIds": []}, "marketplaceIds must list"),
        ({"marketplaceIds": ["XX"]}, "Invalid marketplaceIds: XX"),
        ({"reportTypes": [LISTINGS_REPORT]}, "Unknown field(s)"),
        ({"reportType": "GET_FLAT_FILE_OPEN_LISTINGS_DATA"}, "Invalid reportType"),
        ({"dataStartTime": "yesterday"}, "Invalid dataStartTime"),
        ({"dataEndTime": "2026-11-21T00:00:00Z"}, "prior to or equal"),
        (
            {
                "dataStartTime": "2026-11-19T00:00:00Z",
                "dataEndTime": "2026-11-18T00:00:00Z",
            },
            "must not be after",
        ),
        ({"reportOptions": {"custom": True}}, "reportOptions"),
    ],
)
def test_create_report_refusals(sim, http, body, message):
    sim.state.add_listing("SKU-0013")
    full = {"reportType": LISTINGS_REPORT, "marketplaceIds": [DE], **body}
    full = {k: v for k, v in full.items() if v is not None}
    response = http.post("/reports/2021-06-30/reports", json=full)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "InvalidInput" and message in error["message"]
    assert sim.state.reports == {}


def test_a_report_with_no_listing_ends_cancelled(sim, http):
    sim.state.add_listing("SKU-0014", marketplace="UK")
    report = _poll(http, _create_report(http, DE).json()["reportId"])
    assert report["processingStatus"] == "CANCELLED"
    assert "reportDocumentId" not in report


@pytest.mark.parametrize("kind", ["fatal", "cancelled"])
def test_report_faults(sim, http, kind):
    sim.state.add_listing("SKU-0015", price="1")
    sim.state.inject_fault("createReport", kind, report_type=LISTINGS_REPORT)
    created = _create_report(http)
    assert created.status_code == 202
    report = _poll(http, created.json()["reportId"])
    if kind == "fatal":
        assert report["processingStatus"] == "FATAL"
        content, content_type, _info = _download(http, report)
        assert content_type == "application/json"
        assert "errorDetails" in json.loads(content)
    else:
        assert report["processingStatus"] == "CANCELLED"
        assert "reportDocumentId" not in report
    assert sim.state.summary()["faults"] == []
    # one report only
    assert _poll(http, _create_report(http).json()["reportId"])["processingStatus"] == (
        "DONE"
    )


def test_report_faults_are_for_create_report_only(sim):
    with pytest.raises(ValueError, match="createReport"):
        sim.state.inject_fault("getReport", "cancelled")
    with pytest.raises(ValueError, match="createReport"):
        sim.state.inject_fault("createFeed", "cancelled")
    with pytest.raises(ValueError, match="createFeed"):
        sim.state.inject_fault("createReport", "unclear_report")
    sim.state.inject_fault("createReport", "fatal")  # both take "fatal"
    sim.state.inject_fault("createFeed", "fatal")


def test_python_amazon_sp_api_reads_the_japanese_report(sim):
    sim.state.add_listing("JP-9", marketplace="JP", title="水筒 グレー", price=2480)
    sim.state.result_compression = "always"
    auth = type(
        "SimAuth", (AccessTokenClient,), {"scheme": "http://", "host": sim.url[7:]}
    )
    creds = sim.credentials
    reports = Reports(
        marketplace=SimpleNamespace(
            endpoint=sim.url, marketplace_id=JP, region="us-west-2"
        ),
        credentials={
            "refresh_token": creds["refresh_token"],
            "lwa_app_id": creds["client_id"],
            "lwa_client_secret": creds["client_secret"],
        },
        auth_token_client_class=auth,
    )
    created = reports.create_report(reportType=LISTINGS_REPORT, marketplaceIds=[JP])
    report = reports.get_report(created.payload["reportId"]).payload
    assert report["processingStatus"] == "DONE"
    document = reports.get_report_document(report["reportDocumentId"], download=True)
    assert document.payload["compressionAlgorithm"] == "GZIP"
    assert "水筒 グレー\t" in document.payload["document"]
    assert "\t2480\t" in document.payload["document"]


# -- JSON_LISTINGS_FEED and patchListingsItem on the listings
def test_listings_feed_changes_show_in_the_next_report(sim, http):
    sim.state.add_listing("SKU-0020", price="19.99", quantity=1)
    sim.state.add_listing("SKU-0021", price="5.00", quantity=2)
    report = _feed(
        http,
        [
            _message(
                1,
                "SKU-0020",
                _stock(12, lead_time_to_ship_max_days=3),
                _price(24.5, minimum=10, maximum=30),
            ),
            _message(2, "SKU-0021", _stock(0)),
        ],
    )
    assert report["summary"]["messagesAccepted"] == 2 and report["issues"] == []
    listing = sim.state.listings["SKU-0020"]
    assert listing["quantity"] == 12 and listing["lead_time_to_ship_max_days"] == 3
    assert listing["prices"][DE] == {
        "currency": "EUR",
        "value_with_tax": 24.5,
        "minimum": 10,
        "maximum": 30,
    }
    _header, rows = _listings_report(http)
    assert rows["SKU-0020"]["price"] == "24.50" and rows["SKU-0020"]["quantity"] == "12"
    assert rows["SKU-0021"]["quantity"] == "0"
    assert rows["SKU-0021"]["status"] == "Inactive"
    # merge keeps the handling time and the bounds, replace drops them
    _feed(
        http, [_message(3, "SKU-0020", _stock(5, op="merge"), _price(20, op="merge"))]
    )
    assert listing["lead_time_to_ship_max_days"] == 3
    assert listing["prices"][DE]["minimum"] == 10
    _feed(http, [_message(4, "SKU-0020", _stock(6), _price(21))])
    assert "lead_time_to_ship_max_days" not in listing
    assert listing["prices"][DE] == {"currency": "EUR", "value_with_tax": 21}
    assert _listings_report(http)[1]["SKU-0020"]["quantity"] == "6"


def test_a_rejected_sku_gets_only_its_message_in_error(sim, http):
    for sku in ("SKU-0030", "SKU-0031", "SKU-0032"):
        sim.state.add_listing(sku, price="10", quantity=1)
    sim.state.reject_sku("SKU-0031")
    sim.state.reject_sku("SKU-0032", code="8541", message="The SKU is blocked.")
    report = _feed(
        http,
        [
            _message(1, "SKU-0030", _stock(8)),
            _message(2, "SKU-0031", _stock(-5)),  # rejected: one issue, not two
            _message(3, "SKU-0032", _price(11)),
        ],
    )
    assert report["summary"]["messagesAccepted"] == 1
    assert report["summary"]["messagesInvalid"] == 2
    assert report["issues"] == [
        {
            "severity": "ERROR",
            "messageId": 2,
            "sku": "SKU-0031",
            "code": "90220",
            "message": "'[batteries_required]' is required but not supplied.",
            "attributeName": "batteries_required",
        },
        {
            "severity": "ERROR",
            "messageId": 3,
            "sku": "SKU-0032",
            "code": "8541",
            "message": "The SKU is blocked.",
        },
    ]
    assert sim.state.listings["SKU-0030"]["quantity"] == 8
    assert sim.state.listings["SKU-0031"]["quantity"] == 1
    assert sim.state.listings["SKU-0032"]["prices"][DE]["value_with_tax"] == 10
    sim.state.accept_sku("SKU-0031")
    sim.state.clear_faults()  # lifts SKU-0032's too
    again = _feed(
        http,
        [_message(1, "SKU-0031", _stock(4)), _message(2, "SKU-0032", _price(11))],
    )
    assert again["summary"]["messagesAccepted"] == 2
    assert sim.state.listings["SKU-0031"]["quantity"] == 4


def test_patch_of_a_rejected_sku_is_invalid(sim, http):
    sim.state.add_listing("SKU-0040", quantity=1)
    sim.state.reject_sku("SKU-0040")
    for params in ({}, {"mode": "VALIDATION_PREVIEW"}):
        answer = _patch(http, "SKU-0040", _stock(3), **params).json()
        assert answer["status"] == "INVALID"
        assert answer["issues"] == [
            {
                "code": "90220",
                "message": "'[batteries_required]' is required but not supplied.",
                "severity": "ERROR",
                "categories": [],
                "attributeNames": ["batteries_required"],
            }
        ]
    assert sim.state.listings["SKU-0040"]["quantity"] == 1
    sim.state.accept_sku("SKU-0040")
    assert _patch(http, "SKU-0040", _stock(3)).json()["status"] == "ACCEPTED"
    assert sim.state.listings["SKU-0040"]["quantity"] == 3


def test_product_type_must_match_the_listing(sim, http):
    sim.state.add_listing("SHIRT-1", product_type="SHIRT", quantity=1)
    sim.state.add_listing("ANY-1", product_type=None, quantity=1)
    report = _feed(
        http,
        [
            _message(1, "SHIRT-1", _stock(5)),
            _message(2, "SHIRT-1", _stock(6), product_type="SHIRT"),
            _message(3, "ANY-1", _stock(7), product_type="LUGGAGE"),
            _message(4, "SKU-0050", _stock(8), product_type="LUGGAGE"),  # catalogue
        ],
    )
    assert report["summary"]["messagesAccepted"] == 3
    assert [(i["messageId"], i["code"], i["message"]) for i in report["issues"]] == [
        (
            1,
            "4000004",
            "The product type 'PRODUCT' does not match the product type 'SHIRT' of "
            "SKU 'SHIRT-1'.",
        )
    ]
    assert sim.state.listings["SHIRT-1"]["quantity"] == 6
    patched = _patch(http, "SHIRT-1", _stock(9)).json()
    assert patched["status"] == "INVALID"
    assert patched["issues"][0]["code"] == "4000004"


def test_listed_skus_are_known_others_are_not(sim, http):
    sim.state.add_listing("MY-OWN-SKU", quantity=1)
    report = _feed(
        http,
        [_message(1, "MY-OWN-SKU", _stock(2)), _message(2, "NOT-LISTED", _stock(2))],
    )
    assert [(i["messageId"], i["code"]) for i in report["issues"]] == [(2, "18027")]
    assert sim.state.listings["MY-OWN-SKU"]["quantity"] == 2


@pytest.mark.parametrize(
    ("patch", "named"),
    [
        (_stock(-1), "quantity -1"),
        (_stock(True), "quantity True"),
        (_stock(2, lead_time_to_ship_max_days=-2), "lead_time_to_ship_max_days -2"),
        (_price(-1), "our_price -1"),
        (_price("9.99"), "our_price '9.99'"),
        (_price(5, minimum=10), "below the minimum 10"),
        (_price(50, maximum=30), "above the maximum 30"),
        (_price(20, minimum=30, maximum=10), "above the maximum 10"),
        (_price(20, currency="GBP"), "currency 'GBP'"),
    ],
)
def test_values_are_checked(sim, http, patch, named):
    sim.state.add_listing("SKU-0060", price="15", quantity=1)
    report = _feed(http, [_message(1, "SKU-0060", patch)])
    assert report["summary"]["messagesInvalid"] == 1
    assert all(i["code"] == "90244" for i in report["issues"])
    assert any(named in i["message"] for i in report["issues"]), report["issues"]
    assert sim.state.listings["SKU-0060"]["quantity"] == 1
    assert sim.state.listings["SKU-0060"]["prices"][DE]["value_with_tax"] == 15


def test_a_merged_price_is_checked_against_the_bounds_held(sim, http):
    sim.state.add_listing("SKU-0061", price="15")
    _feed(http, [_message(1, "SKU-0061", _price(15, minimum=10, maximum=20))])
    low = _patch(http, "SKU-0061", _price(9, op="merge")).json()
    assert (
        low["status"] == "INVALID"
        and "below the minimum 10" in (low["issues"][0]["message"])
    )
    assert _patch(http, "SKU-0061", _price(9)).json()["status"] == "ACCEPTED"
    assert sim.state.listings["SKU-0061"]["prices"][DE] == {
        "currency": "EUR",
        "value_with_tax": 9,
    }


def test_an_offer_without_marketplace_id_is_the_requests_marketplace(sim, http):
    sim.state.add_listing("SKU-0062", marketplace="UK", price="3")
    patch = _price(4.25, currency="GBP")
    del patch["value"][0]["marketplace_id"]
    answer = _patch(http, "SKU-0062", patch, marketplaceIds=UK).json()
    assert answer["status"] == "ACCEPTED"
    assert sim.state.listings["SKU-0062"]["prices"][UK]["value_with_tax"] == 4.25


def test_stock_for_a_listing_fulfilled_by_amazon_makes_it_merchant_fulfilled(sim, http):
    sim.state.add_listing("FBA-2", fulfillment_channel="AMAZON_EU", price="8")
    assert _listings_report(http)[1]["FBA-2"]["quantity"] == ""
    _feed(http, [_message(1, "FBA-2", _stock(4))])
    row = _listings_report(http)[1]["FBA-2"]
    assert row["fulfillment-channel"] == "DEFAULT" and row["quantity"] == "4"


def test_a_deleted_listing_leaves_the_report(sim, http, clock):
    sim.state.add_listing("SKU-0070", price="1")
    sim.state.add_listing("SKU-0071", price="1")
    report = _feed(
        http, [{"messageId": 1, "sku": "SKU-0070", "operationType": "DELETE"}]
    )
    assert report["summary"]["messagesAccepted"] == 1
    assert sorted(_listings_report(http)[1]) == ["SKU-0071"]
    clock.now = NOW + timedelta(days=1)
    sim.state.add_listing("SKU-0070", price="2")  # listed again
    assert _listings_report(http)[1]["SKU-0070"]["price"] == "2.00"


# -- Amazon's models
def _model(name):
    try:
        return models.load_model(name)
    except SharedModelsNotFound as error:
        pytest.skip(str(error))


def _validate(name, definition, instance):
    """``instance`` against a definition of a swagger 2.0 model, strictly (no
    property the model does not define)."""
    resource = Resource.from_contents(
        strict(_model(name)), default_specification=DRAFT4
    )
    registry = Registry().with_resource(f"urn:{name}", resource)
    schema = {"$ref": f"urn:{name}#/definitions/{definition}"}
    jsonschema.Draft4Validator(schema, registry=registry).validate(instance)


def test_report_answers_validate_against_the_model(sim, http):
    reports = "reports_2021-06-30.json"
    sim.state.report_processing_polls = 2
    sim.state.add_listing("SKU-0080", price="1")
    created = _create_report(
        http,
        dataStartTime="2026-11-01T00:00:00Z",
        reportOptions={"custom": "true"},
    )
    _validate(reports, "CreateReportResponse", created.json())
    report_id = created.json()["reportId"]
    _validate(reports, "Report", sim.state.get_report(report_id))  # IN_PROGRESS
    done = http.get(f"/reports/2021-06-30/reports/{report_id}").json()
    assert done["processingStatus"] == "DONE"
    assert done["dataStartTime"] == "2026-11-01T00:00:00Z"
    _validate(reports, "Report", done)
    for kind in ("fatal", "cancelled"):
        sim.state.inject_fault("createReport", kind)
        _validate(
            reports, "Report", _poll(http, _create_report(http).json()["reportId"])
        )
    _validate(
        reports,
        "GetReportsResponse",
        http.get(
            "/reports/2021-06-30/reports", params={"reportTypes": LISTINGS_REPORT}
        ).json(),
    )
    _validate(
        reports,
        "ReportDocument",
        http.get(f"/reports/2021-06-30/documents/{done['reportDocumentId']}").json(),
    )
    refused = http.post(
        "/reports/2021-06-30/reports",
        json={
            "reportType": "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2",
            "marketplaceIds": [DE],
        },
    )
    _validate(reports, "ErrorList", refused.json())


def test_listings_answers_validate_against_the_models(sim, http):
    sim.state.add_listing("SKU-0081", product_type="SHIRT")
    sim.state.add_listing("SKU-0082")
    sim.state.reject_sku("SKU-0082")
    report = _feed(
        http,
        [
            _message(1, "SKU-0081", _stock(1)),
            _message(2, "SKU-0082", _stock(1)),
            _message(3, "SKU-0081", _price(5, minimum=6), product_type="SHIRT"),
        ],
    )
    assert report["summary"]["messagesInvalid"] == 3
    schema = _model("listings-feed-processing-report-schema-v2.json")
    registry = Registry().with_resource(
        "urn:report", Resource.from_contents(schema, DRAFT7)
    )
    jsonschema.Draft7Validator(schema, registry=registry).validate(report)
    for sku in ("SKU-0081", "SKU-0082"):
        answer = _patch(http, sku, _stock(2))
        assert answer.json()["status"] == "INVALID"
        _validate(
            "listingsItems_2021-08-01.json",
            "ListingsItemSubmissionResponse",
            answer.json(),
        )


# -- getListingsItem
def _get_item(http, sku, marketplace=DE, included="summaries,fulfillmentAvailability"):
    return http.get(
        f"/listings/2021-08-01/items/{SELLER}/{sku}",
        params={"marketplaceIds": marketplace, "includedData": included},
    )


def test_get_listings_item_says_who_fulfils_it(sim, http):
    sim.state.add_listing("SKU-0090", quantity=4, title="Lamp")
    sim.state.add_listing("SKU-0091", fulfillment_channel="AMAZON_EU")
    merchant = _get_item(http, "SKU-0090")
    assert merchant.status_code == 200, merchant.text
    assert merchant.json()["fulfillmentAvailability"] == [
        {"fulfillmentChannelCode": "DEFAULT", "quantity": 4}
    ]
    (summary,) = merchant.json()["summaries"]
    assert (summary["marketplaceId"], summary["itemName"]) == (DE, "Lamp")
    assert summary["status"] == ["BUYABLE", "DISCOVERABLE"]
    fba = _get_item(http, "SKU-0091").json()
    assert fba["fulfillmentAvailability"] == [{"fulfillmentChannelCode": "AMAZON_EU"}]
    assert [r["sku"] for r in sim.state.listings_item_requests] == [
        "SKU-0090",
        "SKU-0091",
    ]
    assert sim.state.listings_item_requests[0]["includedData"] == [
        "summaries",
        "fulfillmentAvailability",
    ]
    # Only what was asked.
    assert set(_get_item(http, "SKU-0090", included="summaries").json()) == {
        "sku",
        "summaries",
    }


def test_get_listings_item_refusals(sim, http):
    sim.state.add_listing("SKU-0092", marketplace="DE")
    unknown = _get_item(http, "NOT-LISTED")
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["code"] == "NOT_FOUND"
    assert _get_item(http, "SKU-0092", marketplace=UK).status_code == 404
    assert _get_item(http, "SKU-0092", included="nonsense").status_code == 400
    no_marketplace = http.get(f"/listings/2021-08-01/items/{SELLER}/SKU-0092")
    assert no_marketplace.status_code == 400
    other_seller = http.get(
        "/listings/2021-08-01/items/SOMEONEELSE/SKU-0092",
        params={"marketplaceIds": DE},
    )
    assert other_seller.status_code == 403


def test_get_listings_item_answers_validate_against_the_model(sim, http):
    model = "listingsItems_2021-08-01.json"
    sim.state.add_listing("SKU-0093", quantity=2)
    sim.state.add_listing(
        "SKU-0094", fulfillment_channel="AMAZON_EU", status="Inactive"
    )
    for sku in ("SKU-0093", "SKU-0094"):
        _validate(model, "Item", _get_item(http, sku).json())
    _validate(model, "ErrorList", _get_item(http, "NOT-LISTED").json())


# -- the layouts sellers get
def _raw_report(http, marketplace=DE, **body):
    created = _create_report(http, marketplace, **body)
    assert created.status_code == 202, created.text
    content, content_type, _info = _download(
        http, _poll(http, created.json()["reportId"])
    )
    return content, content_type


def test_the_german_4140_layout(sim, http):
    """Amazon.de's header as quoted in amzn/selling-partner-api-models #4140."""
    sim.state.listings_report_layouts = {"DE": "de-4140"}
    sim.state.add_listing("SKU-0095", fulfillment_channel="AMAZON_EU", quantity=3)
    sim.state.add_listing("SKU-0096", quantity=5, price="9.50")
    content, _type = _raw_report(http)
    lines = content.decode("utf-8").split("\n")
    header = lines[0].split("\t")
    # Nine placeholders in the quoted header (one per retired documented column:
    # image-url, zshop-*, asin2, asin3, bid-for-featured-placement).
    assert header.count("Deprecated column") == 9
    assert "fulfillment-channel" not in header
    assert header[26:] == [
        "fulfilment-channel",
        "optional-payment-type-exclusion",
        "merchant-shipping-group",
        "status",
        "Minimum order quantity",
        "Sell remainder",
    ]
    rows = [line.split("\t") for line in lines[1:-1]]
    assert all(len(row) == len(header) for row in rows)
    by_sku = {row[header.index("seller-sku")]: row for row in rows}
    channel = header.index("fulfilment-channel")
    assert by_sku["SKU-0095"][channel] == "AMAZON_EU"
    assert by_sku["SKU-0095"][header.index("quantity")] == ""  # FBA: Amazon's stock
    assert by_sku["SKU-0096"][channel] == "DEFAULT"
    assert by_sku["SKU-0096"][header.index("price")] == "9.50"
    # Another marketplace keeps Amazon's documented layout.
    sim.state.add_listing("SKU-0097", marketplace="UK")
    assert _listings_report(http, UK)[0] == AMAZON_COLUMNS


def test_the_japanese_layout_is_cp932_even_outside_japan(sim, http):
    sim.state.listings_report_layouts = {"DE": "ja"}
    sim.state.add_listing("SKU-0098", quantity=2, title="マグカップ ①")
    content, content_type = _raw_report(http)
    assert content_type == "text/plain;charset=Shift_JIS"
    header, row = (line.split("\t") for line in content.decode("cp932").split("\n")[:2])
    assert header[:3] == ["商品名", "出品ID", "出品者SKU"]
    assert "フルフィルメント・チャンネル" in header and "ASIN 1" in header
    assert row[0] == "マグカップ ①"
    assert row[header.index("フルフィルメント・チャンネル")] == "DEFAULT"


def test_custom_true_and_no_status_layouts(sim, http):
    sim.state.add_listing("SKU-0099", quantity=1)
    content, _type = _raw_report(http, reportOptions={"custom": "true"})
    header = content.decode("utf-8").split("\n")[0].split("\t")
    assert header[:2] == ["seller-sku", "asin1"]
    assert "Business Price" in header and "fulfillment-channel" in header
    sim.state.listings_report_layouts = {DE: "no-status"}
    header, rows = _listings_report(http)
    assert "status" not in header and "fulfillment-channel" in header
    assert rows["SKU-0099"]["quantity"] == "1"


def test_an_unknown_layout_is_refused():
    with pytest.raises(ValueError, match="layout must be one of"):
        build_listings_report({}, [DE], layout="klingon")
