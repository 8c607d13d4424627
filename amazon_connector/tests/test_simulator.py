"""Behaviour of the local Amazon simulator (tools/amazon_simulator)."""

import csv
import gzip
import io
import json
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace

import httpx
import pytest
from amazon_simulator import AmazonSimulator, SharedModelsNotFound, shared_models_dir
from lxml import etree
from sp_api.api import Orders, Sellers
from sp_api.auth import AccessTokenClient
from sp_api.base import SellingApiForbiddenException

from ..amazon.local_format import parse_decimal

DE, UK, US, JP = "A1PA6795UKMFR9", "A1F83G8C2ARO7P", "ATVPDKIKX0DER", "A1VC38T7YXB528"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
SETTLEMENT = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"


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
    with AmazonSimulator(seed=3, clock=clock) as simulator:
        simulator.state.feed_processing_polls = 2
        yield simulator


def _token(sim, **overrides):
    creds = sim.credentials
    form = {
        "grant_type": "refresh_token",
        "refresh_token": creds["refresh_token"],
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        **overrides,
    }
    return httpx.post(sim.token_url, data=form, timeout=5)


@pytest.fixture
def http(sim):
    token = _token(sim).json()["access_token"]
    with httpx.Client(
        base_url=sim.url, headers={"x-amz-access-token": token}, timeout=5
    ) as client:
        yield client


def _search(http, **params):
    """searchOrders; a next page repeats the first page's default criteria, as
    Amazon requires."""
    params.setdefault("marketplaceIds", DE)
    params.setdefault("createdAfter", "2000-01-01T00:00:00Z")
    params = {key: value for key, value in params.items() if value is not None}
    return http.get("/orders/2026-01-01/orders", params=params)


def _order_with(sim, status, marketplace=None, merchant=True, min_units=1):
    for order in sim.state.orders.values():
        fulfillment = order["fulfillment"]
        if (
            fulfillment["fulfillmentStatus"] == status
            and (fulfillment["fulfilledBy"] == "MERCHANT") == merchant
            and marketplace in (None, order["salesChannel"]["marketplaceId"])
            and sum(i["quantityOrdered"] for i in order["orderItems"]) >= min_units
        ):
            return order
    raise AssertionError(f"no {status} order generated")


# -- LWA and authorization
def test_lwa_grants_and_refusals(sim):
    good = _token(sim)
    assert good.status_code == 200
    body = good.json()
    assert body["access_token"].startswith("Atza|sim-")
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600

    bad_grant = _token(sim, refresh_token="Atzr|stolen")
    assert bad_grant.status_code == 400
    assert bad_grant.json()["error"] == "invalid_grant"
    assert "refresh_token" in bad_grant.json()["error_description"]

    bad_client = _token(sim, client_secret="wrong")
    assert bad_client.status_code == 401
    assert bad_client.json()["error"] == "invalid_client"


def test_api_calls_need_a_valid_access_token(sim, http):
    for headers in ({}, {"x-amz-access-token": "Atza|sim-forged.0000"}):
        response = httpx.get(
            f"{sim.url}/sellers/v1/marketplaceParticipations", headers=headers
        )
        assert response.status_code == 403
        assert response.json() == {
            "errors": [
                {
                    "code": "Unauthorized",
                    "message": "Access to requested resource is denied.",
                    "details": "",
                }
            ]
        }
    assert http.get("/sellers/v1/marketplaceParticipations").status_code == 200
    sim.revoke_access_tokens()
    assert http.get("/sellers/v1/marketplaceParticipations").status_code == 403


def test_python_amazon_sp_api_works_unmodified(sim):
    sim.state.generate_orders(6, marketplaces=("DE",))
    auth = type(
        "SimAuth", (AccessTokenClient,), {"scheme": "http://", "host": sim.url[7:]}
    )
    creds = sim.credentials
    kwargs = {
        "marketplace": SimpleNamespace(
            endpoint=sim.url, marketplace_id=DE, region="eu-west-1"
        ),
        "credentials": {
            "refresh_token": creds["refresh_token"],
            "lwa_app_id": creds["client_id"],
            "lwa_client_secret": creds["client_secret"],
        },
        "auth_token_client_class": auth,
    }
    participations = Sellers(**kwargs).get_marketplace_participation().payload
    assert DE in {p["marketplace"]["id"] for p in participations}
    found = Orders(version="2026-01-01", **kwargs).search_orders(
        createdAfter="2000-01-01T00:00:00Z", includedData=["FULFILLMENT"]
    )
    assert len(found.payload["orders"]) == 6
    assert found.rate_limit == "0.0056"
    sim.revoke_access_tokens()
    with pytest.raises(SellingApiForbiddenException):
        Sellers(**kwargs).get_marketplace_participation()


def test_every_response_carries_request_id_and_rate_limit(http):
    ok = http.get("/sellers/v1/marketplaceParticipations")
    error = http.get("/orders/2026-01-01/orders/000-0000000-0000000")
    assert error.status_code == 404
    for response, rate in ((ok, "0.016"), (error, "0.5")):
        assert response.headers["x-amzn-RequestId"]
        assert response.headers["x-amzn-RateLimit-Limit"] == rate
    assert ok.headers["x-amzn-RequestId"] != error.headers["x-amzn-RequestId"]


# -- generated data
def test_generation_is_deterministic_and_consistent(clock):
    first = AmazonSimulator(seed=11, clock=clock).state
    second = AmazonSimulator(seed=11, clock=clock).state
    ids = first.generate_orders(120)
    assert ids == second.generate_orders(120)
    assert first.orders == second.orders
    currencies, programs, statuses, skus = set(), set(), set(), set()
    shapes = set()
    for order in first.orders.values():
        statuses.add(order["fulfillment"]["fulfillmentStatus"])
        programs.update(order.get("programs", []))
        for item in order["orderItems"]:
            skus.add(item["product"]["sellerSku"].split("-")[0])
            proceeds = item.get("proceeds")
            if not proceeds:
                continue
            currencies.add(proceeds["proceedsTotal"]["currencyCode"])
            parts = sum(
                Decimal(b["subtotal"]["amount"]) for b in proceeds["breakdowns"]
            )
            tax = sum(
                Decimal(b["subtotal"]["amount"])
                for b in proceeds["breakdowns"]
                if b["type"] == "TAX"
            )
            # TAX on top of the amounts, or the VAT part of them (not added again)
            total = Decimal(proceeds["proceedsTotal"]["amount"])
            if tax and parts - tax == total:
                shapes.add("TAX included")
            else:
                assert parts == total
                shapes.add("TAX added" if tax else "no TAX")
            for breakdown in proceeds["breakdowns"]:
                if breakdown["type"] == "DISCOUNT":
                    assert Decimal(breakdown["subtotal"]["amount"]) < 0
                if breakdown["subtotal"]["currencyCode"] == "JPY":
                    assert "." not in breakdown["subtotal"]["amount"]
        if "proceeds" in order:
            total = sum(
                Decimal(i["proceeds"]["proceedsTotal"]["amount"])
                for i in order["orderItems"]
            )
            assert total == Decimal(order["proceeds"]["grandTotal"]["amount"])
    assert {"EUR", "GBP", "USD", "JPY"} <= currencies
    assert {"PRIME", "AMAZON_BUSINESS"} <= programs
    assert {"PENDING", "UNSHIPPED", "SHIPPED", "CANCELLED"} <= statuses
    assert skus == {"SKU", "UNKNOWN"}
    assert shapes == {"TAX added", "no TAX", "TAX included"}


