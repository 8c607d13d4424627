"""The simulator's V2 settlement flat files (GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2)
as Amazon writes them per marketplace, read back by the addon's parser: dates and
amounts in the local format, every kind of amount an accountant meets, and the
options that make a settlement reserve-free, negative, unbalanced or odd."""

import gzip
import importlib.util
import random
import re
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from amazon_simulator import AmazonSimulator, SimulatorState
from amazon_simulator.generator import TAX_INCLUDED, OrderGenerator
from amazon_simulator.marketplaces import MARKETPLACES
from amazon_simulator.money import local_format
from amazon_simulator.settlement import (
    ADVERTISING,
    COLUMNS,
    CURRENT_RESERVE,
    DIGITAL_SERVICES_FEE,
    PREVIOUS_RESERVE,
    SHIPPING_LABEL,
    UNKNOWN,
    VOCABULARY_REFUNDS,
    VOCABULARY_ROWS,
    build_settlement,
)


def _wire_package():
    """The addon's ``amazon`` package (it imports no Odoo), loaded by path: the
    addon's own ``__init__`` imports Odoo."""
    name = "_amazon_connector_wire"
    if name not in sys.modules:
        folder = Path(__file__).resolve().parents[2] / "amazon_connector" / "amazon"
        spec = importlib.util.spec_from_file_location(
            name, folder / "__init__.py", submodule_search_locations=[str(folder)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return importlib.import_module(f"{name}.settlement_report")


_wire = _wire_package()
parse_settlement = _wire.parse_settlement
InvalidSettlement = _wire.InvalidSettlement

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
START = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)
CODES = ("US", "DE", "UK", "JP", "FR")
#: The summary's settlement-end-date (NOW) as each marketplace writes it.
END_AS_WRITTEN = {
    "US": "2026-11-20 12:00:00 UTC",
    "DE": "20.11.2026 12:00:00 UTC",
    "FR": "20.11.2026 12:00:00 UTC",
    "UK": "20/11/2026 12:00:00 UTC",
    "JP": "2026/11/20 21:00:00 JST",
}
#: posted-date and posted-date-time, by marketplace.
POSTED = {
    "US": (r"\d{4}-\d\d-\d\d", r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"),
    "DE": (r"\d\d\.\d\d\.\d{4}", r"\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d UTC"),
    "FR": (r"\d\d\.\d\d\.\d{4}", r"\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d UTC"),
    "UK": (r"\d\d/\d\d/\d{4}", r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d UTC"),
    "JP": (r"\d{4}/\d\d/\d\d", r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d JST"),
}


@pytest.fixture(scope="module")
def state():
    state = SimulatorState(seed=11, marketplaces=tuple(MARKETPLACES), clock=lambda: NOW)
    state.generate_orders(
        40 * len(MARKETPLACES),
        marketplaces=tuple(MARKETPLACES),
        now=NOW - timedelta(hours=1),
    )
    return state


def _document(state, report_id):
    """(ungzipped content, announced charset, simulated Settlement)."""
    report = state.reports[report_id]
    document = state.documents[report["reportDocumentId"]]
    content = document["content"]
    if document["compression"] == "GZIP":
        content = gzip.decompress(content)
    charset = document["content_type"].partition("charset=")[2].strip()
    return content, charset, report["settlement"]


def _settle(state, code, **options):
    """(parsed, simulated, text) of a new settlement of ``code``."""
    options.setdefault("refund_share", 0.5)
    report_id = state.add_settlement_report(marketplace=code, **options)
    content, charset, simulated = _document(state, report_id)
    market = MARKETPLACES[code]
    parsed = parse_settlement(
        content, charset=charset, marketplace_id=market.marketplace_id
    )
    return parsed, simulated, content.decode(market.encoding)


def _table(text):
    """The file's rows by column name (split on tabs, as Amazon writes them)."""
    lines = text.split("\n")
    assert lines[-1] == ""
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:-1]]


def _kind(line):
    return (line.transaction_type, line.amount_type, line.amount_description)


def _shipped(state, code):
    market_id = MARKETPLACES[code].marketplace_id
    return {
        order_id: order
        for order_id, order in state.orders.items()
        if order["salesChannel"]["marketplaceId"] == market_id
        and order["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
        and any("proceeds" in item for item in order["orderItems"])
    }


# -- formats -------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_a_settlement_of_shipped_orders_is_read_and_balances(state, code):
    parsed, simulated, text = _settle(state, code, compress=code == "JP")
    market = MARKETPLACES[code]
    assert parsed.problems == ()
    assert parsed.balanced and parsed.difference == 0
    assert simulated.balanced and simulated.difference == 0
    assert re.fullmatch(r"\d{11}", simulated.settlement_id)
    assert parsed.settlement_ref == simulated.settlement_id
    assert parsed.total_amount == simulated.total == simulated.rows_total
    assert parsed.currency == market.currency
    assert parsed.marketplace_name == market.name
    assert (parsed.start, parsed.end, parsed.deposit_date) == (
        simulated.start,
        simulated.end,
        simulated.deposit_date,
    )
    assert parsed.end == NOW and parsed.deposit_date == NOW + timedelta(days=1)
    assert len(parsed.lines) == len(simulated.rows)
    for line, row in zip(parsed.lines, simulated.rows, strict=True):
        assert isinstance(row["amount"], Decimal)
        assert line.amount == row["amount"]
        assert _kind(line) == (
            row["transaction-type"],
            row["amount-type"],
            row["amount-description"],
        )
        assert line.posted_at == row["posted-at"]
        assert (
            line.posted_at.strftime("%Y-%m-%d %H:%M:%S UTC")
            == (row["posted-date-time"])
        )
        assert line.order_ref == (row["order-id"] or None)
        assert line.adjustment_ref == row.get("adjustment-id")
        assert line.promotion_ref == row.get("promotion-id")
        assert line.sku == (row.get("sku") or None)
        assert line.quantity == row.get("quantity-purchased")
    orders = {line.order_ref for line in parsed.lines if line.order_ref}
    assert orders == set(_shipped(state, code))
    assert text.startswith("\t".join(COLUMNS) + "\n")


@pytest.mark.parametrize("code", CODES)
def test_dates_are_written_as_the_marketplace_writes_them(state, code):
    _parsed, simulated, text = _settle(state, code)
    summary, *rows = _table(text)
    assert summary["settlement-end-date"] == END_AS_WRITTEN[code]
    assert summary["transaction-type"] == "" and summary["amount"] == ""
    date_only, date_time = POSTED[code]
    assert len(rows) == len(simulated.rows)
    for cells in rows:
        assert re.fullmatch(date_only, cells["posted-date"]), cells["posted-date"]
        assert re.fullmatch(date_time, cells["posted-date-time"])
        # posted-date is the local date of posted-date-time
        assert cells["posted-date-time"].startswith(cells["posted-date"] + " ")
        assert cells["settlement-id"] == simulated.settlement_id


def test_japanese_times_are_in_japanese_time(state):
    parsed, simulated, text = _settle(state, "JP")
    _summary, first, *_rest = _table(text)
    row = simulated.rows[0]
    local = row["posted-at"] + timedelta(hours=9)
    assert first["posted-date-time"] == local.strftime("%Y/%m/%d %H:%M:%S JST")
    assert first["posted-date"] == local.strftime("%Y/%m/%d")
    assert row["posted-date"] == local.date()
    assert parsed.lines[0].posted_at == row["posted-at"]


def test_a_uk_settlement_needs_its_marketplace_to_read_its_dates(state):
    report_id = state.add_settlement_report(marketplace="UK")
    content, charset, simulated = _document(state, report_id)
    with pytest.raises(InvalidSettlement, match="day first or month first"):
        parse_settlement(content, charset=charset)
    parsed = parse_settlement(
        content, charset=charset, marketplace_id=MARKETPLACES["UK"].marketplace_id
    )
    assert parsed.start == simulated.start and parsed.balanced


def test_a_japanese_file_is_in_cp932(state):
    report_id = state.add_settlement_report(marketplace="JP")
    content, charset, _simulated = _document(state, report_id)
    assert charset == "Windows-31J"
    assert "月額登録料".encode("cp932") in content
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")


@pytest.mark.parametrize(
    "value,currency,comma,text",
    [
        ("1234.56", "EUR", True, "1.234,56"),
        ("-1234.56", "EUR", True, "-1.234,56"),
        ("1234567.5", "EUR", True, "1.234.567,50"),
        ("999.99", "EUR", True, "999,99"),
        ("1234.56", "USD", False, "1,234.56"),
        ("-1000", "GBP", False, "-1,000.00"),
        ("0", "USD", False, "0.00"),
        ("-0.001", "EUR", True, "0,00"),
        ("1980", "JPY", False, "1,980"),
        ("-1234567", "JPY", False, "-1,234,567"),
        ("980", "JPY", False, "980"),
        ("1980", "JPY", True, "1980"),  # 1.980 would read as 1.98
    ],
)
def test_amounts_are_thousand_grouped(value, currency, comma, text):
    assert local_format(Decimal(value), currency, comma) == text
    decimals = 0 if currency == "JPY" else 2
    assert _wire.parse_decimal(text) == round(Decimal(value), decimals)


@pytest.mark.parametrize(
    "code,cost,written",
    [
        ("US", "1234.56", "-1,234.56"),
        ("DE", "1234.56", "-1.234,56"),
        ("UK", "1234.56", "-1,234.56"),
        ("FR", "1234567.89", "-1.234.567,89"),
        ("JP", "123456", "-123,456"),
    ],
)
def test_grouped_amounts_round_trip(state, code, cost, written):
    parsed, simulated, text = _settle(state, code, advertising=Decimal(cost))
    cells = [row for row in _table(text)[1:] if row["amount-type"] == ADVERTISING[1]]
    assert [row["amount"] for row in cells] == [written]
    (line,) = [line for line in parsed.lines if _kind(line) == ADVERTISING]
    assert line.amount == -Decimal(cost)
    assert parsed.balanced and parsed.problems == ()
    total = _table(text)[0]["total-amount"]
    assert parsed.total_amount == simulated.total
    if abs(simulated.total) >= 1000:
        separator = "." if MARKETPLACES[code].decimal_comma else ","
        assert separator in total.lstrip("-")[:-3]


def test_the_decimal_mark_can_be_chosen(state):
    parsed, simulated, text = _settle(
        state, "DE", decimal_comma=False, advertising="2500"
    )
    amounts = [row["amount"] for row in _table(text)[1:]]
    assert "-2,500.00" in amounts
    assert parsed.balanced and parsed.total_amount == simulated.total


def test_decimal_commas_in_a_usd_file_are_written_and_refused(state):
    """Issue 19's bad input (``1.234,56`` in a USD file): the simulator writes it,
    the parser refuses the file."""
    with pytest.raises(InvalidSettlement, match="not written as USD amounts are"):
        _settle(state, "US", decimal_comma=True, advertising="2500")


def test_cells_are_unquoted_and_on_one_line(state):
    order = next(iter(_shipped(state, "DE").values()))
    order = {
        **order,
        "orderItems": [
            {**item, "product": {**item["product"], "sellerSku": 'Das "Extra"\tA\nB'}}
            for item in order["orderItems"]
        ],
    }
    simulated = build_settlement(
        [order],
        MARKETPLACES["DE"],
        settlement_id="12345678901",
        start=START,
        end=NOW,
        deposit_date=NOW,
        rng=random.Random(1),
    )
    text = simulated.content.decode()
    lines = text.split("\n")[:-1]
    assert {line.count("\t") for line in lines} == {len(COLUMNS) - 1}
    parsed = parse_settlement(simulated.content, marketplace_id="A1PA6795UKMFR9")
    assert {line.sku for line in parsed.lines if line.order_item_code} == {
        'Das "Extra" A B'
    }
    assert parsed.balanced


# -- the amounts --------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_reserves_subscription_and_advertising(state, code):
    parsed, _simulated, _text = _settle(state, code)
    by_kind = {}
    for line in parsed.lines:
        by_kind.setdefault(_kind(line), []).append(line)
    (previous,) = by_kind[PREVIOUS_RESERVE]
    (current,) = by_kind[CURRENT_RESERVE]
    (advertising,) = by_kind[ADVERTISING]
    assert previous.amount > 0 and current.amount < 0 and advertising.amount < 0
    assert previous.order_ref is current.order_ref is advertising.order_ref is None
    subscription = parsed.lines[-1]
    description = "月額登録料" if code == "JP" else "Subscription Fee"
    assert _kind(subscription) == (
        "other-transaction",
        "other-transaction",
        description,
    )
    assert subscription.amount == -Decimal(MARKETPLACES[code].subscription_fee)
    assert UNKNOWN not in by_kind


@pytest.mark.parametrize("code", CODES)
def test_digital_services_fee_where_amazon_charges_it(state, code):
    parsed, _simulated, _text = _settle(state, code)
    fees = [line for line in parsed.lines if _kind(line) == DIGITAL_SERVICES_FEE]
    rate = MARKETPLACES[code].digital_services_fee_rate
    if code in ("UK", "FR"):
        (fee,) = fees
        item_fees = sum(
            (line.amount for line in parsed.lines if line.amount_type == "ItemFees"),
            Decimal(0),
        )
        assert fee.amount < 0
        assert abs(fee.amount - item_fees * Decimal(rate)) <= Decimal("0.005")
    else:
        assert fees == [] and rate is None


@pytest.mark.parametrize("code", ("US", "DE", "JP"))
def test_order_amounts(state, code):
    parsed, _simulated, _text = _settle(state, code, refund_share=0)
    shipped = _shipped(state, code)
    lines = [line for line in parsed.lines if line.transaction_type == "Order"]
    kinds = {(line.amount_type, line.amount_description) for line in lines}
    assert {("ItemPrice", "Principal"), ("ItemFees", "Commission")} <= kinds
    for line in lines:
        order = shipped[line.order_ref]
        afn = order["fulfillment"]["fulfilledBy"] == "AMAZON"
        assert line.fulfillment_id == ("AFN" if afn else "MFN")
        if line.amount_description == "FBAPerUnitFulfillmentFee":
            assert afn and line.amount < 0
    afn_orders = {
        o
        for o, order in shipped.items()
        if order["fulfillment"]["fulfilledBy"] == "AMAZON"
    }
    fba = {
        li.order_ref
        for li in lines
        if li.amount_description == "FBAPerUnitFulfillmentFee"
    }
    assert fba == afn_orders
    # the buyer's amounts are the orders' proceeds
    paid = sum(
        (li.amount for li in lines if li.amount_type in ("ItemPrice", "Promotion")),
        Decimal(0),
    )
    proceeds = sum(
        (
            Decimal(item["proceeds"]["proceedsTotal"]["amount"])
            for order in shipped.values()
            for item in order["orderItems"]
            if "proceeds" in item
        ),
        Decimal(0),
    )
    assert paid == proceeds
    taxes = {
        order_id: sum(
            (
                li.amount
                for li in lines
                if li.order_ref == order_id
                and li.amount_type == "ItemPrice"
                and li.amount_description in ("Tax", "ShippingTax", "GiftWrapTax")
            ),
            Decimal(0),
        )
        for order_id in shipped
    }
    withheld = {
        order_id: sum(
            (
                li.amount
                for li in lines
                if li.order_ref == order_id and li.amount_type == "ItemWithheldTax"
            ),
            Decimal(0),
        )
        for order_id in shipped
    }
    if code == "US":
        assert withheld == {o: -tax for o, tax in taxes.items()}
        assert ("ItemWithheldTax", "MarketplaceFacilitatorTax-Principal") in kinds
        assert ("ItemWithheldTax", "MarketplaceFacilitatorTax-Shipping") in kinds
        assert ("ItemPrice", "ShippingTax") in kinds
    else:
        assert set(withheld.values()) == {0}


@pytest.mark.parametrize("code", ("US", "JP"))
def test_shipping_labels_of_merchant_fulfilled_orders(state, code):
    parsed, _simulated, _text = _settle(state, code)
    labels = [line for line in parsed.lines if _kind(line) == SHIPPING_LABEL]
    merchant = {
        order_id
        for order_id, order in _shipped(state, code).items()
        if order["fulfillment"]["fulfilledBy"] == "MERCHANT"
    }
    assert merchant
    assert sorted(line.order_ref for line in labels) == sorted(merchant)
    assert all(line.amount < 0 for line in labels)


@pytest.mark.parametrize("code", ("DE", "US"))
def test_refunds_carry_adjustment_ids(state, code):
    parsed, _simulated, _text = _settle(state, code, refund_share=0.5)
    refunds = [line for line in parsed.lines if line.transaction_type == "Refund"]
    assert refunds
    assert all(re.fullmatch(r"\d{14}", line.adjustment_ref) for line in refunds)
    by_order = {}
    for line in refunds:
        by_order.setdefault(line.order_ref, set()).add(line.adjustment_ref)
    assert all(len(ids) == 1 for ids in by_order.values())
    assert len({i for ids in by_order.values() for i in ids}) == len(by_order)
    others = [line for line in parsed.lines if line.transaction_type != "Refund"]
    assert all(line.adjustment_ref is None for line in others)
    kinds = {(line.amount_type, line.amount_description) for line in refunds}
    assert {
        ("ItemPrice", "Principal"),
        ("ItemFees", "Commission"),
        ("ItemFees", "RefundCommission"),
    } <= kinds
    principal = [
        li for li in refunds if _kind(li) == ("Refund", "ItemPrice", "Principal")
    ]
    assert all(line.amount < 0 for line in principal)
    for line in refunds:
        assert line.posted_at <= parsed.end
    no_refunds, _simulated, _text = _settle(state, code, refund_share=0)
    assert not [line for line in no_refunds.lines if line.adjustment_ref]


# -- options ------------------------------------------------------------------------


def test_without_reserve_or_advertising(state):
    parsed, simulated, _text = _settle(state, "DE", reserve=False, advertising=None)
    kinds = {_kind(line) for line in parsed.lines}
    assert not {PREVIOUS_RESERVE, CURRENT_RESERVE, ADVERTISING} & kinds
    assert parsed.balanced and parsed.total_amount == simulated.total
    assert simulated.options["advertising"] is None


def test_an_unknown_amount_type(state):
    parsed, _simulated, _text = _settle(state, "DE", unknown_amount_type=True)
    (odd,) = [line for line in parsed.lines if _kind(line) == UNKNOWN]
    assert odd.amount != 0 and odd.order_ref is None
    assert UNKNOWN == ("other-transaction", "Mystery Adjustment", "Something new")
    assert parsed.balanced and parsed.problems == ()


@pytest.mark.parametrize("code", ("DE", "JP", "US"))
def test_a_negative_settlement(state, code):
    parsed, simulated, text = _settle(state, code, negative=True)
    assert parsed.total_amount < 0 and parsed.balanced
    assert simulated.total == parsed.total_amount
    assert _table(text)[0]["total-amount"].startswith("-")
    (advertising,) = [line for line in parsed.lines if _kind(line) == ADVERTISING]
    ordinary, _simulated, _text = _settle(state, code)
    assert ordinary.total_amount > 0
    assert advertising.amount < -ordinary.total_amount
    # a big cost asked for is kept when it is enough
    big, _simulated, _text = _settle(state, code, negative=True, advertising="9999999")
    assert [li.amount for li in big.lines if _kind(li) == ADVERTISING] == [
        Decimal("-9999999")
    ]


@pytest.mark.parametrize("code", ("DE", "JP"))
def test_an_unbalanced_settlement(state, code):
    parsed, simulated, _text = _settle(state, code, unbalanced=True)
    assert not parsed.balanced and parsed.difference == 1
    assert not simulated.balanced and simulated.difference == 1
    assert parsed.total_amount == simulated.total == simulated.rows_total + 1
    assert parsed.problems == ()


def test_chosen_orders_and_settlement_id(state):
    chosen = sorted(_shipped(state, "FR"))[:3]
    report_id = state.add_settlement_report(chosen, settlement_id="10000000042")
    content, charset, simulated = _document(state, report_id)
    assert simulated.marketplace.code == "FR"  # the orders' marketplace
    parsed = parse_settlement(
        content, charset=charset, marketplace_id=MARKETPLACES["FR"].marketplace_id
    )
    assert parsed.settlement_ref == "10000000042"
    assert {line.order_ref for line in parsed.lines} - {None} == set(chosen)
    assert parsed.balanced
    with pytest.raises(ValueError, match="settlement_id"):
        state.add_settlement_report(chosen, settlement_id="S-1")


def test_one_settlement_per_marketplace(state):
    ids = state.generate_settlement_reports(unknown_amount_type=True, reserve=False)
    assert len(ids) == len(MARKETPLACES)
    for report_id in ids:
        content, charset, simulated = _document(state, report_id)
        parsed = parse_settlement(
            content,
            charset=charset,
            marketplace_id=simulated.marketplace.marketplace_id,
        )
        kinds = {_kind(line) for line in parsed.lines}
        assert UNKNOWN in kinds and CURRENT_RESERVE not in kinds
        assert parsed.balanced and parsed.problems == ()


# -- through the HTTP server -----------------------------------------------------


@pytest.fixture
def sim():
    with AmazonSimulator(seed=5, clock=lambda: NOW) as simulator:
        simulator.state.generate_orders(60, marketplaces=("DE", "UK", "JP"))
        yield simulator


@pytest.fixture
def http(sim):
    with sim.client() as client:
        yield client


def _fetch(http, report_id):
    """(content, charset) of a settlement report, the way a client gets it."""
    report = http.get(f"/reports/2021-06-30/reports/{report_id}")
    assert report.status_code == 200, report.text
    info = http.get(
        f"/reports/2021-06-30/documents/{report.json()['reportDocumentId']}"
    ).json()
    response = httpx.get(info["url"], timeout=5)
    content = response.content
    if info.get("compressionAlgorithm") == "GZIP":
        content = gzip.decompress(content)
    charset = response.headers["content-type"].partition("charset=")[2] or None
    return content, charset


def test_control_settlement_with_options(sim, http):
    answer = http.post(
        "/_sim/settlement",
        json={
            "marketplace": "UK",
            "advertising": 1234.5,
            "unknown_amount_type": True,
            "reserve": False,
            "settlement_id": "20000000001",
            "compress": True,
        },
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["settlementIds"] == ["20000000001"]
    content, charset = _fetch(http, body["reportIds"][0])
    parsed = parse_settlement(
        content, charset=charset, marketplace_id=MARKETPLACES["UK"].marketplace_id
    )
    assert parsed.settlement_ref == "20000000001" and parsed.balanced
    kinds = {_kind(line): line.amount for line in parsed.lines}
    assert kinds[ADVERTISING] == Decimal("-1234.50")
    assert UNKNOWN in kinds and PREVIOUS_RESERVE not in kinds
    assert b"\t-1,234.50\t" in content


def test_control_settlement_negative_unbalanced_japan(sim, http):
    answer = http.post(
        "/_sim/settlement",
        json={"marketplace": "JP", "negative": True, "unbalanced": True},
    )
    assert answer.status_code == 200, answer.text
    content, charset = _fetch(http, answer.json()["reportIds"][0])
    assert charset == "Windows-31J"
    parsed = parse_settlement(
        content, charset=charset, marketplace_id=MARKETPLACES["JP"].marketplace_id
    )
    assert parsed.total_amount < 0 and parsed.difference == 1
    assert parsed.lines[-1].amount_description == "月額登録料"


def test_control_settlement_per_marketplace(sim, http):
    answer = http.post("/_sim/settlement", json={"advertising": None})
    assert answer.status_code == 200, answer.text
    ids = answer.json()["reportIds"]
    markets = {sim.state.reports[i]["settlement"].marketplace.code for i in ids}
    assert len(ids) == len(markets) and markets == {"DE", "UK", "JP"}  # those sold
    for report_id in ids:
        content, charset = _fetch(http, report_id)
        simulated = sim.state.reports[report_id]["settlement"]
        parsed = parse_settlement(
            content,
            charset=charset,
            marketplace_id=simulated.marketplace.marketplace_id,
        )
        assert parsed.balanced and ADVERTISING not in {_kind(li) for li in parsed.lines}
    assert http.post("/_sim/settlement").status_code == 200  # no body: the defaults


@pytest.mark.parametrize(
    "body",
    [
        {"marketplace": "XX"},
        {"marketplace": "DE", "settlement_id": "abc"},
        {"settlement_id": "12345678901"},  # one per marketplace: which one?
        {"marketplace": "DE", "refund_share": 2},
        {"marketplace": "DE", "advertising": "lots"},
        {"marketplace": "DE", "negative": "yes"},
        {"marketplace": "DE", "mystery": True},
        ["DE"],
    ],
)
def test_control_settlement_refuses_bad_options(sim, http, body):
    answer = http.post("/_sim/settlement", json=body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["errors"][0]["code"] == "InvalidInput"


def test_control_settlement_of_an_unknown_order(sim, http):
    answer = http.post("/_sim/settlement", json={"order_ids": ["000-0000000-0000000"]})
    assert answer.status_code == 404


@pytest.mark.parametrize("code", ("DE", "FR"))
def test_vat_included_orders_are_paid_their_principal_without_a_tax_row(code):
    """An order whose ITEM includes the VAT and whose TAX gives the VAT part (the
    generator's TAX_INCLUDED shape): Principal, Shipping and the Promotion are what
    the buyer paid, their sum is the order's grandTotal, and no Tax row adds the
    VAT a second time."""
    state = SimulatorState(seed=3, marketplaces=(code,), clock=lambda: NOW)
    generator = OrderGenerator(random.Random(8), state.seller_id)
    for _ in range(12):
        order = generator.order(
            MARKETPLACES[code], NOW - timedelta(hours=1), tax_shape=TAX_INCLUDED
        ).order
        if order["fulfillment"]["fulfillmentStatus"] == "SHIPPED":
            state.add_order(order)
    shipped = _shipped(state, code)
    assert shipped
    parsed, _simulated, _text = _settle(state, code, refund_share=0)
    for order_id, order in shipped.items():
        assert any(
            b["type"] == "TAX"
            for item in order["orderItems"]
            for b in item["proceeds"]["breakdowns"]
        )
        rows = [li for li in parsed.lines if li.order_ref == order_id]
        assert not [
            li for li in rows if li.amount_description in ("Tax", "ShippingTax")
        ]
        paid = sum(
            li.amount for li in rows if li.amount_type in ("ItemPrice", "Promotion")
        )
        assert paid == Decimal(order["proceeds"]["grandTotal"]["amount"])


@pytest.mark.parametrize(
    ("style", "written"),
    [
        ("iso", "2026-11-20 12:00:00 UTC"),
        ("dotted", "20.11.2026 12:00:00 UTC"),
        ("japanese", "2026/11/20 12:00:00 UTC"),
    ],
)
def test_dates_in_each_form_of_real_files(state, style, written):
    """The three date forms of real V2 files (issue 19), in a USD file."""
    parsed, _simulated, text = _settle(state, "US", date_style=style)
    summary = _table(text)[0]
    assert summary["settlement-end-date"] == written
    assert parsed.end == NOW and parsed.balanced


def test_an_unknown_date_style_is_refused(state):
    with pytest.raises(ValueError, match="date_style"):
        state.add_settlement_report(marketplace="DE", date_style="american")


def test_the_vocabulary_of_real_files_is_written(state):
    parsed, simulated, text = _settle(state, "DE", vocabulary=True)
    assert parsed.balanced and parsed.problems == ()
    assert parsed.total_amount == simulated.total
    kinds = {_kind(line) for line in parsed.lines}
    assert {row[:3] for row in VOCABULARY_ROWS} <= kinds
    assert {line.transaction_type for line in parsed.lines} >= set(VOCABULARY_REFUNDS)
    lines = text.split("\n")[2:-1]
    short = [line for line in lines if line.count("\t") == len(COLUMNS) - 2]
    assert short, "settlement rows of 23 cells"
    assert {line.count("\t") for line in lines} == {len(COLUMNS) - 2, len(COLUMNS) - 1}
    assert any(line.amount == 0 for line in parsed.lines)
    assert any(
        not line.order_ref and not line.marketplace_name for line in parsed.lines
    )
    mcf = [li for li in parsed.lines if li.marketplace_name == "Non-Amazon DE"]
    assert mcf and all(li.order_ref.startswith("MCF-") for li in mcf)


def test_the_tax_a_promotion_took_off_is_in_the_tax_row(state):
    """Amazon's TAX breakdown may name the tax of a promotion (subtype DISCOUNT,
    negative; orders_2026-01-01.json's ItemProceedsDetailedBreakdown): the item's
    Tax row holds it, so the rows add up to what the buyer paid."""

    def tax_added(item):
        """The item's TAX comes on top of its other breakdowns (not included)."""
        breakdowns = item.get("proceeds", {}).get("breakdowns", [])
        types = {b["type"] for b in breakdowns}
        others = sum(
            (
                Decimal(b["subtotal"]["amount"])
                for b in breakdowns
                if b["type"] != "TAX"
            ),
            Decimal(0),
        )
        return (
            "TAX" in types
            and "DISCOUNT" not in types
            and others != Decimal(item["proceeds"]["proceedsTotal"]["amount"])
        )

    code, order, item = next(
        (code, order, item)
        for code in ("DE", "JP")
        for order in _shipped(state, code).values()
        for item in order["orderItems"]
        if tax_added(item)
    )
    proceeds = item["proceeds"]
    tax = next(b for b in proceeds["breakdowns"] if b["type"] == "TAX")
    currency = tax["subtotal"]["currencyCode"]
    discount, discount_tax = (
        Decimal("-200" if code == "JP" else "-2.00"),
        Decimal("-32" if code == "JP" else "-0.32"),
    )
    proceeds["breakdowns"].append(
        {
            "type": "DISCOUNT",
            "subtotal": {"amount": str(discount), "currencyCode": currency},
            "detailedBreakdowns": [
                {
                    "subtype": "ITEM",
                    "value": {"amount": str(discount), "currencyCode": currency},
                }
            ],
        }
    )
    details = tax.setdefault(
        "detailedBreakdowns",
        [{"subtype": "ITEM", "value": dict(tax["subtotal"])}],
    )
    details.append(
        {
            "subtype": "DISCOUNT",
            "value": {"amount": str(discount_tax), "currencyCode": currency},
        }
    )
    tax["subtotal"]["amount"] = str(Decimal(tax["subtotal"]["amount"]) + discount_tax)
    paid = Decimal(proceeds["proceedsTotal"]["amount"]) + discount + discount_tax
    proceeds["proceedsTotal"]["amount"] = str(paid)
    now = datetime.now(timezone.utc)
    settlement = build_settlement(
        [order],
        MARKETPLACES[code],
        settlement_id="1234567890",
        start=now - timedelta(days=14),
        end=now,
        deposit_date=now,
        rng=random.Random(5),
        refund_share=0,
        advertising=None,
        reserve=False,
    )
    rows = [
        r
        for r in settlement.rows
        if r.get("order-item-code") == item["orderItemId"]
        and r["amount-type"] in ("ItemPrice", "Promotion")
    ]
    assert sum((r["amount"] for r in rows), Decimal(0)) == paid
