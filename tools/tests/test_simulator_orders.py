"""The orders that enter the simulator are Amazon's shape: every one, hand-made by a
test or generated for the demo, is validated against the ``Order`` of Amazon's official
Orders API v2026-01-01 model (``SimulatorState.add_order``); the generator makes the
three of Amazon's tax shapes on the marketplaces whose prices include the tax."""

import copy
import logging
import random
from collections import Counter
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from amazon_simulator import SimulatorState, models, schemas
from amazon_simulator.generator import (
    ITEM_ONLY,
    TAX_ADDED,
    TAX_INCLUDED,
    OrderGenerator,
)
from amazon_simulator.marketplaces import BY_ID, DEFAULT_CODES, MARKETPLACES
from amazon_simulator.models import SharedModelsNotFound
from amazon_simulator.schemas import InvalidOrderPayload
from amazon_simulator.vat_registrations import INVALID_VAT_NUMBER, VAT_COUNTRIES

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
ORDERS_MODEL = "orders_2026-01-01.json"


@pytest.fixture
def official_models():
    """The tests that validate need the official models: without them, they skip,
    naming what is missing and how to provide it."""
    try:
        return models.load_model(ORDERS_MODEL)
    except SharedModelsNotFound as error:
        pytest.skip(str(error))


def _order(**changes):
    """A small valid order (the shape of the official sandbox's UK example)."""
    order = {
        "orderId": "202-0000001-0000001",
        "createdTime": "2026-11-20T10:00:00Z",
        "lastUpdatedTime": "2026-11-20T10:05:00Z",
        "salesChannel": {
            "channelName": "AMAZON",
            "marketplaceId": "A1F83G8C2ARO7P",
            "marketplaceName": "Amazon.co.uk",
        },
        "fulfillment": {"fulfillmentStatus": "UNSHIPPED", "fulfilledBy": "MERCHANT"},
        "orderItems": [
            {
                "orderItemId": "20200000000001",
                "quantityOrdered": 1,
                "product": {"asin": "B000TEST01", "sellerSku": "SKU-1"},
                "proceeds": {
                    "proceedsTotal": {"amount": "34.99", "currencyCode": "GBP"},
                    "breakdowns": [
                        {
                            "type": "ITEM",
                            "subtotal": {"amount": "34.99", "currencyCode": "GBP"},
                        }
                    ],
                },
            }
        ],
        "proceeds": {"grandTotal": {"amount": "34.99", "currencyCode": "GBP"}},
    }
    order.update(changes)
    return order


def _item_proceeds(generated):
    """Each item's proceeds, the withheld ones of a pending order included."""
    withheld = generated.withheld.get("items", {})
    return [
        item.get("proceeds") or withheld[item["orderItemId"]]["proceeds"]
        for item in generated.order["orderItems"]
    ]


def _shape(generated) -> str:
    """``ITEM+TAX`` (TAX on top), ``ITEM incl. TAX`` (TAX is the VAT part of the
    amounts: they add up to ``proceedsTotal`` without it) or ``ITEM`` (no TAX
    breakdown on any item)."""
    shapes = set()
    for proceeds in _item_proceeds(generated):
        taxes = [b for b in proceeds["breakdowns"] if b["type"] == "TAX"]
        if not taxes:
            shapes.add("ITEM")
            continue
        without_tax = sum(
            Decimal(b["subtotal"]["amount"])
            for b in proceeds["breakdowns"]
            if b["type"] != "TAX"
        )
        included = without_tax == Decimal(proceeds["proceedsTotal"]["amount"])
        shapes.add("ITEM incl. TAX" if included else "ITEM+TAX")
    assert len(shapes) == 1, shapes
    return shapes.pop()


# -- the gate
def test_a_valid_order_is_stored(official_models):
    state = SimulatorState()
    assert state.add_order(_order()) == "202-0000001-0000001"
    assert state.orders["202-0000001-0000001"]["orderItems"][0]["quantityOrdered"] == 1


