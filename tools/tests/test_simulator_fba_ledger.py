"""The simulator's Inventory Ledger (``GET_LEDGER_DETAIL_VIEW_DATA``) through
createReport: the rows each FBA event writes, the report's window and countries,
its variants (API tab-separated, Seller Central's quoted CSV, Windows-1252, the
UK's day-first dates, German column names), identical repeated rows, and the bad
input that is refused without changing anything."""

import copy
import csv
import gzip
import io
from collections import Counter
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from amazon_simulator import AmazonSimulator, SimulatorState
from amazon_simulator.fba_ledger import fnsku_of
from amazon_simulator.ledger_report import COLUMNS, REPORT_TYPE, STYLES

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=timezone.utc)
DE, US = "A1PA6795UKMFR9", "ATVPDKIKX0DER"
ENGLISH = [c[0] for c in COLUMNS]
#: A title Windows-1252 holds and ASCII does not (an en dash, umlauts).
TITLE = "Caf\u00e9-Tasse \u2013 Gr\u00fcn"


@pytest.fixture
def state():
    state = SimulatorState(seed=11, clock=lambda: NOW)
    state.report_processing_polls = 0
    state.result_compression = "never"
    return state


def fba_order(state, order_id, sku, units, marketplace="DE", created=None):
    """A hand-made FBA order of ``units`` of ``sku``, unshipped (a generated FBA
    order of the same simulator, its first item only, as template)."""
    if not hasattr(state, "_template"):
        spare = SimulatorState(seed=5)
        spare.generate_orders(40, marketplaces=(marketplace,))
        state._template = next(
            o
            for o in spare.orders.values()
            if o["fulfillment"]["fulfilledBy"] == "AMAZON"
            and o["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
        )
    order = copy.deepcopy(state._template)
    created = created or NOW - timedelta(days=1)
    order["orderId"] = order_id
    order["createdTime"] = order["lastUpdatedTime"] = created.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    order["fulfillment"]["fulfillmentStatus"] = "UNSHIPPED"
    item = order["orderItems"][0]
    order["orderItems"] = [item]
    item["quantityOrdered"] = item["measurement"]["value"] = units
    item["product"]["sellerSku"] = sku
    item["fulfillment"] = {"quantityFulfilled": 0, "quantityUnfulfilled": units}
    state.add_order(order)
    return order_id


def report(state, start, end, marketplace=DE):
    created = state.create_report(
        {
            "reportType": REPORT_TYPE,
            "marketplaceIds": [marketplace],
            "dataStartTime": start.isoformat(),
            "dataEndTime": end.isoformat(),
        }
    )
    stored = state.reports[created["reportId"]]
    return stored


def rows_of(stored, encoding="utf-8", delimiter="\t"):
    text = stored["content"].decode(encoding)
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_every_event_writes_its_rows(state):
    start = NOW - timedelta(days=3)
    state.fba_inbound_shipment(
        "FBA15TEST001",
        {"SKU-0001": 5, "SKU-0002": 2},
        received={"SKU-0001": 5, "SKU-0002": 1},
        at=start,
    )
    fba_order(state, "028-0000001-0000001", "SKU-0001", 2, created=start)
    state.advance("028-0000001-0000001", "SHIPPED", at=start + timedelta(hours=5))
    state.add_return(
        "028-0000001-0000001",
        at=start + timedelta(days=1),
        disposition="CUSTOMER_DAMAGED",
    )
    later = start + timedelta(days=2)
    state.fba_adjust("SKU-0001", -1, "M", at=later)
    state.fba_adjust("SKU-0001", 1, "F", at=later)
    state.fba_adjust("SKU-0001", -1, "E", at=later)
    state.fba_removal(
        "REMOVAL-1", {"SKU-0001": 1}, "CUSTOMER_DAMAGED", disposal=True, at=later
    )
    state.fba_removal("REMOVAL-2", {"SKU-0002": 1}, at=later)
    state.fba_transfer("SKU-0001", 1, "LEJ1", "DTM2", at=later)
    state.fba_adjust("SKU-0001", -1, "G", at=later)  # a code nobody documents

    header, *rows = rows_of(report(state, start, NOW))
    assert header == ENGLISH
    table = [dict(zip(header, row, strict=True)) for row in rows]
    seen = [
        (
            r["Event Type"],
            r["MSKU"],
            r["Quantity"],
            r["Disposition"],
            r["Reason"],
            r["Fulfillment Center"],
        )
        for r in table
    ]
    assert seen == [
        ("Receipts", "SKU-0001", "5", "SELLABLE", "", "LEJ1"),
        ("Receipts", "SKU-0002", "1", "SELLABLE", "", "LEJ1"),
        ("Shipments", "SKU-0001", "-2", "SELLABLE", "", "LEJ1"),
        ("CustomerReturns", "SKU-0001", "2", "CUSTOMER_DAMAGED", "", "LEJ1"),
        ("Adjustments", "SKU-0001", "-1", "SELLABLE", "M", "LEJ1"),
        ("Adjustments", "SKU-0001", "1", "SELLABLE", "F", "LEJ1"),
        ("Adjustments", "SKU-0001", "-1", "SELLABLE", "E", "LEJ1"),
        ("Adjustments", "SKU-0001", "1", "WAREHOUSE_DAMAGED", "E", "LEJ1"),
        ("Adjustments", "SKU-0001", "-1", "CUSTOMER_DAMAGED", "D", "LEJ1"),
        ("VendorReturns", "SKU-0002", "-1", "SELLABLE", "", "LEJ1"),
        ("WhseTransfers", "SKU-0001", "-1", "SELLABLE", "", "LEJ1"),
        ("WhseTransfers", "SKU-0001", "1", "SELLABLE", "", "DTM2"),
        ("Adjustments", "SKU-0001", "-1", "SELLABLE", "G", "LEJ1"),
    ]
    by_type = {r["Event Type"]: r for r in table}
    assert by_type["Receipts"]["Reference ID"] == "FBA15TEST001"
    assert by_type["CustomerReturns"]["Reference ID"] == "028-0000001-0000001"
    assert by_type["VendorReturns"]["Reference ID"] == "REMOVAL-2"
    shipment = by_type["Shipments"]["Reference ID"]
    assert len(shipment) == 9 and shipment.isalnum()
    assert table[8]["Reference ID"] == "REMOVAL-1"  # the disposal's D row
    # the E pair shares one reference; the transfer pair nets to zero
    assert table[6]["Reference ID"] == table[7]["Reference ID"]
    assert table[10]["Reference ID"] == table[11]["Reference ID"]
    # the loss is reconciled by the unit found
    loss = table[4]
    assert (loss["Reconciled Quantity"], loss["Unreconciled Quantity"]) == ("1", "0")
    assert table[0]["Reconciled Quantity"] == table[0]["Unreconciled Quantity"] == ""
    for row in table:
        assert row["FNSKU"] == fnsku_of(row["MSKU"])
        assert row["Country"] == "DE"
        assert row["Store"] == ""
    assert table[0]["Date"] == start.strftime("%m/%d/%Y")
    assert table[0]["Date and Time"] == start.strftime("%Y-%m-%dT00:00:00+0100")
    assert state.fba_stock == {
        "SKU-0001": {"CUSTOMER_DAMAGED": 1, "SELLABLE": 1, "WAREHOUSE_DAMAGED": 1},
    }


def test_the_fnsku_is_stable_and_shared_with_the_fba_returns_report(state):
    assert fnsku_of("SKU-0001") == fnsku_of("SKU-0001") != fnsku_of("SKU-0002")
    code = fnsku_of("SKU-0001")
    assert code.startswith("X00") and len(code) == 10 and code.isalnum()
    state.fba_seed({"SKU-0001": 3}, at=NOW - timedelta(days=3))
    fba_order(state, "028-0000001-0000002", "SKU-0001", 1)
    state.advance("028-0000001-0000002", "SHIPPED", at=NOW - timedelta(days=1))
    state.add_return("028-0000001-0000002", at=NOW - timedelta(hours=2))
    created = state.create_report(
        {
            "reportType": "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA",
            "marketplaceIds": [DE],
            "dataStartTime": (NOW - timedelta(days=2)).isoformat(),
        }
    )
    header, row = rows_of(state.reports[created["reportId"]])
    assert dict(zip(header, row, strict=True))["fnsku"] == code


def test_a_report_holds_its_days_and_its_country_only(state):
    state.fba_seed({"SKU-0001": 4}, at=NOW - timedelta(days=5))
    state.fba_seed({"SKU-0001": 7}, at=NOW - timedelta(days=2), marketplace="US")
    state.fba_adjust("SKU-0001", -1, "M", at=NOW - timedelta(days=1))
    day = NOW - timedelta(days=5)
    _header, *rows = rows_of(report(state, day, day))
    assert [r[7] for r in rows] == ["4"]
    _header, *rows = rows_of(report(state, NOW - timedelta(days=3), NOW))
    assert [(r[5], r[7]) for r in rows] == [("Adjustments", "-1")]
    _header, *rows = rows_of(report(state, day, NOW, US))
    assert [(r[8], r[11], r[7]) for r in rows] == [("LEX1", "US", "7")]
    # US rows are written in the US's time, the day's midnight at -0700
    assert rows[0][14].endswith("T00:00:00-0700")
    # a window with no movement: Amazon cancels the report
    empty = report(state, NOW - timedelta(days=20), NOW - timedelta(days=19))
    assert empty["final_status"] == "CANCELLED"


@pytest.mark.parametrize("style", STYLES)
def test_the_variants_sellers_get(state, style):
    state.add_listing("MUG-1", asin="B0MUG00001", title=TITLE, price="9.90")
    state.fba_seed({"MUG-1": 3}, at=datetime(2026, 12, 3, 9, tzinfo=timezone.utc))
    state.ledger_report_style = style
    stored = report(state, NOW - timedelta(days=10), NOW)
    content_type = stored["content_type"]
    encoding = "cp1252" if style in ("cp1252", "de") else "utf-8"
    assert content_type.endswith(
        "charset=windows-1252" if encoding == "cp1252" else "charset=UTF-8"
    )
    text = stored["content"].decode(encoding)
    quoted = style in ("seller_central", "uk", "de")
    if quoted:
        assert text.startswith('"')
        assert all(line.startswith('"') for line in text.splitlines())
    header, row = csv.reader(io.StringIO(text), delimiter="," if quoted else "\t")
    expected_header = [c[1] for c in COLUMNS] if style == "de" else ENGLISH
    assert header == expected_header
    assert row[4] == TITLE
    assert row[0] == {"uk": "03/12/2026", "de": "03.12.2026"}.get(style, "12/03/2026")
    assert row[14] == "2026-12-03T00:00:00+0100"
    if style in ("cp1252", "de"):
        with pytest.raises(UnicodeDecodeError):
            stored["content"].decode("utf-8")


def test_identical_movements_are_identical_rows(state):
    """Three single-unit shipments of one SKU from one centre on one day: three
    identical rows when the ledger gives shipments no reference."""
    state.fba_seed({"SKU-0009": 5}, at=NOW - timedelta(days=4))
    for number in range(3):
        order_id = f"028-0000002-000000{number}"
        fba_order(state, order_id, "SKU-0009", 1, created=NOW - timedelta(days=2))
        state.advance(order_id, "SHIPPED", at=NOW - timedelta(days=1, hours=number + 1))
    state.ledger_shipment_ids = False
    _header, *rows = rows_of(report(state, NOW - timedelta(days=2), NOW))
    assert len(rows) == 3 and rows[0] == rows[1] == rows[2]
    assert rows[0][5:8] == ["Shipments", "", "-1"]
    state.ledger_shipment_ids = True
    _header, *rows = rows_of(report(state, NOW - timedelta(days=2), NOW))
    assert len({r[6] for r in rows}) == 3


def test_bad_input_is_refused_and_changes_nothing(state):
    state.fba_inbound_shipment(
        "FBA15BAD0001", {"SKU-0001": 2}, received={"SKU-0001": 2}, at=NOW
    )
    before = (len(state.fba.ledger), state.fba_stock)
    refused = [
        lambda: state.fba_adjust("SKU-0001", 1, "M"),  # a loss adds nothing
        lambda: state.fba_adjust("SKU-0001", -1, "F"),
        lambda: state.fba_adjust("SKU-0001", -3, "D"),  # more than held
        lambda: state.fba_adjust("SKU-0001", -1, "E", "DEFECTIVE"),
        lambda: state.fba_adjust("SKU-0001", 0, "G"),
        lambda: state.fba_adjust("SKU-0001", 1, "F", "BROKEN"),
        lambda: state.fba_removal("R-1", {"SKU-0001": 1}, "DEFECTIVE"),
        lambda: state.fba_removal("R-1", {"SKU-0001": 0}),
        lambda: state.fba_transfer("SKU-0001", 1, "LEJ1", "LEJ1"),
        lambda: state.fba_transfer("SKU-0001", 1, "LEJ1", "NOWHERE"),
        lambda: state.fba_transfer("SKU-0001", 3, "LEJ1", "DTM2"),
        lambda: state.fba_receive("FBA15BAD0001", {"SKU-0001": 1}),
        lambda: state.fba_receive("FBA15NONE", {"SKU-0001": 1}),
        lambda: state.fba_inbound_shipment("FBA15BAD0001", {"SKU-0001": 1}),
        lambda: state.fba_inbound_shipment(
            "FBA15BAD0002", {"SKU-0001": 1}, received={"SKU-0001": 2}
        ),
        lambda: state.fba_inbound_shipment(
            "FBA15BAD0003", {"SKU-0001": 1}, fulfillment_center="XXX1"
        ),
    ]
    for call in refused:
        with pytest.raises(ValueError):
            call()
    assert (len(state.fba.ledger), state.fba_stock) == before
    assert "FBA15BAD0002" not in state.fba.inbound
    state.close_inbound_shipment("FBA15BAD0001")
    with pytest.raises(ValueError, match="closed"):
        state.close_inbound_shipment("FBA15BAD0001")


def test_generated_fba_orders_come_with_their_stock(state):
    state.generate_orders(60, marketplaces=("DE", "US"), now=NOW, fba_stock=1)
    shipped = Counter()
    for row in state.fba.ledger:
        if row.event_type == "Shipments":
            shipped[row.sku] += -row.quantity
    assert shipped, "some generated FBA orders are shipped"
    for sku, units in state.fba_stock.items():
        assert units.get("SELLABLE", 0) >= 1, sku
    # every seed shipment was received and closed before the first order
    first_order = min(o["createdTime"] for o in state.orders.values())
    receipts = [r for r in state.fba.ledger if r.event_type == "Receipts"]
    assert all(r.moment.strftime("%Y-%m-%dT%H:%M:%SZ") < first_order for r in receipts)
    assert all(s.status == "CLOSED" for s in state.fba.inbound.values())


def test_the_ledger_report_over_the_reports_api():
    with AmazonSimulator(seed=4, clock=lambda: NOW) as sim:
        sim.state.fba_seed({"SKU-0005": 2}, at=NOW - timedelta(days=1))
        sim.state.result_compression = "always"
        with sim.client() as http:
            body = {
                "reportType": REPORT_TYPE,
                "marketplaceIds": [DE],
                "dataStartTime": (NOW - timedelta(days=1)).isoformat(),
                "dataEndTime": NOW.isoformat(),
            }
            report_id = http.post("/reports/2021-06-30/reports", json=body).json()[
                "reportId"
            ]
            for _poll in range(5):
                found = http.get(f"/reports/2021-06-30/reports/{report_id}").json()
                if found["processingStatus"] == "DONE":
                    break
            assert found["processingStatus"] == "DONE"
            document = http.get(
                f"/reports/2021-06-30/documents/{found['reportDocumentId']}"
            ).json()
            assert document["compressionAlgorithm"] == "GZIP"
            content = gzip.decompress(httpx.get(document["url"]).content)
            assert http.get("/_sim/state").json()["fbaStock"] == {
                "SKU-0005": {"SELLABLE": 2}
            }
    header, row = csv.reader(io.StringIO(content.decode()), delimiter="\t")
    assert header == ENGLISH
    assert row[3] == "SKU-0005" and row[5] == "Receipts" and row[7] == "2"
