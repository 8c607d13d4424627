"""The simulator's customer returns and Amazon's two returns reports of them, served
by createReport/getReport and read back by the addon's parsers: contents that follow
the orders, one license plate number per FBA unit, the 60-day refusal of the merchant
report, overlapping windows giving the same RMA twice, German and Japanese variants."""

import gzip
import importlib
import importlib.util
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from amazon_simulator import AmazonSimulator, SimulatorState
from amazon_simulator.returns import (
    FBA_REPORT_TYPE,
    MERCHANT_REPORT_TYPE,
    returnable,
)

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=timezone.utc)
DE, JP = "A1PA6795UKMFR9", "A1VC38T7YXB528"


def _wire(module: str):
    """A module of the addon's ``amazon`` package (it imports no Odoo), loaded by
    path: the addon's own ``__init__`` imports Odoo."""
    name = "_amazon_connector_wire"
    if name not in sys.modules:
        folder = Path(__file__).resolve().parents[2] / "amazon_connector" / "amazon"
        spec = importlib.util.spec_from_file_location(
            name, folder / "__init__.py", submodule_search_locations=[str(folder)]
        )
        package = importlib.util.module_from_spec(spec)
        sys.modules[name] = package
        spec.loader.exec_module(package)
    return importlib.import_module(f"{name}.{module}")


read_merchant_returns = _wire("merchant_returns_report").read_merchant_returns
read_fba_returns = _wire("fba_returns_report").read_fba_returns