@pytest.mark.parametrize(
    ("change", "named"),
    [
        # a misspelt field name: the model has sellerSku
        (
            lambda o: o["orderItems"][0]["product"].update(sellerSKU="SKU-1"),
            "orderItems/0/product: Additional properties are not allowed "
            "('sellerSKU' was unexpected)",
        ),
        (
            lambda o: o["orderItems"][0].update(quantityOrdered="1"),
            "orderItems/0/quantityOrdered: '1' is not of type 'integer'",
        ),
        (
            lambda o: o["orderItems"][0]["proceeds"]["proceedsTotal"].pop(
                "currencyCode"
            ),
            "orderItems/0/proceeds/proceedsTotal: 'currencyCode' is a required "
            "property",
        ),
        (
            lambda o: o["proceeds"]["grandTotal"].update(amount=34.99),
            "proceeds/grandTotal/amount: 34.99 is not of type 'string'",
        ),
        (
            lambda o: o["fulfillment"].update(fulfillmentStatus="ON_HOLD"),
            "fulfillment/fulfillmentStatus: 'ON_HOLD' is not one of",
        ),
        (lambda o: o.pop("lastUpdatedTime"), "(root): 'lastUpdatedTime' is a required"),
    ],
)
def test_an_order_unlike_amazons_is_refused_naming_the_field(
    official_models, change, named
):
    state = SimulatorState()
    order = _order()
    change(order)
    with pytest.raises(InvalidOrderPayload) as refused:
        state.add_order(order)
    message = str(refused.value)
    assert message.startswith(
        f"order 202-0000001-0000001 is not an Order of {ORDERS_MODEL}: "
    )
    assert named in message
    assert not state.orders, "nothing stored"


def test_validate_false_is_for_what_a_test_makes_unlike_amazon_on_purpose(
    official_models,
):
    state = SimulatorState()
    on_hold = _order()
    on_hold["fulfillment"]["fulfillmentStatus"] = "ON_HOLD"
    state.add_order(on_hold, validate=False)
    assert state.orders[on_hold["orderId"]]["fulfillment"]["fulfillmentStatus"] == (
        "ON_HOLD"
    )
    without_items = {k: v for k, v in _order().items() if k != "orderItems"}
    with pytest.raises(InvalidOrderPayload, match="order lacks orderItems"):
        state.add_order(without_items, validate=False)


def test_without_the_models_orders_are_stored_with_a_logged_warning(
    tmp_path, monkeypatch, caplog
):
    """The simulator (and so the demo) runs without the official models: the
    validation is skipped with one warning; what the simulator needs is checked."""
    monkeypatch.delenv(models.ENV_VAR, raising=False)
    monkeypatch.setenv("AMAZON_CONNECTOR_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(models, "_download_errors", {})
    monkeypatch.setattr(models, "RAW_URL", "http://127.0.0.1:9/{path}")  # discard
    monkeypatch.setattr(models, "REPO", tmp_path / "clone")
    monkeypatch.setattr(models, "_warned", set())
    monkeypatch.setattr(schemas, "_registries", {})
    models.load_model.cache_clear()
    try:
        state = SimulatorState()
        misspelt = _order()
        misspelt["orderItems"][0]["product"]["sellerSKU"] = "SKU-1"
        with caplog.at_level(logging.WARNING, logger=models.__name__):
            state.add_order(misspelt)
            state.generate_orders(3, now=NOW)
            with pytest.raises(InvalidOrderPayload, match="'orderId' is a required"):
                state.add_order({k: v for k, v in _order().items() if k != "orderId"})
    finally:
        models.load_model.cache_clear()
    assert len(state.orders) == 4
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"{ORDERS_MODEL} not available, schema validation")


# -- the generator
def test_generated_orders_pass_the_gate(official_models, monkeypatch):
    checked = []
    monkeypatch.setattr(
        "amazon_simulator.state.check_order",
        lambda order: checked.append(order["orderId"]) or schemas.check_order(order),
    )
    state = SimulatorState(seed=5)
    ids = state.generate_orders(40, now=NOW)
    assert ids and checked == ids


