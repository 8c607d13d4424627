"""The simulator's refunds of every shape (``SimulatorState.refund``), written by
the next V2 settlement in the words of Seller Central's V2 settlement help and
the Finances API v0 charge types: each shape gives back exactly what the buyer
got, never more than was paid for an item nor units that were not shipped, and
the settlement still balances once read by the addon's parser."""

import importlib.util
import random
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from amazon_simulator import AmazonSimulator, SimulatorState
from amazon_simulator.generator import ITEM_ONLY, TAX_ADDED, TAX_INCLUDED
from amazon_simulator.marketplaces import BY_ID, MARKETPLACES
from amazon_simulator.money import amount_of, quantize
from amazon_simulator.refunds import SHAPES
from amazon_simulator.settlement import build_settlement

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def _parser():
    """The addon's settlement parser (its ``amazon`` package imports no Odoo),
    loaded by path: the addon's own ``__init__`` imports Odoo."""
    name = "_amazon_connector_wire"
    if name not in sys.modules:
        folder = Path(__file__).resolve().parents[2] / "amazon_connector" / "amazon"
        spec = importlib.util.spec_from_file_location(
            name, folder / "__init__.py", submodule_search_locations=[str(folder)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return importlib.import_module(f"{name}.settlement_report").parse_settlement


parse_settlement = _parser()


@pytest.fixture(scope="module")
def generated():
    """The orders of every marketplace, generated once."""
    state = SimulatorState(seed=21, marketplaces=tuple(MARKETPLACES), clock=lambda: NOW)
    state.generate_orders(
        40 * len(MARKETPLACES),
        marketplaces=tuple(MARKETPLACES),
        now=NOW - timedelta(hours=2),
    )
    return list(state.orders.values())


@pytest.fixture
def state(generated):
    """A simulator of its own holding those orders (no refund yet)."""
    state = SimulatorState(seed=21, marketplaces=tuple(MARKETPLACES), clock=lambda: NOW)
    for order in generated:
        state.add_order(order, validate=False)
    return state


# -- helpers -------------------------------------------------------------------------


def _breakdowns(item):
    return {b["type"]: b for b in item["proceeds"]["breakdowns"]}


def _tax_shape(item):
    by_type = _breakdowns(item)
    if "TAX" not in by_type:
        return ITEM_ONLY
    others = sum(amount_of(b["subtotal"]) for t, b in by_type.items() if t != "TAX")
    return (
        TAX_INCLUDED
        if others == amount_of(item["proceeds"]["proceedsTotal"])
        else TAX_ADDED
    )


def _tax_of(item, subtype):
    tax = _breakdowns(item).get("TAX")
    if not tax or _tax_shape(item) == TAX_INCLUDED:
        return Decimal(0)
    return sum(
        (
            amount_of(d["value"])
            for d in tax["detailedBreakdowns"]
            if d["subtype"] == subtype
        ),
        Decimal(0),
    )


def _value(item, kind):
    found = _breakdowns(item).get(kind)
    return amount_of(found["subtotal"]) if found else Decimal(0)


def _paid(item):
    """What the buyer paid for the item: Amazon's proceedsTotal."""
    return amount_of(item["proceeds"]["proceedsTotal"])


def _find(state, code=None, *, test=lambda order, item: True):
    """(order, item) of a shipped order of ``code`` whose item passes ``test``."""
    for order in state.orders.values():
        market = BY_ID[order["salesChannel"]["marketplaceId"]]
        if code and market.code != code:
            continue
        if order["fulfillment"]["fulfillmentStatus"] != "SHIPPED":
            continue
        for item in order["orderItems"]:
            if "proceeds" in item and test(order, item):
                return order, item
    raise AssertionError(f"no shipped order of {code} fits")


def _code(order):
    return BY_ID[order["salesChannel"]["marketplaceId"]].code


def _sum(refund, amount_type=None, description=None):
    return sum(
        (
            amount
            for (_t, kind, what), amount, _extra in refund.rows
            if amount_type in (None, kind) and description in (None, what)
        ),
        Decimal(0),
    )


def _settle(state, order):
    """The parsed settlement of the order's marketplace (no random refunds)."""
    code = _code(order)
    report_id = state.add_settlement_report(marketplace=code, refund_share=0)
    report = state.reports[report_id]
    content = state.documents[report["reportDocumentId"]]["content"]
    parsed = parse_settlement(
        content,
        charset=MARKETPLACES[code].charset,
        marketplace_id=MARKETPLACES[code].marketplace_id,
    )
    return parsed, report["settlement"]


# -- each shape, to the cent ---------------------------------------------------------


@pytest.mark.parametrize("shape", ("full", "chargeback", "guarantee_claim"))
@pytest.mark.parametrize("code", ("DE", "US", "JP", "UK"))
def test_a_full_refund_gives_back_what_the_buyer_paid(state, code, shape):
    order, _item = _find(state, code)
    refund = state.refund(order["orderId"], shape=shape)
    paid = sum(_paid(i) for i in order["orderItems"] if "proceeds" in i)
    assert refund.refunded == paid
    assert -_sum(refund, "ItemPrice") - _sum(refund, "Promotion") == paid
    assert (
        refund.transaction_type
        == {
            "full": "Refund",
            "chargeback": "Chargeback Refund",
            "guarantee_claim": "A-to-z Guarantee Claim",
        }[shape]
    )
    assert {row[0][0] for row in refund.rows} == {refund.transaction_type}
    units = {i["orderItemId"]: i["quantityOrdered"] for i in order["orderItems"]}
    assert refund.units == units
    for (_t, kind, what), amount, extra in refund.rows:
        if (kind, what) == ("ItemPrice", "Principal"):
            assert extra["quantity-purchased"] == units[extra["order-item-code"]]
            assert amount < 0
    # the commission comes back, less Amazon's refund commission
    assert _sum(refund, "ItemFees", "Commission") > 0
    assert _sum(refund, "ItemFees", "RefundCommission") < 0
    with pytest.raises(ValueError, match="nothing left to give back"):
        state.refund(order["orderId"])


@pytest.mark.parametrize("tax_shape", (TAX_ADDED, ITEM_ONLY, TAX_INCLUDED))
def test_partial_refunds_share_each_unit_the_last_taking_the_rounding(state, tax_shape):
    order, item = _find(
        state,
        "DE",
        test=lambda o, i: i["quantityOrdered"] >= 2 and _tax_shape(i) == tax_shape,
    )
    units = item["quantityOrdered"]
    # what is shared per unit: the price, its promotion, its gift wrap, their taxes
    parts = [_value(item, kind) for kind in ("ITEM", "DISCOUNT", "GIFT_WRAP")]
    parts += [_tax_of(item, kind) for kind in ("ITEM", "GIFT_WRAP")]
    refunds = [
        state.refund(order["orderId"], shape="partial", items={item["orderItemId"]: 1})
        for _unit in range(units)
    ]
    first = refunds[0]
    assert first.units == {item["orderItemId"]: 1}
    assert first.refunded == sum(quantize(part / units, "EUR") for part in parts)
    assert len({r.adjustment_id for r in refunds}) == units
    # the units together: the whole of each part, to the cent
    assert sum(r.refunded for r in refunds) == sum(parts)
    with pytest.raises(ValueError, match="0 shipped and not refunded yet"):
        state.refund(order["orderId"], shape="partial", items={item["orderItemId"]: 1})
    # what is left of the item: its shipping, given back by a full refund
    rest = (
        state.refund(order["orderId"], shape="shipping")
        if _value(item, "SHIPPING")
        else None
    )
    assert sum(r.refunded for r in refunds) + (rest.refunded if rest else 0) == (
        _paid(item)
    )


def test_a_shipping_refund_gives_back_the_shipping_and_its_tax(state):
    order, item = _find(
        state,
        "DE",
        test=lambda o, i: _value(i, "SHIPPING") and _tax_shape(i) == TAX_ADDED,
    )
    refund = state.refund(order["orderId"], shape="shipping")
    shipping = _value(item, "SHIPPING")
    assert -_sum(refund, "ItemPrice", "Shipping") == shipping
    assert -_sum(refund, "ItemPrice", "ShippingTax") == _tax_of(item, "SHIPPING")
    assert refund.refunded == shipping + _tax_of(item, "SHIPPING")
    assert refund.units == {}
    assert not _sum(refund, "ItemPrice", "Principal")
    with pytest.raises(ValueError, match="nothing left"):
        state.refund(order["orderId"], shape="shipping")
    # a full refund afterwards gives the rest, not the shipping again
    rest = state.refund(order["orderId"])
    assert not _sum(rest, "ItemPrice", "Shipping")
    paid = sum(_paid(i) for i in order["orderItems"] if "proceeds" in i)
    assert refund.refunded + rest.refunded == paid


def test_a_goodwill_refund_is_its_amount_and_never_more_than_paid(state):
    order, item = _find(state, "FR")
    refund = state.refund(
        order["orderId"],
        shape="goodwill",
        amount="5.00",
        items={item["orderItemId"]: 0},
    )
    [(kind, amount, extra)] = refund.rows
    assert kind == ("Refund", "ItemPrice", "Goodwill")
    assert amount == Decimal("-5.00")
    assert extra["order-item-code"] == item["orderItemId"]
    assert refund.refunded == Decimal("5.00")
    with pytest.raises(ValueError, match="at most what the item has left"):
        state.refund(order["orderId"], shape="goodwill", amount=_paid(item))
    # a full refund after a goodwill would give back more than was paid
    with pytest.raises(ValueError, match="more than the"):
        state.refund(order["orderId"])


@pytest.mark.parametrize("fee", (0.2, "3.50"))
def test_a_restocking_refund_keeps_the_fee(state, fee):
    order, item = _find(
        state,
        "DE",
        test=lambda o, i: (
            _tax_shape(i) == TAX_ADDED
            and not _value(i, "DISCOUNT")
            and _value(i, "ITEM") > 10
        ),
    )
    refund = state.refund(
        order["orderId"],
        shape="restocking",
        items={item["orderItemId"]: item["quantityOrdered"]},
        restocking_fee=fee,
    )
    principal = _value(item, "ITEM")
    kept = (
        quantize(principal * Decimal("0.2"), "EUR")
        if isinstance(fee, float)
        else Decimal(fee)
    )
    assert _sum(refund, "ItemPrice", "RestockingFee") == kept > 0
    given = principal + _tax_of(item, "ITEM") + _value(item, "GIFT_WRAP")
    given += _tax_of(item, "GIFT_WRAP")
    assert refund.refunded == given - kept
    assert not _sum(refund, "ItemPrice", "Shipping")


def test_a_promotion_refund_takes_the_discount_back(state):
    order, item = _find(state, "DE", test=lambda o, i: _value(i, "DISCOUNT"))
    refund = state.refund(order["orderId"], shape="promotion")
    taken_back = _sum(refund, "Promotion", "Principal")
    assert taken_back == -_value(item, "DISCOUNT") > 0
    promotion_rows = [row for row in refund.rows if row[0][1] == "Promotion"]
    assert all(extra.get("promotion-id") for _k, _a, extra in promotion_rows)
    assert refund.refunded == -_sum(refund, "ItemPrice") - taken_back
    assert refund.units[item["orderItemId"]] == item["quantityOrdered"]


def test_us_refunds_give_back_the_tax_amazon_withheld(state):
    order, item = _find(state, "US", test=lambda o, i: _tax_of(i, "ITEM"))
    refund = state.refund(
        order["orderId"], shape="partial", items={item["orderItemId"]: 1}
    )
    withheld = _sum(refund, "ItemWithheldTax", "MarketplaceFacilitatorTax-Principal")
    assert withheld == -_sum(refund, "ItemPrice", "Tax") > 0


def test_jpy_shares_are_whole_yen(state):
    order, item = _find(state, "JP", test=lambda o, i: i["quantityOrdered"] >= 2)
    refund = state.refund(
        order["orderId"], shape="partial", items={item["orderItemId"]: 1}
    )
    assert refund.refunded
    for _kind, amount, _extra in refund.rows:
        assert amount == amount.to_integral_value()


# -- bad input -----------------------------------------------------------------------


def test_bad_refunds_are_refused_with_a_clear_error(state):
    order, item = _find(state, "DE", test=lambda o, i: not _value(i, "DISCOUNT"))
    order_id, item_id = order["orderId"], item["orderItemId"]
    units = item["quantityOrdered"]
    cases = [
        ({"shape": "half"}, "is not one of"),
        ({"shape": "partial", "items": {"nope": 1}}, "not a priced item"),
        ({"shape": "partial", "items": {item_id: units + 1}}, "shipped and not"),
        ({"shape": "partial", "items": {item_id: -1}}, "not a whole number"),
        ({"shape": "partial", "items": [item_id]}, "must be a dict"),
        ({"shape": "full", "items": {item_id: 1}}, "use partial"),
        ({"shape": "goodwill"}, "needs its amount"),
        ({"shape": "goodwill", "amount": "0"}, "above 0"),
        ({"shape": "goodwill", "amount": "1.234"}, "cents"),
        ({"shape": "goodwill", "items": {item_id: 1}, "amount": "1"}, "no unit back"),
        ({"shape": "partial", "amount": "1"}, "goodwill refund's"),
        ({"shape": "restocking", "restocking_fee": 1.5}, "between 0 and 1"),
        ({"shape": "restocking", "restocking_fee": "100000"}, "below the principal"),
        ({"shape": "full", "restocking_fee": 0.1}, "restocking refund's"),
        ({"at": datetime(2020, 1, 1, tzinfo=timezone.utc)}, "before the order"),
        ({"at": datetime(2026, 11, 20)}, "aware datetime"),
    ]
    for options, message in cases:
        with pytest.raises(ValueError, match=message):
            state.refund(order_id, **options)
    assert not state.refunds, "a refused refund records nothing"
    with pytest.raises(ValueError, match="not in the simulator"):
        state.refund("999-0000000-0000000")
    unshipped = next(
        o
        for o in state.orders.values()
        if o["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    )
    with pytest.raises(ValueError, match="Amazon refunds a shipped order"):
        state.refund(unshipped["orderId"])
    plain, _item = _find(
        state,
        test=lambda o, i: (
            not any(_value(x, "DISCOUNT") for x in o["orderItems"] if "proceeds" in x)
        ),
    )
    with pytest.raises(ValueError, match="no promoted item"):
        state.refund(plain["orderId"], shape="promotion")


# -- in the settlement ---------------------------------------------------------------


def test_the_next_settlement_writes_the_refund_once_and_balances(state):
    order, item = _find(state, "DE", test=lambda o, i: i["quantityOrdered"] >= 2)
    at = NOW - timedelta(minutes=30)
    refund = state.refund(
        order["orderId"], shape="restocking", items={item["orderItemId"]: 1}, at=at
    )
    parsed, simulated = _settle(state, order)
    assert parsed.problems == ()
    assert parsed.balanced and simulated.balanced
    lines = [li for li in parsed.lines if li.adjustment_ref == refund.adjustment_id]
    assert len(lines) == len(refund.rows)
    for line, ((transaction, kind, what), amount, extra) in zip(
        lines, refund.rows, strict=True
    ):
        assert (line.transaction_type, line.amount_type, line.amount_description) == (
            transaction,
            kind,
            what,
        )
        assert line.amount == amount
        assert line.order_ref == order["orderId"]
        assert line.order_item_code == extra["order-item-code"] == item["orderItemId"]
        assert line.sku == item["product"]["sellerSku"]
        assert line.posted_at == at.replace(microsecond=0)
    principal = [li for li in lines if li.amount_description == "Principal"]
    assert [li.quantity for li in principal] == [1]
    buyer = -sum(
        li.amount for li in lines if li.amount_type in ("ItemPrice", "Promotion")
    )
    assert buyer == refund.refunded
    assert refund.settlement_id == simulated.settlement_id
    assert simulated.refunds == [refund]
    again, _simulated = _settle(state, order)
    assert not [li for li in again.lines if li.adjustment_ref]


def test_a_refund_posted_after_the_settlement_waits_for_the_next(state):
    order, _item = _find(state, "DE")
    later = state.refund(order["orderId"], shape="partial", at=NOW + timedelta(days=2))
    parsed, _simulated = _settle(state, order)
    assert not [li for li in parsed.lines if li.adjustment_ref]
    assert later.settlement_id is None


def test_refund_shapes_spread_the_refunded_orders_over_every_shape(state):
    shapes = {}
    for code in ("DE", "US", "UK", "JP"):
        report_id = state.add_settlement_report(
            marketplace=code, refund_share=1.0, refund_shapes=True
        )
        report = state.reports[report_id]
        simulated = report["settlement"]
        content = state.documents[report["reportDocumentId"]]["content"]
        parsed = parse_settlement(
            content,
            charset=MARKETPLACES[code].charset,
            marketplace_id=MARKETPLACES[code].marketplace_id,
        )
        assert parsed.problems == () and parsed.balanced
        by_order = {o["orderId"]: o for o in state.orders.values()}
        for refund in simulated.refunds:
            shapes[refund.shape] = shapes.get(refund.shape, 0) + 1
            order = by_order[refund.order_id]
            paid = sum(_paid(i) for i in order["orderItems"] if "proceeds" in i)
            assert 0 < refund.refunded <= paid
            lines = [
                li for li in parsed.lines if li.adjustment_ref == refund.adjustment_id
            ]
            assert (
                -sum(
                    li.amount
                    for li in lines
                    if li.amount_type in ("ItemPrice", "Promotion")
                )
                == refund.refunded
            )
            assert {li.transaction_type for li in lines} == {refund.transaction_type}
    assert set(shapes) == set(SHAPES)
    # the least used shape an order can take first: every shape has its share
    assert min(shapes.values()) >= 5, shapes
    assert max(shapes.values()) - min(shapes.values()) <= 8, shapes


def test_a_settlement_of_refunds_alone(state):
    orders = [
        o
        for o in state.orders.values()
        if BY_ID[o["salesChannel"]["marketplaceId"]].code == "DE"
    ]
    simulated = build_settlement(
        orders,
        MARKETPLACES["DE"],
        settlement_id="12345678901",
        start=NOW - timedelta(days=14),
        end=NOW,
        deposit_date=NOW,
        rng=random.Random(1),
        refund_share=0.5,
        refund_shapes=True,
        sales=False,
        reserve=False,
        advertising=None,
    )
    assert simulated.refunds and simulated.balanced
    adjustments = {r.adjustment_id for r in simulated.refunds}
    for row in simulated.rows:
        if row["order-id"]:
            assert row["adjustment-id"] in adjustments
            assert row["transaction-type"] != "Order"
        else:
            assert row["amount-description"] == "Subscription Fee"


def test_whole_refunds_of_refund_share_are_unchanged(state):
    report_id = state.add_settlement_report(marketplace="DE", refund_share=1.0)
    simulated = state.reports[report_id]["settlement"]
    assert simulated.refunds and {r.shape for r in simulated.refunds} == {"full"}
    sold = {}
    for row in simulated.rows:
        if row["transaction-type"] == "Order" and row["amount-type"] == "ItemPrice":
            key = (row["order-item-code"], row["amount-description"])
            sold[key] = row["amount"]
    for row in simulated.rows:
        if row["transaction-type"] == "Refund" and row["amount-type"] == "ItemPrice":
            key = (row["order-item-code"], row["amount-description"])
            assert row["amount"] == -sold[key]


# -- through the HTTP server -----------------------------------------------------


def test_control_refund_then_settlement():
    with AmazonSimulator(seed=5, clock=lambda: NOW) as sim:
        sim.state.generate_orders(
            60, marketplaces=("DE",), now=NOW - timedelta(hours=2)
        )
        order, item = _find(sim.state, "DE")
        with sim.client() as http:
            bad = http.post(
                "/_sim/refund",
                json={"orderId": order["orderId"], "shape": "goodwill"},
            )
            assert bad.status_code == 400 and "needs its amount" in bad.text
            assert http.post("/_sim/refund", json={"shape": "full"}).status_code == 400
            answer = http.post(
                "/_sim/refund",
                json={
                    "orderId": order["orderId"],
                    "shape": "restocking",
                    "items": {item["orderItemId"]: 1},
                    "restocking_fee": 0.1,
                },
            )
            assert answer.status_code == 200, answer.text
            body = answer.json()
            assert body["shape"] == "restocking" and body["units"] == {
                item["orderItemId"]: 1
            }
            settled = http.post(
                "/_sim/settlement",
                json={"marketplace": "DE", "refund_share": 0, "refund_shapes": True},
            )
            assert settled.status_code == 200, settled.text
        [report_id] = settled.json()["reportIds"]
        simulated = sim.state.reports[report_id]["settlement"]
        [refund] = simulated.refunds
        assert refund.adjustment_id == body["adjustmentId"]
        assert str(refund.refunded) == body["refunded"]
        assert simulated.balanced