def test_pending_orders_withhold_buyer_data_until_advanced(sim, http, clock):
    sim.state.generate_orders(80)
    pending = _order_with(sim, "PENDING")
    assert "buyer" not in pending and "recipient" not in pending
    url = f"/orders/2026-01-01/orders/{pending['orderId']}"
    params = {"includedData": "BUYER,RECIPIENT,PROCEEDS"}
    assert "buyer" not in http.get(url, params=params).json()["order"]

    clock.now = NOW + timedelta(minutes=5)
    sim.state.advance(pending["orderId"], "UNSHIPPED")
    order = http.get(url, params=params).json()["order"]
    assert order["buyer"]["buyerName"]
    assert order["recipient"]["deliveryAddress"]["postalCode"]
    assert order["proceeds"]["grandTotal"]["amount"]
    assert all("price" in i["product"] for i in order["orderItems"])
    assert order["lastUpdatedTime"] == "2026-11-20T12:05:00Z"
    assert sim.state.orders[pending["orderId"]]["fulfillment"]["fulfillmentStatus"] == (
        "UNSHIPPED"
    )


# -- searchOrders
def test_pagination_walks_every_order_once_and_tokens_expire(sim, http, clock):
    sim.state.generate_orders(25, marketplaces=("DE",))
    seen, params, tokens = [], {"maxResultsPerPage": 10}, []
    while True:
        body = _search(http, **params).json()
        seen += [o["orderId"] for o in body["orders"]]
        token = body.get("pagination", {}).get("nextToken")
        if not token:
            break
        tokens.append(token)
        params = {"paginationToken": token, "maxResultsPerPage": 10}
    assert len(seen) == len(set(seen)) == 25 and len(tokens) == 2
    created = [sim.state.orders[i]["createdTime"] for i in seen]
    assert created == sorted(created)

    reused = _search(http, paginationToken=tokens[0])
    assert reused.status_code == 400
    assert reused.json()["errors"][0]["code"] == "InvalidInput"

    sim.state.pagination_token_ttl = timedelta(minutes=5)
    token = _search(http, maxResultsPerPage=10).json()["pagination"]["nextToken"]
    clock.now = NOW + timedelta(minutes=6)
    expired = _search(http, paginationToken=token)
    assert expired.status_code == 400
    assert expired.json()["errors"][0]["code"] == "InvalidInput"


def test_next_page_with_other_criteria_is_refused_as_amazon_does(sim, http):
    """Amazon refuses a paginationToken sent with other parameters than the first
    page's, maxResultsPerPage aside (its answer quoted in
    amzn/selling-partner-api-sdk issue #717); the token stays usable."""
    sim.state.generate_orders(25, marketplaces=("DE",))
    first = _search(http, maxResultsPerPage=2, fulfillmentStatuses="UNSHIPPED,SHIPPED")
    token = first.json()["pagination"]["nextToken"]
    for changed in (
        {"createdAfter": "2001-01-01T00:00:00Z"},
        {"fulfillmentStatuses": "UNSHIPPED"},
        {"fulfillmentStatuses": None},  # left out
        {"marketplaceIds": f"{DE},A13V1IB3VIYZZH"},
        {"includedData": "BUYER"},
        {"createdAfter": None, "lastUpdatedAfter": "2000-01-01T00:00:00Z"},
    ):
        params = {"fulfillmentStatuses": "UNSHIPPED,SHIPPED", **changed}
        refused = _search(http, paginationToken=token, **params)
        assert refused.status_code == 400, changed
        error = refused.json()["errors"][0]
        assert error["code"] == "InvalidInput"
        assert error["message"] == (
            "The paginationToken you have submitted is not valid. All parameters "
            "must match the original request except maxResultsPerPage."
        )
    # The same criteria, in another order and another page size: the next page.
    same = _search(
        http,
        paginationToken=token,
        fulfillmentStatuses="SHIPPED,UNSHIPPED",
        maxResultsPerPage=50,
    )
    assert same.status_code == 200
    page_one = {o["orderId"] for o in first.json()["orders"]}
    assert page_one.isdisjoint(o["orderId"] for o in same.json()["orders"])


def test_search_filters(sim, http, clock):
    sim.state.generate_orders(60)
    statuses = _search(http, fulfillmentStatuses="UNSHIPPED,PARTIALLY_SHIPPED").json()
    assert statuses["orders"]
    expected = {
        o["orderId"]
        for o in sim.state.orders.values()
        if o["salesChannel"]["marketplaceId"] == DE
        and o["fulfillment"]["fulfillmentStatus"] in ("UNSHIPPED", "PARTIALLY_SHIPPED")
    }
    assert {o["orderId"] for o in statuses["orders"]} == expected
    afn = _search(http, fulfilledBy="AMAZON", includedData="FULFILLMENT").json()
    assert {o["fulfillment"]["fulfilledBy"] for o in afn["orders"]} == {"AMAZON"}

    changed = _order_with(sim, "UNSHIPPED", DE)
    sim.state.advance(changed["orderId"], "SHIPPED", at=NOW + timedelta(minutes=1))
    # Amazon's two-minute rule: a "before" later than 2 minutes ago is refused.
    too_recent = _search(
        http,
        createdAfter=None,
        lastUpdatedAfter="2026-11-20T12:00:30Z",
        lastUpdatedBefore="2026-11-20T12:01:30Z",
    )
    assert too_recent.status_code == 400
    assert "120 seconds before now" in too_recent.json()["errors"][0]["message"]
    clock.now = NOW + timedelta(minutes=4)
    recent = _search(
        http,
        createdAfter=None,
        lastUpdatedAfter="2026-11-20T12:00:30Z",
        lastUpdatedBefore="2026-11-20T12:01:30Z",
    ).json()
    assert [o["orderId"] for o in recent["orders"]] == [changed["orderId"]]
    assert recent["lastUpdatedBefore"] == "2026-11-20T12:01:30Z"

    for bad in (
        {"marketplaceIds": ""},
        {"lastUpdatedAfter": "2026-01-01T00:00:00Z"},
        {"maxResultsPerPage": 101},
        {"fulfillmentStatuses": "LOST"},
        {"includedData": "EVERYTHING"},
    ):
        response = _search(http, **bad)
        assert response.status_code == 400, bad
        assert response.json()["errors"][0]["code"] == "InvalidInput"