def test_generator_makes_the_three_tax_shapes_on_each_tax_included_marketplace(
    official_models,
):
    """ITEM + TAX (TAX on top), ITEM only (the seller calculates the VAT: no TAX
    breakdown) and ITEM incl. TAX (TAX the VAT part of ITEM), in turn per
    marketplace, the same for the same seed; US orders always carry their TAX on
    top."""
    shapes = {}
    for seed in (1, 1, 2):
        generator = OrderGenerator(random.Random(seed), "A1SELLER")
        made = {}
        for _ in range(6):
            for code in DEFAULT_CODES:
                generated = generator.order(MARKETPLACES[code], NOW)
                assert (
                    schemas.definition_errors(ORDERS_MODEL, "Order", generated.order)
                    == []
                ), generated.order["orderId"]
                full = copy.deepcopy(generated.order)
                for item, proceeds in zip(
                    full["orderItems"], _item_proceeds(generated), strict=True
                ):
                    item["proceeds"] = proceeds
                assert schemas.definition_errors(ORDERS_MODEL, "Order", full) == []
                made.setdefault(code, []).append(_shape(generated))
        shapes.setdefault(seed, []).append(made)
    first, again = shapes[1]
    assert first == again, "deterministic"
    for code in DEFAULT_CODES:
        expected = (
            ["ITEM+TAX", "ITEM", "ITEM incl. TAX"] * 2
            if MARKETPLACES[code].prices_include_tax
            else ["ITEM+TAX"] * 6
        )
        assert first[code] == expected, code
        assert shapes[2][0][code] == expected, code
    assert not MARKETPLACES["US"].prices_include_tax
    assert {c for c in DEFAULT_CODES if MARKETPLACES[c].prices_include_tax} == {
        "DE",
        "UK",
        "JP",
        "FR",
        "IT",
        "ES",
    }


def test_each_shape_adds_up_to_amazons_totals():
    generator = OrderGenerator(random.Random(3), "A1SELLER", shapes=Counter())
    for code in ("DE", "UK", "JP", "FR", "IT", "ES"):
        for index in range(9):
            generated = generator.order(MARKETPLACES[code], NOW)
            shape = _shape(generated)
            assert shape == ("ITEM+TAX", "ITEM", "ITEM incl. TAX")[index % 3]
            for proceeds in _item_proceeds(generated):
                parts = sum(
                    Decimal(b["subtotal"]["amount"])
                    for b in proceeds["breakdowns"]
                    if shape != "ITEM incl. TAX" or b["type"] != "TAX"
                )
                assert parts == Decimal(proceeds["proceedsTotal"]["amount"])
            order_proceeds = generated.order.get("proceeds") or generated.withheld.get(
                "proceeds"
            )
            if shape == "ITEM" and order_proceeds:
                types = {b["type"] for b in order_proceeds["breakdowns"]}
                assert "TAX" not in types


@pytest.mark.parametrize(
    ("code", "rate"),
    [("DE", "0.19"), ("FR", "0.20"), ("IT", "0.22"), ("ES", "0.21"), ("UK", "0.20")],
)
def test_tax_included_shape_gives_the_vat_part_of_each_amount(code, rate):
    """ITEM, SHIPPING, GIFT_WRAP and DISCOUNT hold what the buyer paid; each TAX
    detail is the VAT in its amount (gross - gross / (1 + rate), to the cent), the
    promotion's negative; proceedsTotal does not add TAX again."""
    marketplace = MARKETPLACES[code]
    assert marketplace.tax_rate == rate
    rate = Decimal(rate)
    proceeds = OrderGenerator._item_proceeds(
        marketplace,
        Decimal("23.99"),
        3,
        Decimal("4.99"),
        Decimal("3.49"),
        Decimal("7.20"),
        TAX_INCLUDED,
    )
    amounts = {
        b["type"]: Decimal(b["subtotal"]["amount"]) for b in proceeds["breakdowns"]
    }
    assert amounts["ITEM"] == Decimal("71.97")
    assert amounts["DISCOUNT"] == Decimal("-7.20")
    assert Decimal(proceeds["proceedsTotal"]["amount"]) == (
        Decimal("71.97") + Decimal("4.99") + Decimal("3.49") - Decimal("7.20")
    )
    (tax,) = [b for b in proceeds["breakdowns"] if b["type"] == "TAX"]
    details = {
        d["subtype"]: Decimal(d["value"]["amount"]) for d in tax["detailedBreakdowns"]
    }

    def vat(gross):
        return (gross - gross / (1 + rate)).quantize(Decimal("0.01"), "ROUND_HALF_UP")

    assert details == {
        "ITEM": vat(Decimal("71.97")),
        "SHIPPING": vat(Decimal("4.99")),
        "GIFT_WRAP": vat(Decimal("3.49")),
        "DISCOUNT": vat(Decimal("-7.20")),
    }
    assert details["DISCOUNT"] < 0
    assert amounts["TAX"] == sum(details.values())