def shipped(state, channel, marketplace=DE):
    """The ids of the fully shipped orders of ``channel`` in ``marketplace``."""
    return [
        o["orderId"]
        for o in state.orders.values()
        if o["fulfillment"]["fulfilledBy"] == channel
        and o["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
        and o["salesChannel"]["marketplaceId"] == marketplace
    ]


def with_orders(state):
    state.generate_orders(60, marketplaces=("DE", "JP"), now=NOW - timedelta(days=45))
    return state


@pytest.fixture
def state():
    return with_orders(SimulatorState(seed=7, clock=lambda: NOW))


@pytest.fixture
def sim():
    with AmazonSimulator(seed=7, clock=lambda: NOW) as simulator:
        with_orders(simulator.state)
        simulator.state.report_processing_polls = 0
        yield simulator


@pytest.fixture
def http(sim):
    with sim.client() as client:
        yield client


def report(http, report_type, start, end, marketplace=DE):
    """(status, content bytes or None, content type) of a fresh report."""
    created = http.post(
        "/reports/2021-06-30/reports",
        json={
            "reportType": report_type,
            "marketplaceIds": [marketplace],
            "dataStartTime": start.isoformat(),
            "dataEndTime": end.isoformat(),
        },
    )
    assert created.status_code == 202, created.text
    done = http.get(f"/reports/2021-06-30/reports/{created.json()['reportId']}").json()
    if "reportDocumentId" not in done:
        return done["processingStatus"], None, None
    info = http.get(f"/reports/2021-06-30/documents/{done['reportDocumentId']}").json()
    response = httpx.get(info["url"])
    content = response.content
    if info.get("compressionAlgorithm") == "GZIP":
        content = gzip.decompress(content)
    return done["processingStatus"], content, response.headers["content-type"]


def charset(content_type):
    return content_type.split("charset=")[1]


# -- recording returns


def test_merchant_return_gets_an_rma_and_a_label_for_the_shipped_units(state):
    order_id = shipped(state, "MERCHANT")[0]
    order = state.orders[order_id]
    entry = state.add_return(order_id, at=NOW - timedelta(days=3))
    assert entry["rma"].startswith("D") and entry["rma"].endswith("RRMA")
    assert entry["label_type"] == "AmazonPrePaidLabel" and entry["tracking"]
    assert entry["carrier"] == "DHL" and entry["label_payer"] == "Seller"
    assert {i["orderItemId"]: i["quantity"] for i in entry["items"]} == {
        i["orderItemId"]: i["fulfillment"]["quantityFulfilled"]
        for i in order["orderItems"]
    }
    assert state.returns[-1]["rma"] == entry["rma"]
    # everything shipped came back: nothing is left to return
    assert returnable(order, state.returns) == {}
    with pytest.raises(ValueError, match="no shipped unit left"):
        state.add_return(order_id)


def test_units_never_shipped_or_already_returned_are_refused(state):
    order_id = shipped(state, "MERCHANT")[1]
    item = state.orders[order_id]["orderItems"][0]
    units = item["fulfillment"]["quantityFulfilled"]
    with pytest.raises(ValueError, match="shipped and not returned yet"):
        state.add_return(order_id, items={item["orderItemId"]: units + 1})
    state.add_return(order_id, items={item["orderItemId"]: units})
    with pytest.raises(ValueError, match="0 shipped and not returned yet"):
        state.add_return(order_id, items={item["orderItemId"]: 1})
    with pytest.raises(ValueError, match="has no item"):
        state.add_return(order_id, items={"nope": 1})
    with pytest.raises(ValueError, match="whole number"):
        state.add_return(order_id, items={item["orderItemId"]: 0})
    with pytest.raises(ValueError, match="not found"):
        state.add_return("000-0000000-0000000")
    with pytest.raises(ValueError, match="Unknown return option"):
        state.add_return(order_id, colour="red")
    unshipped = next(
        o["orderId"]
        for o in state.orders.values()
        if o["fulfillment"]["fulfillmentStatus"] in ("UNSHIPPED", "PENDING")
    )
    with pytest.raises(ValueError, match="no shipped unit left"):
        state.add_return(unshipped)


def test_fba_return_has_a_license_plate_number_per_unit(state):
    order_id = shipped(state, "AMAZON")[0]
    entry = state.add_return(order_id, disposition="CUSTOMER_DAMAGED")
    units = sum(i["quantity"] for i in entry["items"])
    assert len(entry["units"]) == units
    assert len({u["lpn"] for u in entry["units"]}) == units
    assert entry["fulfillment_center"] == "LEJ1"
    assert "rma" not in entry
    with pytest.raises(ValueError, match="cannot be returnless"):
        state.add_return(shipped(state, "AMAZON")[1], returnless=True)
    with pytest.raises(ValueError, match="disposition must be one of"):
        state.add_return(shipped(state, "AMAZON")[1], disposition="BROKEN")


def test_generated_returns_follow_the_orders(state):
    candidates = [o for o in state.orders.values() if returnable(o, state.returns)]
    made = state.generate_returns(share=0.5, rng=random.Random(3))
    assert len(made) == round(len(candidates) * 0.5)
    for order in state.orders.values():
        for item in order["orderItems"]:
            back = sum(
                i["quantity"]
                for e in state.returns
                if e["order_id"] == order["orderId"]
                for i in e["items"]
                if i["orderItemId"] == item["orderItemId"]
            )
            assert back <= item["fulfillment"]["quantityFulfilled"]
    again = with_orders(SimulatorState(seed=7, clock=lambda: NOW))
    assert [e["order_id"] for e in again.generate_returns(0.5, random.Random(3))] == [
        e["order_id"] for e in made
    ]


# -- the reports


def test_merchant_report_holds_the_returns_of_its_window(sim, http):
    state = sim.state
    first, second, third = shipped(state, "MERCHANT")[:3]
    old = state.add_return(first, at=NOW - timedelta(days=40))
    recent = state.add_return(second, at=NOW - timedelta(days=5))
    returnless = state.add_return(third, at=NOW - timedelta(days=4), returnless=True)
    status, content, content_type = report(
        http, MERCHANT_REPORT_TYPE, NOW - timedelta(days=10), NOW
    )
    assert status == "DONE"
    reading = read_merchant_returns(content, charset(content_type))
    assert reading.problems == ()
    found = {r.rma_ref: r for r in reading.returns}
    assert set(found) == {recent["rma"], returnless["rma"]}  # not the old one
    got = found[recent["rma"]]
    assert got.order_ref == second
    assert got.request_date == (NOW - timedelta(days=5)).date()
    assert got.label_tracking == recent["tracking"]
    order = state.orders[second]
    assert sorted((i.sku, i.quantity) for i in got.items) == sorted(
        (i["product"]["sellerSku"], i["fulfillment"]["quantityFulfilled"])
        for i in order["orderItems"]
    )
    assert all(i.reason == "Item defective" for i in got.items)
    assert found[returnless["rma"]].returnless
    assert not got.returnless
    assert old["rma"] not in found


def test_overlapping_windows_give_the_same_rma_twice(sim, http):
    order_id = shipped(sim.state, "MERCHANT")[0]
    entry = sim.state.add_return(order_id, at=NOW - timedelta(days=6))
    rmas = []
    for start, end in (
        (NOW - timedelta(days=10), NOW - timedelta(days=5)),
        (NOW - timedelta(days=7), NOW),
    ):
        _status, content, _type = report(http, MERCHANT_REPORT_TYPE, start, end)
        rmas.append([r.rma_ref for r in read_merchant_returns(content).returns])
    assert rmas == [[entry["rma"]], [entry["rma"]]]
    # a window without any return: Amazon cancels the report, no document
    status, content, _type = report(
        http, MERCHANT_REPORT_TYPE, NOW - timedelta(days=30), NOW - timedelta(days=20)
    )
    assert (status, content) == ("CANCELLED", None)


def test_merchant_report_of_more_than_60_days_ends_fatal(sim, http):
    sim.state.add_return(shipped(sim.state, "MERCHANT")[0], at=NOW - timedelta(days=2))
    status, content, _type = report(
        http, MERCHANT_REPORT_TYPE, NOW - timedelta(days=61), NOW
    )
    assert status == "FATAL"
    assert "may not exceed 60 days" in json.loads(content)["errorDetails"]
    status, _content, _type = report(
        http, MERCHANT_REPORT_TYPE, NOW - timedelta(days=60), NOW
    )
    assert status == "DONE"
    # the FBA report has no such limit
    sim.state.add_return(shipped(sim.state, "AMAZON")[0], at=NOW - timedelta(days=2))
    status, _content, _type = report(
        http, FBA_REPORT_TYPE, NOW - timedelta(days=90), NOW
    )
    assert status == "DONE"


def test_fba_report_has_a_row_per_unit(sim, http):
    order_id = shipped(sim.state, "AMAZON")[0]
    entry = sim.state.add_return(
        order_id,
        at=NOW - timedelta(days=1),
        disposition="DEFECTIVE",
        reason_code="QUALITY_UNACCEPTABLE",
        customer_comments="Zipper broken",
    )
    status, content, content_type = report(
        http, FBA_REPORT_TYPE, NOW - timedelta(days=3), NOW
    )
    assert status == "DONE"
    reading = read_fba_returns(content, charset(content_type))
    assert reading.problems == ()
    assert sorted(r.license_plate_number for r in reading.returns) == sorted(
        u["lpn"] for u in entry["units"]
    )
    for row in reading.returns:
        assert (row.order_ref, row.quantity, row.disposition) == (
            order_id,
            1,
            "DEFECTIVE",
        )
        assert row.reason_code == "QUALITY_UNACCEPTABLE"
        assert row.fulfillment_center == "LEJ1"
        assert row.return_date == NOW - timedelta(days=1)
        assert row.customer_comments == "Zipper broken"
    # a merchant return is not in the FBA report, nor an FBA one in the other
    sim.state.add_return(shipped(sim.state, "MERCHANT")[0], at=NOW - timedelta(days=1))
    _s, content, _t = report(http, FBA_REPORT_TYPE, NOW - timedelta(days=3), NOW)
    assert len(read_fba_returns(content).returns) == len(entry["units"])
    _s, content, _t = report(http, MERCHANT_REPORT_TYPE, NOW - timedelta(days=3), NOW)
    assert {r.order_ref for r in read_merchant_returns(content).returns} != {order_id}


def test_german_variant_cp1252_with_decimal_comma(sim, http):
    sim.state.returns_report_style = "de"
    order_id = shipped(sim.state, "MERCHANT")[0]
    entry = sim.state.add_return(order_id, at=NOW - timedelta(days=2))
    _s, content, content_type = report(
        http, MERCHANT_REPORT_TYPE, NOW - timedelta(days=3), NOW
    )
    assert charset(content_type) == "windows-1252"
    text = content.decode("cp1252")
    assert text.startswith(
        "Bestellnummer\tBestelldatum\tDatum der Rücksendeanforderung"
    )
    assert "\t4,95\t" in text
    (found,) = read_merchant_returns(content, charset(content_type)).returns
    assert (found.order_ref, found.rma_ref) == (order_id, entry["rma"])
    assert str(found.label_cost) == "4.95"
    assert found.request_date == (NOW - timedelta(days=2)).date()


def test_japanese_marketplace_gets_japanese_headers_in_cp932(sim, http):
    order_id = shipped(sim.state, "MERCHANT", JP)[0]
    entry = sim.state.add_return(order_id, at=NOW - timedelta(days=2))
    _s, content, content_type = report(
        http, MERCHANT_REPORT_TYPE, NOW - timedelta(days=3), NOW, JP
    )
    assert charset(content_type) == "Windows-31J"
    assert content.decode("cp932").startswith("注文番号\t注文日\t返品リクエスト日")
    (found,) = read_merchant_returns(content).returns  # charset guessed
    assert (found.order_ref, found.rma_ref) == (order_id, entry["rma"])
    assert found.label_carrier == "ヤマト運輸"
    assert found.currency == "JPY"


def test_report_calls_count_against_the_report_quota(sim, http):
    sim.state.reset_calls()
    report(http, FBA_REPORT_TYPE, NOW - timedelta(days=3), NOW)
    assert sim.state.count_calls("createReport") == 1
    assert sim.state.count_calls("getReport") == 1


def test_control_route_records_and_generates_returns(sim, http):
    order_id = shipped(sim.state, "MERCHANT")[0]
    made = http.post(
        "/_sim/returns",
        json={
            "orderId": order_id,
            "reasonCode": "NOT_AS_DESCRIBED",
            "at": (NOW - timedelta(days=1)).isoformat(),
            "options": {"label_payer": "Customer"},
        },
    )
    assert made.status_code == 200, made.text
    (entry,) = made.json()["returns"]
    assert (entry["order_id"], entry["label_payer"]) == (order_id, "Customer")
    refused = http.post("/_sim/returns", json={"orderId": order_id})
    assert refused.status_code == 400
    assert "no shipped unit left" in refused.text
    generated = http.post("/_sim/returns", json={"share": 0.2, "seed": 1}).json()
    assert generated["returns"]
    summary = http.get("/_sim/state").json()
    assert summary["returns"] == 1 + len(generated["returns"])