def test_included_data_returns_only_the_blocks_asked(sim, http):
    sim.state.generate_orders(30, marketplaces=("UK",))
    bare = _search(http, marketplaceIds=UK).json()["orders"]
    assert bare
    for order in bare:
        assert not {"buyer", "recipient", "proceeds", "fulfillment", "packages"} & set(
            order
        )
        for item in order["orderItems"]:
            assert not {"proceeds", "fulfillment", "promotion"} & set(item)
            assert item["product"]["sellerSku"]
    buyer_only = _search(http, marketplaceIds=UK, includedData="BUYER").json()["orders"]
    with_buyer = [o for o in buyer_only if "buyer" in o]
    assert with_buyer and not any("recipient" in o for o in buyer_only)
    full = _search(
        http, marketplaceIds=UK, includedData="PROCEEDS,FULFILLMENT,RECIPIENT"
    ).json()["orders"]
    assert any("proceeds" in o and "fulfillment" in o for o in full)
    assert all("buyer" not in o for o in full)


# -- confirmShipment
def _confirmation(order, item, quantity, **detail):
    package = {
        "packageReferenceId": "1",
        "carrierCode": "DHL",
        "trackingNumber": "1234567890",
        "shipDate": "2026-11-20T10:00:00Z",
        "orderItems": [{"orderItemId": item["orderItemId"], "quantity": quantity}],
        **detail,
    }
    return {
        "marketplaceId": order["salesChannel"]["marketplaceId"],
        "packageDetail": {k: v for k, v in package.items() if v is not None},
    }