def test_a_shape_can_be_asked_for_without_changing_the_turn():
    generator = OrderGenerator(random.Random(4), "A1SELLER", shapes=Counter())
    de, us = MARKETPLACES["DE"], MARKETPLACES["US"]
    for shape, expected in (
        (TAX_INCLUDED, "ITEM incl. TAX"),
        (ITEM_ONLY, "ITEM"),
        (TAX_ADDED, "ITEM+TAX"),
    ):
        assert _shape(generator.order(de, NOW, tax_shape=shape)) == expected
    assert _shape(generator.order(de, NOW)) == "ITEM+TAX", "the turn is untouched"
    with pytest.raises(ValueError, match="exclude the tax"):
        generator.order(us, NOW, tax_shape=TAX_INCLUDED)
    with pytest.raises(ValueError, match="unknown tax shape"):
        generator.order(de, NOW, tax_shape="gross")


def test_shapes_keep_alternating_across_generate_calls():
    state = SimulatorState(seed=9)
    first = state.generate_orders(1, now=NOW, marketplaces=("DE",))
    second = state.generate_orders(1, now=NOW, marketplaces=("DE",))
    breakdowns = [
        {
            b["type"]
            for item in state.orders[order_id]["orderItems"]
            for b in (
                item.get("proceeds")
                or state._withheld[order_id]["items"][item["orderItemId"]]["proceeds"]
            )["breakdowns"]
        }
        for order_id in first + second
    ]
    assert ["TAX" in types for types in breakdowns] == [True, False]


# -- Amazon Business orders ---------------------------------------------------


def _business(order):
    (registration,) = order["tax"]["taxRegistrations"]
    return registration


def _amount(value):
    return Decimal(value["amount"])


def test_generator_makes_business_orders_with_a_vat_registration_on_eu_marketplaces():
    state = SimulatorState(seed=7)
    ids = state.generate_orders(300, now=NOW)
    business = [
        state.orders[i] for i in ids if "AMAZON_BUSINESS" in state.orders[i]["programs"]
    ]
    eu = [
        o
        for o in business
        if BY_ID[o["salesChannel"]["marketplaceId"]].country in VAT_COUNTRIES
    ]
    assert eu, "some business orders on the EU and UK marketplaces"
    for order in eu:
        registration = _business(order)
        assert registration["entityType"] == "BUYER"
        assert registration["taxRegistrationType"] == "VAT"
        country = registration["taxRegistrationAddress"]["countryCode"]
        assert registration["taxRegistrationNumber"].startswith(country)
        address = registration["taxRegistrationAddress"]
        assert registration["legalName"] == address["companyName"]
    for order in business:
        if order["fulfillment"]["fulfillmentStatus"] != "PENDING":
            assert order["buyer"]["buyerPurchaseOrderNumber"].startswith("PO-")


def test_business_order_domestic_reverse_charge_and_invalid_vat(official_models):
    state = SimulatorState(seed=7)
    domestic = state.orders[state.add_business_order("DE", now=NOW)]
    registration = _business(domestic)
    assert domestic["programs"] == ["AMAZON_BUSINESS"]
    assert domestic["buyer"]["buyerCompanyName"]
    assert registration["taxRegistrationNumber"][:2] == "DE"
    assert len(registration["taxRegistrationNumber"]) == 11
    (item,) = domestic["orderItems"]
    amounts = {
        b["type"]: _amount(b["subtotal"]) for b in item["proceeds"]["breakdowns"]
    }
    assert amounts["TAX"] == (amounts["ITEM"] * Decimal("0.19")).quantize(
        Decimal("0.01")
    )
    assert (
        _amount(domestic["proceeds"]["grandTotal"]) == amounts["ITEM"] + amounts["TAX"]
    )

    cross = state.orders[
        state.add_business_order("DE", buyer_country="FR", reverse_charge=True, now=NOW)
    ]
    assert cross["recipient"]["deliveryAddress"]["countryCode"] == "FR"
    assert _business(cross)["taxRegistrationNumber"].startswith("FR")
    assert len(_business(cross)["taxRegistrationNumber"]) == 13
    (item,) = cross["orderItems"]
    amounts = {
        b["type"]: _amount(b["subtotal"]) for b in item["proceeds"]["breakdowns"]
    }
    assert amounts["TAX"] == 0
    assert _amount(item["proceeds"]["proceedsTotal"]) == amounts["ITEM"]
    assert _amount(cross["proceeds"]["grandTotal"]) == amounts["ITEM"]

    invalid = state.orders[state.add_business_order("DE", vat=INVALID_VAT_NUMBER)]
    assert _business(invalid)["taxRegistrationNumber"] == INVALID_VAT_NUMBER