@pytest.mark.parametrize(
    "change",
    [
        {"carrierCode": None},
        {"packageReferenceId": "abc"},
        {"shipDate": "yesterday"},
        {"orderItems": []},
        {"orderItems": [{"orderItemId": "00000000000000", "quantity": 1}]},
        {"marketplaceId": "ATVPDKIKX0DER"},
        {"quantity": 99},
    ],
)
def test_confirm_shipment_refuses_bad_bodies(sim, http, change):
    sim.state.generate_orders(40)
    order = _order_with(sim, "UNSHIPPED")
    body = _confirmation(order, order["orderItems"][0], change.pop("quantity", 1))
    if "marketplaceId" in change:
        body["marketplaceId"] = change.pop("marketplaceId")
    for key, value in change.items():
        if value is None:
            body["packageDetail"].pop(key)
        else:
            body["packageDetail"][key] = value
    response = http.post(
        f"/orders/v0/orders/{order['orderId']}/shipmentConfirmation", json=body
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"
    assert sim.state.shipment_confirmations == []
    assert sim.state.orders[order["orderId"]]["fulfillment"]["fulfillmentStatus"] == (
        "UNSHIPPED"
    )


def test_confirm_shipment_ships_partially_then_fully(sim, http, clock):
    sim.state.generate_orders(80)
    order = _order_with(sim, "UNSHIPPED", min_units=2)
    order_id = order["orderId"]
    url = f"/orders/v0/orders/{order_id}/shipmentConfirmation"
    lines = [(i, i["quantityOrdered"]) for i in order["orderItems"]]
    first_item, first_quantity = lines[0]
    partial = first_quantity - 1 if first_quantity > 1 else 1
    clock.now = NOW + timedelta(minutes=3)
    response = http.post(url, json=_confirmation(order, first_item, partial))
    assert response.status_code == 204 and response.content == b""
    stored = sim.state.orders[order_id]
    assert stored["fulfillment"]["fulfillmentStatus"] == "PARTIALLY_SHIPPED"
    assert stored["lastUpdatedTime"] == "2026-11-20T12:03:00Z"
    assert stored["orderItems"][0]["fulfillment"]["quantityFulfilled"] == partial
    assert stored["packages"][0]["trackingNumber"] == "1234567890"

    body = _confirmation(order, first_item, 1, packageReferenceId="2")
    body["packageDetail"]["orderItems"] = [
        {
            "orderItemId": i["orderItemId"],
            "quantity": i["fulfillment"]["quantityUnfulfilled"],
        }
        for i in stored["orderItems"]
        if i["fulfillment"]["quantityUnfulfilled"]
    ]
    assert http.post(url, json=body).status_code == 204
    assert stored["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert [c["order_id"] for c in sim.state.shipment_confirmations] == [order_id] * 2
    # package 1 again, unchanged (a retry after a lost answer): accepted, Amazon
    # edits the package it has, nothing ships twice
    again = http.post(url, json=_confirmation(order, first_item, partial))
    assert again.status_code == 204
    assert len(stored["packages"]) == 2
    assert stored["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    # a new package shipping more than was ordered
    more = _confirmation(order, first_item, first_quantity + 1, packageReferenceId="3")
    refused = http.post(url, json=more)
    assert refused.status_code == 400
    assert "exceeds" in refused.json()["errors"][0]["message"]
    assert len(sim.state.shipment_confirmations) == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"trackingNo": "1234"}, "trackingNo"),
        ({"trackingNumber": 1234}, "trackingNumber"),
        ({"packageReferenceId": 1}, "packageReferenceId"),
        ({"orderItems": [{"orderItemId": "1", "quantity": "1"}]}, "quantity"),
        ({"orderItems": [{"orderItemID": "1", "quantity": 1}]}, "orderItemID"),
    ],
)
def test_confirm_shipment_body_is_checked_against_the_model(sim, http, change, field):
    try:
        shared_models_dir()
    except SharedModelsNotFound as error:
        pytest.skip(str(error))
    sim.state.generate_orders(40)
    order = _order_with(sim, "UNSHIPPED")
    body = _confirmation(order, order["orderItems"][0], 1)
    body["packageDetail"].update(change)
    response = http.post(
        f"/orders/v0/orders/{order['orderId']}/shipmentConfirmation", json=body
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "InvalidInput"
    assert "ConfirmShipmentRequest" in error["message"]
    assert field in error["message"]
    assert sim.state.shipment_confirmations == []


def test_confirm_shipment_needs_a_carrier_name_for_other(sim, http):
    sim.state.generate_orders(40)
    order = _order_with(sim, "UNSHIPPED")
    url = f"/orders/v0/orders/{order['orderId']}/shipmentConfirmation"
    body = _confirmation(order, order["orderItems"][0], 1, carrierCode="Other")
    assert http.post(url, json=body).status_code == 400
    body["packageDetail"]["carrierName"] = "Spedizioni Rossi"
    assert http.post(url, json=body).status_code == 204
    assert sim.state.orders[order["orderId"]]["packages"][-1]["carrier"] == (
        "Spedizioni Rossi"
    )


def test_confirm_shipment_with_a_known_reference_edits_the_package(sim, http, clock):
    sim.state.generate_orders(80)
    order = _order_with(sim, "UNSHIPPED", min_units=3)
    order_id = order["orderId"]
    url = f"/orders/v0/orders/{order_id}/shipmentConfirmation"
    stored = sim.state.orders[order_id]
    lines = [
        {"orderItemId": i["orderItemId"], "quantity": i["quantityOrdered"]}
        for i in stored["orderItems"]
    ]
    body = _confirmation(order, stored["orderItems"][0], 1)
    body["packageDetail"]["orderItems"] = lines
    assert http.post(url, json=body).status_code == 204
    assert stored["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    created = stored["packages"][0]["createdTime"]

    # new carrier and tracking number, same package
    clock.now = NOW + timedelta(minutes=10)
    body["packageDetail"].update(carrierCode="UPS", trackingNumber="1Z999AA10123")
    assert http.post(url, json=body).status_code == 204
    assert len(stored["packages"]) == 1
    package = stored["packages"][0]
    assert (package["carrier"], package["trackingNumber"]) == ("UPS", "1Z999AA10123")
    assert package["createdTime"] == created
    assert stored["lastUpdatedTime"] == "2026-11-20T12:10:00Z"
    for item in stored["orderItems"]:  # not shipped a second time
        assert item["fulfillment"]["quantityFulfilled"] == item["quantityOrdered"]
        assert item["fulfillment"]["quantityUnfulfilled"] == 0

    # fewer units in the package: the difference is unshipped again
    first = lines[0]
    smaller = (
        [{**first, "quantity": first["quantity"] - 1}] if first["quantity"] > 1 else []
    )
    body["packageDetail"]["orderItems"] = smaller + lines[1:]
    assert http.post(url, json=body).status_code == 204
    assert stored["fulfillment"]["fulfillmentStatus"] == "PARTIALLY_SHIPPED"
    item = stored["orderItems"][0]
    assert item["fulfillment"]["quantityFulfilled"] == item["quantityOrdered"] - 1
    assert item["fulfillment"]["quantityUnfulfilled"] == 1
    assert stored["packages"][0]["packageItems"] == body["packageDetail"]["orderItems"]

    # and a second package ships the unit left
    second = _confirmation(
        order, item, 1, packageReferenceId="2", trackingNumber="1Z999AA10124"
    )
    assert http.post(url, json=second).status_code == 204
    assert stored["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert [p["packageReferenceId"] for p in stored["packages"]] == ["1", "2"]
    assert len(sim.state.shipment_confirmations) == 4


def test_a_shipped_order_takes_a_replacement_package(sim, http, clock):
    sim.state.generate_orders(80)
    order = _order_with(sim, "UNSHIPPED")
    order_id = order["orderId"]
    url = f"/orders/v0/orders/{order_id}/shipmentConfirmation"
    stored = sim.state.orders[order_id]
    item = stored["orderItems"][0]
    body = _confirmation(order, item, 1)
    body["packageDetail"]["orderItems"] = [
        {"orderItemId": i["orderItemId"], "quantity": i["quantityOrdered"]}
        for i in stored["orderItems"]
    ]
    assert http.post(url, json=body).status_code == 204
    assert stored["fulfillment"]["fulfillmentStatus"] == "SHIPPED"

    clock.now = NOW + timedelta(days=9)
    reship = _confirmation(
        order,
        item,
        item["quantityOrdered"],
        packageReferenceId="2",
        trackingNumber="RESHIP1",
        shipDate="2026-11-29T09:00:00Z",
    )
    assert http.post(url, json=reship).status_code == 204
    assert stored["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert [p["trackingNumber"] for p in stored["packages"]] == [
        "1234567890",
        "RESHIP1",
    ]
    assert item["fulfillment"]["quantityFulfilled"] == item["quantityOrdered"]
    assert item["fulfillment"]["quantityUnfulfilled"] == 0
    # the replacement can be corrected too, still within what was ordered
    reship["packageDetail"]["trackingNumber"] = "RESHIP2"
    assert http.post(url, json=reship).status_code == 204
    assert stored["packages"][1]["trackingNumber"] == "RESHIP2"
    too_many = _confirmation(
        order, item, item["quantityOrdered"] + 1, packageReferenceId="3"
    )
    refused = http.post(url, json=too_many)
    assert refused.status_code == 400
    assert "exceeds the quantity ordered" in refused.json()["errors"][0]["message"]
    assert len(stored["packages"]) == 2


def test_a_canceled_order_cannot_be_shipped(sim, http):
    sim.state.generate_orders(80)
    order = _order_with(sim, "CANCELLED")
    response = http.post(
        f"/orders/v0/orders/{order['orderId']}/shipmentConfirmation",
        json=_confirmation(order, order["orderItems"][0], 1),
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "InvalidInput"
    assert "is canceled" in error["message"]
    assert not sim.state.orders[order["orderId"]].get("packages")


# -- feeds
def _submit(http, feed_type, content, content_type):
    document = http.post(
        "/feeds/2021-06-30/documents", json={"contentType": content_type}
    ).json()
    assert document["url"].startswith("http://127.0.0.1:")
    assert (
        httpx.put(
            document["url"], content=content, headers={"Content-Type": content_type}
        ).status_code
        == 200
    )
    created = http.post(
        "/feeds/2021-06-30/feeds",
        json={
            "feedType": feed_type,
            "marketplaceIds": [DE],
            "inputFeedDocumentId": document["feedDocumentId"],
        },
    )
    assert created.status_code == 202
    return created.json()["feedId"]


def _result(http, feed):
    document = http.get(
        f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}"
    ).json()
    content = httpx.get(document["url"]).content
    if document.get("compressionAlgorithm") == "GZIP":
        content = gzip.decompress(content)
    return content


def _stock_message(message_id, sku, quantity):
    return {
        "messageId": message_id,
        "sku": sku,
        "operationType": "PATCH",
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


def test_listings_feed_lifecycle_and_report(sim, http):
    feed_doc = {
        "header": {"sellerId": "A1SIMSELLER0001", "version": "2.0"},
        "messages": [
            _stock_message(1, "SKU-0001", 12),
            _stock_message(2, "UNKNOWN-404", 1),
            _stock_message(3, "SKU-0002", -3),
            {"messageId": 4, "sku": "SKU-0003", "operationType": "PATCH"},
        ],
    }
    content = json.dumps(feed_doc).encode()
    feed_id = _submit(http, "JSON_LISTINGS_FEED", content, "application/json")
    stored = sim.state.feeds[feed_id]
    assert stored["content"] == content and stored["parsed"] == feed_doc
    assert stored["content_type"] == "application/json"
    statuses = [
        http.get(f"/feeds/2021-06-30/feeds/{feed_id}").json()["processingStatus"]
        for _ in range(3)
    ]
    assert statuses == ["IN_PROGRESS", "DONE", "DONE"]
    feed = http.get(f"/feeds/2021-06-30/feeds/{feed_id}").json()
    report = json.loads(_result(http, feed))
    assert report["summary"]["messagesProcessed"] == 4
    assert report["summary"]["messagesAccepted"] == 1
    assert report["summary"]["messagesInvalid"] == 3
    by_message = {i["messageId"]: i for i in report["issues"]}
    assert set(by_message) == {2, 3, 4}
    assert all(i["severity"] == "ERROR" for i in report["issues"])
    assert sim.state.listings["SKU-0001"]["quantity"] == 12
    assert "SKU-0002" not in sim.state.listings


def test_feed_done_at_once_and_gzip_results(sim, http):
    sim.state.feed_processing_polls = 0
    sim.state.result_compression = "always"
    doc = {
        "header": {"sellerId": "A1SIMSELLER0001", "version": "2.0"},
        "messages": [_stock_message(1, "SKU-0009", 1)],
    }
    feed_id = _submit(http, "JSON_LISTINGS_FEED", json.dumps(doc).encode(), "text/json")
    feed = http.get(f"/feeds/2021-06-30/feeds/{feed_id}").json()
    assert feed["processingStatus"] == "DONE"
    info = http.get(
        f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}"
    ).json()
    assert info["compressionAlgorithm"] == "GZIP"
    assert json.loads(_result(http, feed))["summary"]["messagesAccepted"] == 1


def test_upload_with_another_content_type_is_refused(http):
    document = http.post(
        "/feeds/2021-06-30/documents", json={"contentType": "application/json"}
    ).json()
    refused = httpx.put(
        document["url"], content=b"{}", headers={"Content-Type": "text/tsv"}
    )
    assert refused.status_code == 403


def test_removed_listings_feed_types_end_fatal(sim, http):
    sim.state.feed_processing_polls = 1
    feed_id = _submit(http, "POST_PRODUCT_PRICING_DATA", b"<x/>", "text/xml")
    feed = http.get(f"/feeds/2021-06-30/feeds/{feed_id}").json()
    assert feed["processingStatus"] == "FATAL"


def _fulfillment_xml(seller, messages):
    envelope = etree.Element("AmazonEnvelope")
    header = etree.SubElement(envelope, "Header")
    etree.SubElement(header, "DocumentVersion").text = "1.01"
    etree.SubElement(header, "MerchantIdentifier").text = seller
    etree.SubElement(envelope, "MessageType").text = "OrderFulfillment"
    for number, (order_id, items) in enumerate(messages, start=1):
        message = etree.SubElement(envelope, "Message")
        etree.SubElement(message, "MessageID").text = str(number)
        fulfillment = etree.SubElement(message, "OrderFulfillment")
        etree.SubElement(fulfillment, "AmazonOrderID").text = order_id
        etree.SubElement(fulfillment, "FulfillmentDate").text = "2026-11-20T11:00:00Z"
        data = etree.SubElement(fulfillment, "FulfillmentData")
        etree.SubElement(data, "CarrierCode").text = "UPS"
        etree.SubElement(data, "ShipperTrackingNumber").text = "1Z999"
        for item_id, quantity in items:
            item = etree.SubElement(fulfillment, "Item")
            etree.SubElement(item, "AmazonOrderItemCode").text = item_id
            etree.SubElement(item, "Quantity").text = str(quantity)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def test_order_fulfillment_feed_ships_and_reports_in_xml(sim, http):
    sim.state.generate_orders(60)
    sim.state.feed_processing_polls = 1
    order = _order_with(sim, "UNSHIPPED")
    items = [(i["orderItemId"], i["quantityOrdered"]) for i in order["orderItems"]]
    content = _fulfillment_xml(
        "A1SIMSELLER0001", [(order["orderId"], items), ("999-0000000-0000000", [])]
    )
    feed_id = _submit(http, "POST_ORDER_FULFILLMENT_DATA", content, "text/xml")
    feed = http.get(f"/feeds/2021-06-30/feeds/{feed_id}").json()
    assert feed["processingStatus"] == "DONE"
    report = etree.fromstring(_result(http, feed))
    summary = report.find("Message/ProcessingReport/ProcessingSummary")
    assert summary.findtext("MessagesProcessed") == "2"
    assert summary.findtext("MessagesSuccessful") == "1"
    assert summary.findtext("MessagesWithError") == "1"
    result = report.find("Message/ProcessingReport/Result")
    assert result.findtext("MessageID") == "2"
    assert result.findtext("ResultCode") == "Error"
    assert sim.state.orders[order["orderId"]]["fulfillment"]["fulfillmentStatus"] == (
        "SHIPPED"
    )
    parsed = sim.state.feeds[feed_id]["parsed"]
    assert parsed[0]["amazon_order_id"] == order["orderId"]
    assert parsed[0]["carrier_code"] == "UPS"


def _report_results(content):
    """(summary, {MessageID: [(ResultCode, description)]}) of an XML report."""
    report = etree.fromstring(content).find("Message/ProcessingReport")
    summary = {child.tag: int(child.text) for child in report.find("ProcessingSummary")}
    results = {}
    for result in report.findall("Result"):
        results.setdefault(result.findtext("MessageID"), []).append(
            (result.findtext("ResultCode"), result.findtext("ResultDescription"))
        )
    return summary, results


def _package_fulfillment_xml(order, merchant_fulfillment_id, tracking, items):
    envelope = etree.fromstring(_fulfillment_xml("A1SIMSELLER0001", [(order, items)]))
    fulfillment = envelope.find("Message/OrderFulfillment")
    mfid = etree.Element("MerchantFulfillmentID")
    mfid.text = merchant_fulfillment_id
    fulfillment.insert(1, mfid)
    fulfillment.find("FulfillmentData/ShipperTrackingNumber").text = tracking
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def test_fulfillment_feed_resent_for_a_package_edits_it(sim, http):
    sim.state.generate_orders(60)
    sim.state.feed_processing_polls = 0
    order = _order_with(sim, "UNSHIPPED")
    items = [(i["orderItemId"], i["quantityOrdered"]) for i in order["orderItems"]]
    for tracking in ("1Z999", "1Z999", "1Z777"):  # re-sent as is, then corrected
        content = _package_fulfillment_xml(order["orderId"], "7", tracking, items)
        feed_id = _submit(http, "POST_ORDER_FULFILLMENT_DATA", content, "text/xml")
        feed = http.get(f"/feeds/2021-06-30/feeds/{feed_id}").json()
        summary, results = _report_results(_result(http, feed))
        assert (summary["MessagesProcessed"], summary["MessagesWithError"]) == (1, 0)
        assert results == {}
    stored = sim.state.orders[order["orderId"]]
    assert [
        (p["packageReferenceId"], p["trackingNumber"]) for p in stored["packages"]
    ] == [("7", "1Z777")]
    assert stored["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    for item in stored["orderItems"]:
        assert item["fulfillment"]["quantityFulfilled"] == item["quantityOrdered"]


def _acknowledgement_xml(messages, seller="A1SIMSELLER0001"):
    """``messages``: (order id, StatusCode, [(item id, CancelReason, Quantity)]);
    a Quantity (not in Amazon's schema) is written only to be refused."""
    envelope = etree.Element("AmazonEnvelope")
    header = etree.SubElement(envelope, "Header")
    etree.SubElement(header, "DocumentVersion").text = "1.01"
    etree.SubElement(header, "MerchantIdentifier").text = seller
    etree.SubElement(envelope, "MessageType").text = "OrderAcknowledgement"
    for number, (order_id, status, items) in enumerate(messages, start=1):
        message = etree.SubElement(envelope, "Message")
        etree.SubElement(message, "MessageID").text = str(number)
        acknowledgement = etree.SubElement(message, "OrderAcknowledgement")
        etree.SubElement(acknowledgement, "AmazonOrderID").text = order_id
        etree.SubElement(acknowledgement, "StatusCode").text = status
        for item_id, reason, quantity in items:
            item = etree.SubElement(acknowledgement, "Item")
            etree.SubElement(item, "AmazonOrderItemCode").text = item_id
            if reason:
                etree.SubElement(item, "CancelReason").text = reason
            if quantity is not None:
                etree.SubElement(item, "Quantity").text = str(quantity)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def _acknowledge(http, messages):
    content = _acknowledgement_xml(messages)
    feed_id = _submit(http, "POST_ORDER_ACKNOWLEDGEMENT_DATA", content, "text/xml")
    feed = http.get(f"/feeds/2021-06-30/feeds/{feed_id}").json()
    assert feed["processingStatus"] == "DONE"
    return feed_id, _report_results(_result(http, feed))


def _merchant_orders(sim, status, predicate=lambda o: True):
    return [
        o
        for o in sim.state.orders.values()
        if o["fulfillment"]["fulfillmentStatus"] == status
        and o["fulfillment"]["fulfilledBy"] == "MERCHANT"
        and predicate(o)
    ]


def test_acknowledgement_feed_cancels_orders_and_items(sim, http, clock):
    sim.state.generate_orders(120)
    sim.state.feed_processing_polls = 0
    whole, partial, every = _merchant_orders(
        sim,
        "UNSHIPPED",
        lambda o: len(o["orderItems"]) > 1 or o["orderItems"][0]["quantityOrdered"] > 1,
    )[:3]
    first = partial["orderItems"][0]
    clock.now = NOW + timedelta(minutes=7)
    feed_id, (summary, results) = _acknowledge(
        http,
        [
            (
                whole["orderId"],
                "Failure",
                [(i["orderItemId"], "NoInventory", None) for i in whole["orderItems"]],
            ),
            (
                partial["orderId"],
                "Success",
                [(first["orderItemId"], "BuyerCanceled", None)],
            ),
            (
                every["orderId"],
                "Success",
                [
                    (i["orderItemId"], "ShippingAddressUndeliverable", None)
                    for i in every["orderItems"]
                ],
            ),
        ],
    )
    assert summary["MessagesProcessed"] == 3 and summary["MessagesWithError"] == 0
    assert results == {}

    assert whole["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert whole["lastUpdatedTime"] == "2026-11-20T12:07:00Z"
    for item in whole["orderItems"]:
        assert item["fulfillment"]["quantityUnfulfilled"] == 0
        assert item["cancellation"] == {
            "cancellationExecution": {
                "cancelledBy": "MERCHANT",
                "cancelReason": "NoInventory",
            }
        }

    assert partial["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    # An item is canceled whole: Amazon's acknowledgement gives it no quantity.
    assert first["fulfillment"]["quantityUnfulfilled"] == 0
    assert first["cancellation"]["cancellationRequest"] == {
        "requester": "BUYER",
        "cancelReason": "BuyerCanceled",
    }
    assert all("cancellation" not in i for i in partial["orderItems"][1:])

    assert every["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert [
        (a["message_id"], a["status_code"], a["error"])
        for a in sim.state.acknowledgements
    ] == [
        ("1", "Failure", None),
        ("2", "Success", None),
        ("3", "Success", None),
    ]
    assert {a["feed_id"] for a in sim.state.acknowledgements} == {feed_id}


def test_acknowledgement_feed_refusals_land_by_message_id(sim, http):
    sim.state.generate_orders(120)
    sim.state.feed_processing_polls = 0
    shipped = _merchant_orders(sim, "SHIPPED")[0]
    unshipped, partly = _merchant_orders(sim, "UNSHIPPED")[:2]
    item = unshipped["orderItems"][0]
    _feed_id, (summary, results) = _acknowledge(
        http,
        [
            ("999-0000000-0000000", "Failure", []),
            (shipped["orderId"], "Failure", []),
            (
                unshipped["orderId"],
                "Success",
                [(item["orderItemId"], "TooExpensive", None)],
            ),
            (
                unshipped["orderId"],
                "Success",
                [(item["orderItemId"], "NoInventory", item["quantityOrdered"] + 1)],
            ),
            (
                partly["orderId"],
                "Success",
                [(partly["orderItems"][0]["orderItemId"], None, None)],
            ),
        ],
    )
    assert summary == {
        "MessagesProcessed": 5,
        "MessagesSuccessful": 1,
        "MessagesWithError": 4,
        "MessagesWithWarning": 0,
    }
    assert set(results) == {"1", "2", "3", "4"}
    assert "not found" in results["1"][0][1]
    assert "already shipped" in results["2"][0][1]
    # Refused by Amazon's schema (5001): a CancelReason it does not list, and a
    # Quantity its Item does not have.
    assert "'CancelReason'" in results["3"][0][1]
    assert "TooExpensive" in results["3"][0][1]
    assert "'Quantity': This element is not expected" in results["4"][0][1]
    assert all(kind == "Error" for found in results.values() for kind, _ in found)
    assert shipped["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert unshipped["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    assert "cancellation" not in item
    assert partly["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"  # acknowledged
    errors = [a["error"] for a in sim.state.acknowledgements]
    assert [e is None for e in errors] == [False, False, False, False, True]


@pytest.mark.parametrize(
    "feed_type", ["POST_ORDER_FULFILLMENT_DATA", "JSON_LISTINGS_FEED"]
)
def test_fault_fatal_feed(sim, http, feed_type):
    sim.state.generate_orders(60)
    sim.state.feed_processing_polls = 1
    order = _order_with(sim, "UNSHIPPED")
    sim.state.inject_fault("createFeed", "fatal")
    if feed_type == "JSON_LISTINGS_FEED":
        doc = {
            "header": {"sellerId": "A1SIMSELLER0001", "version": "2.0"},
            "messages": [_stock_message(1, "SKU-0007", 4)],
        }
        content, content_type = json.dumps(doc).encode(), "application/json"
    else:
        items = [(i["orderItemId"], i["quantityOrdered"]) for i in order["orderItems"]]
        content = _fulfillment_xml("A1SIMSELLER0001", [(order["orderId"], items)])
        content_type = "text/xml"
    feed_id = _submit(http, feed_type, content, content_type)
    feed = http.get(f"/feeds/2021-06-30/feeds/{feed_id}").json()
    assert feed["processingStatus"] == "FATAL"
    report = _result(http, feed)
    if feed_type == "JSON_LISTINGS_FEED":
        assert json.loads(report)["errors"][0]["code"] == "FATAL"
        assert "SKU-0007" not in sim.state.listings
    else:
        summary, results = _report_results(report)
        assert summary["MessagesProcessed"] == 0
        assert results["0"][0][0] == "Error" and "FATAL" in results["0"][0][1]
        assert order["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    # one feed only
    again = _submit(http, feed_type, content, content_type)
    assert (
        http.get(f"/feeds/2021-06-30/feeds/{again}").json()["processingStatus"]
        == "DONE"
    )


def test_fault_unclear_report_and_feed_type(sim, http):
    sim.state.generate_orders(60)
    sim.state.feed_processing_polls = 0
    order = _order_with(sim, "UNSHIPPED")
    sim.state.inject_fault(
        "createFeed", "unclear_report", feed_type="POST_ORDER_FULFILLMENT_DATA"
    )
    doc = {
        "header": {"sellerId": "A1SIMSELLER0001", "version": "2.0"},
        "messages": [_stock_message(1, "SKU-0008", 4)],
    }
    listings = _submit(
        http, "JSON_LISTINGS_FEED", json.dumps(doc).encode(), "application/json"
    )
    listings_feed = http.get(f"/feeds/2021-06-30/feeds/{listings}").json()
    assert json.loads(_result(http, listings_feed))["summary"]["messagesProcessed"] == 1
    items = [(i["orderItemId"], i["quantityOrdered"]) for i in order["orderItems"]]
    content = _fulfillment_xml("A1SIMSELLER0001", [(order["orderId"], items)])
    feed_id = _submit(http, "POST_ORDER_FULFILLMENT_DATA", content, "text/xml")
    feed = http.get(f"/feeds/2021-06-30/feeds/{feed_id}").json()
    assert feed["processingStatus"] == "DONE"
    summary, results = _report_results(_result(http, feed))
    assert summary["MessagesProcessed"] == 0 and results == {}
    # processed all the same: only the report does not say so
    assert order["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert sim.state.summary()["faults"] == []


def test_feed_faults_are_for_create_feed_only(sim):
    with pytest.raises(ValueError):
        sim.state.inject_fault("getFeed", "fatal")
    with pytest.raises(ValueError):
        sim.state.inject_fault("createFeed", "gremlins")


# -- settlement reports
def _rows(text):
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def _parse_amount(text):
    # Amazon's local format: decimal comma or point, thousands grouped.
    return parse_decimal(text)


@pytest.mark.parametrize(("code", "marketplace"), [("DE", DE), ("US", US), ("JP", JP)])
def test_settlement_report_sums_to_total(sim, http, code, marketplace):
    sim.state.generate_orders(70, marketplaces=(code,))
    report_id = sim.state.add_settlement_report(
        marketplace=code, compress=code == "US", refund_share=0.5
    )
    listed = http.get(
        "/reports/2021-06-30/reports",
        params={"reportTypes": SETTLEMENT, "marketplaceIds": marketplace},
    ).json()["reports"]
    assert [r["reportId"] for r in listed] == [report_id]
    info = http.get(
        f"/reports/2021-06-30/documents/{listed[0]['reportDocumentId']}"
    ).json()
    content = httpx.get(info["url"]).content
    if code == "US":
        assert info["compressionAlgorithm"] == "GZIP"
        content = gzip.decompress(content)
    text = content.decode("cp932" if code == "JP" else "utf-8")
    rows = _rows(text)
    assert "promotion-id" in rows[0]
    summary, lines = rows[0], rows[1:]
    assert summary["transaction-type"] == "" and summary["currency"]
    total = sum(_parse_amount(r["amount"]) for r in lines)
    assert total == _parse_amount(summary["total-amount"])
    if code == "DE":
        assert "," in summary["total-amount"]
    kinds = {
        (r["transaction-type"], r["amount-type"], r["amount-description"])
        for r in lines
    }
    assert ("Order", "ItemPrice", "Principal") in kinds
    assert ("Order", "ItemFees", "Commission") in kinds
    assert ("Refund", "ItemPrice", "Principal") in kinds
    assert any(k[0] == "ServiceFee" for k in kinds)
    if code == "JP":
        assert "月額登録料" in text
    shipped = {
        o["orderId"]
        for o in sim.state.orders.values()
        if o["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    }
    assert {r["order-id"] for r in lines if r["order-id"]} == shipped


def test_get_reports_filters_and_next_token(sim, http, clock):
    sim.state.generate_orders(30, marketplaces=("DE",))
    ids = [
        sim.state.add_settlement_report(
            marketplace="DE", created=NOW - timedelta(days=d)
        )
        for d in (1, 2, 3, 200)
    ]
    first = http.get(
        "/reports/2021-06-30/reports",
        params={"reportTypes": SETTLEMENT, "pageSize": 2, "processingStatuses": "DONE"},
    ).json()
    assert [r["reportId"] for r in first["reports"]] == ids[:2]
    with_others = http.get(
        "/reports/2021-06-30/reports",
        params={"nextToken": first["nextToken"], "reportTypes": SETTLEMENT},
    )
    assert with_others.status_code == 400
    second = http.get(
        "/reports/2021-06-30/reports", params={"nextToken": first["nextToken"]}
    ).json()
    assert [r["reportId"] for r in second["reports"]] == ids[2:3]  # 200 days: too old
    assert "nextToken" not in second


# -- listings items
def test_patch_listings_item(sim, http):
    body = {"productType": "HOME", "patches": _stock_message(1, "x", 5)["patches"]}
    url = "/listings/2021-08-01/items/A1SIMSELLER0001/SKU-0042"
    preview = http.patch(
        url, params={"marketplaceIds": DE, "mode": "VALIDATION_PREVIEW"}, json=body
    ).json()
    assert preview["status"] == "VALID" and "SKU-0042" not in sim.state.listings
    accepted = http.patch(url, params={"marketplaceIds": DE}, json=body).json()
    assert accepted["status"] == "ACCEPTED" and accepted["sku"] == "SKU-0042"
    assert sim.state.listings["SKU-0042"]["quantity"] == 5
    negative = {"productType": "HOME", "patches": _stock_message(1, "x", -1)["patches"]}
    invalid = http.patch(url, params={"marketplaceIds": DE}, json=negative).json()
    assert (
        invalid["status"] == "INVALID" and invalid["issues"][0]["severity"] == "ERROR"
    )
    missing = http.patch(url, params={"marketplaceIds": DE}, json={"patches": []})
    assert missing.status_code == 400
    assert [p["mode"] for p in sim.state.listings_patches] == [
        "VALIDATION_PREVIEW",
        None,
        None,
    ]


# -- faults and rate limits
def test_faults_429_500_html_and_malformed(sim, http):
    path = "/sellers/v1/marketplaceParticipations"
    op = "getMarketplaceParticipations"
    sim.state.inject_fault(op, "429", count=2, retry_after=3)
    sim.state.inject_fault(op, "500")
    sim.state.inject_fault(op, "non_json_5xx")
    sim.state.inject_fault(op, "malformed_json")
    for _ in range(2):
        throttled = http.get(path)
        assert throttled.status_code == 429
        # Amazon's models list the header for 200, 400 and 404 only.
        assert "x-amzn-RateLimit-Limit" not in throttled.headers
        assert throttled.headers["Retry-After"] == "3"
        assert throttled.json()["errors"][0]["code"] == "QuotaExceeded"
    failed = http.get(path)
    assert failed.status_code == 500 and failed.json()["errors"][0]["code"]
    html = http.get(path)
    assert html.status_code == 503
    assert html.headers["content-type"].startswith("text/html")
    malformed = http.get(path)
    assert malformed.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        malformed.json()
    assert http.get(path).status_code == 200
    assert [c["status"] for c in sim.state.calls if c["operation"] == op] == [
        429,
        429,
        500,
        503,
        200,
        200,
    ]


def test_fault_timeout_outlasts_the_client(sim, http):
    sim.state.inject_fault("getMarketplaceParticipations", "timeout", seconds=0.2)
    started = time.monotonic()
    with pytest.raises(httpx.TimeoutException):
        http.get("/sellers/v1/marketplaceParticipations", timeout=0.2)
    assert time.monotonic() - started < 2
    assert http.get("/sellers/v1/marketplaceParticipations").status_code == 200


def test_fault_expired_pagination_token_and_invalid_grant(sim, http):
    sim.state.generate_orders(5, marketplaces=("DE",))
    sim.state.inject_fault("searchOrders", "expired_pagination_token")
    expired = _search(http, paginationToken="anything")
    assert expired.status_code == 400
    assert expired.json()["errors"][0]["code"] == "InvalidInput"
    assert _search(http).status_code == 200
    sim.state.inject_fault("token", "invalid_grant")
    refused = _token(sim)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert _token(sim).status_code == 200


def test_rate_limits_are_enforced_per_operation(clock):
    limits = {"getOrder": (0.001, 2)}
    with AmazonSimulator(rate_limits=limits, clock=clock) as sim:
        order_id = sim.state.generate_orders(1)[0]
        token = _token(sim).json()["access_token"]
        headers = {"x-amz-access-token": token}
        url = f"{sim.url}/orders/2026-01-01/orders/{order_id}"
        statuses = [httpx.get(url, headers=headers).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        throttled = httpx.get(url, headers=headers)
        assert "x-amzn-RateLimit-Limit" not in throttled.headers
        assert throttled.json()["errors"][0]["code"] == "QuotaExceeded"
        served = httpx.get(f"{sim.url}/orders/2026-01-01/orders/000-0000000-0000000")
        assert served.status_code == 403  # no token: no rate either
        assert "x-amzn-RateLimit-Limit" not in served.headers
        # other operations have their own (documented) buckets
        participations = httpx.get(
            f"{sim.url}/sellers/v1/marketplaceParticipations", headers=headers
        )
        assert participations.status_code == 200
        assert sim.state.count_calls("getOrder") == 5


def test_calls_are_recorded_and_reset(sim, http):
    http.get("/sellers/v1/marketplaceParticipations")
    call = sim.state.calls[-1]
    assert call["operation"] == "getMarketplaceParticipations"
    assert call["method"] == "GET" and call["status"] == 200 and call["at"] == NOW
    http.get("/_sim/state")  # control endpoints are not counted
    assert len(sim.state.calls) == 2  # token + participations
    sim.state.reset_calls()
    assert sim.state.calls == []
