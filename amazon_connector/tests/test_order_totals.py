"""Sale-order line amounts whose total equals Amazon's grand total (pure Python)."""

import logging
from decimal import Decimal

import pytest

from ..amazon.order_payload import parse_order
from ..amazon.order_totals import (
    LineAmounts,
    check_total,
    compute_lines,
    facilitator_tax_total,
)
from .test_order_payload import (
    PERSONAL_DATA,
    breakdown,
    make_item,
    make_order,
    sandbox_orders,
    vat_included_item,
)

MODES = [
    {"tax_included": True, "facilitator_tax": False},
    {"tax_included": False, "facilitator_tax": False},
    {"tax_included": True, "facilitator_tax": True},
    {"tax_included": False, "facilitator_tax": True},
]


def summary(lines):
    """(kind, item id, quantity, price_unit, tax_amount) per line, as strings."""
    return [
        (
            line.kind,
            line.order_item_id,
            str(line.quantity),
            str(line.price_unit),
            str(line.tax_amount),
        )
        for line in lines
    ]


def assert_exact(order, lines):
    assert check_total(lines, order) == 0
    assert sum(line.total for line in lines) == order.grand_total.amount


# -- official sandbox examples ------------------------------------------------


@pytest.mark.parametrize(
    "mode", MODES, ids=lambda m: "-".join(f"{k}={v}" for k, v in m.items())
)
def test_sandbox_examples_sum_to_grand_total(mode):
    for raw in sandbox_orders().values():
        order = parse_order(raw)
        lines = compute_lines(order, **mode)
        assert_exact(order, lines)
        assert all(line.kind != "adjustment" for line in lines)
        products = [line for line in lines if line.kind == "product"]
        assert sum(line.quantity for line in products) == sum(
            i.quantity for i in order.items
        )


def test_sandbox_us_order_with_facilitator_tax():
    order = parse_order(sandbox_orders()["114-9876543-1234567"])
    lines = compute_lines(order, tax_included=False, facilitator_tax=True)
    assert summary(lines) == [
        ("product", "11498765431234", "1", "39.99", "0.00"),
        ("facilitator_tax", "11498765431234", "1", "10.00", "0.00"),
    ]
    assert facilitator_tax_total(order, facilitator_tax=True) == Decimal("10.00")
    assert facilitator_tax_total(order) == 0  # no MARKETPLACE_FACILITATOR marker
    lines = compute_lines(order, tax_included=False, facilitator_tax=False)
    assert summary(lines) == [("product", "11498765431234", "1", "39.99", "10.00")]
    assert_exact(order, lines)


def test_sandbox_jpy_order():
    order = parse_order(sandbox_orders()["250-1234567-8901234"])
    lines = compute_lines(order, tax_included=True, facilitator_tax=False)
    assert summary(lines) == [
        ("product", "25012345678901", "1", "5980", "0"),
        ("product", "25012345678902", "2", "6980", "0"),
    ]


def test_sandbox_gift_message_without_wrap_charge_goes_on_the_product():
    order = parse_order(sandbox_orders()["171-9876543-2109876"])
    (line,) = compute_lines(order, tax_included=True, facilitator_tax=False)
    assert line.description_extra.startswith("Gift wrap: STANDARD\nGift message: Feliz")


# -- hand-built orders ---------------------------------------------------------


def eur_multi_item_order(*, gross_amounts=False):
    """Amazon.de, 19 % VAT: two items, shipping, gift wrap, an item promotion (5.00)
    and a free-shipping promotion; grand total 82.97."""
    item_a = make_item(
        "A1",
        quantity=2,
        breakdowns=[
            breakdown("ITEM", "50.40"),
            breakdown("SHIPPING", "4.19"),
            breakdown("GIFT_WRAP", "2.52"),
            breakdown(
                "TAX",
                "10.06",
                ITEM="9.58",
                SHIPPING="0.80",
                GIFT_WRAP="0.48",
                DISCOUNT="-0.80",
            ),
            breakdown("DISCOUNT", "-4.20", ITEM="-4.20"),
        ],
        total="62.97",
        promotion={"breakdowns": [{"promotionId": "PROMO-5"}]},
    )
    item_a["fulfillment"]["packing"] = {
        "giftOption": {"giftMessage": "Happy birthday", "giftWrapLevel": "CLASSIC"}
    }
    item_b = make_item(
        "B1",
        breakdowns=[
            breakdown("ITEM", "16.81"),
            breakdown("SHIPPING", "4.19"),
            breakdown("TAX", "3.19", ITEM="3.19", SHIPPING="0.80", DISCOUNT="-0.80"),
            breakdown("DISCOUNT", "-4.19", SHIPPING="-4.19"),
        ],
        total="20.00",
        promotion={"breakdowns": [{"promotionId": "FREESHIP"}]},
    )
    return parse_order(make_order(items=[item_a, item_b], grand_total="82.97"))


def test_eur_tax_included_multi_item():
    order = eur_multi_item_order()
    lines = compute_lines(order, tax_included=True, facilitator_tax=False)
    assert summary(lines) == [
        ("product", "A1", "2", "29.99", "9.58"),
        ("shipping", "A1", "1", "4.99", "0.80"),
        ("gift_wrap", "A1", "1", "3.00", "0.48"),
        ("discount", "A1", "1", "-5.00", "-0.80"),
        ("product", "B1", "1", "20.00", "3.19"),
        ("shipping", "B1", "1", "4.99", "0.80"),
        ("shipping_discount", "B1", "1", "-4.99", "-0.80"),
    ]
    assert all(line.price_includes_tax for line in lines)
    assert_exact(order, lines)
    by_kind = {(line.kind, line.order_item_id): line for line in lines}
    assert by_kind["gift_wrap", "A1"].description_extra == (
        "Gift wrap: CLASSIC\nGift message: Happy birthday"
    )
    assert by_kind["product", "A1"].description_extra is None
    assert by_kind["discount", "A1"].description_extra == "Promotions: PROMO-5"
    assert by_kind["product", "A1"].sku == "SKU-A1"
    assert facilitator_tax_total(order) == 0


def test_eur_tax_excluded_multi_item():
    order = eur_multi_item_order()
    lines = compute_lines(order, tax_included=False, facilitator_tax=False)
    assert summary(lines) == [
        ("product", "A1", "2", "25.20", "9.58"),
        ("shipping", "A1", "1", "4.19", "0.80"),
        ("gift_wrap", "A1", "1", "2.52", "0.48"),
        ("discount", "A1", "1", "-4.20", "-0.80"),
        ("product", "B1", "1", "16.81", "3.19"),
        ("shipping", "B1", "1", "4.19", "0.80"),
        ("shipping_discount", "B1", "1", "-4.19", "-0.80"),
    ]
    assert_exact(order, lines)


def test_promotion_tax_is_shared_between_item_and_shipping_discounts():
    item = make_item(
        quantity=1,
        breakdowns=[
            breakdown("ITEM", "30.00"),
            breakdown("SHIPPING", "10.00"),
            breakdown("TAX", "6.40", ITEM="6.00", SHIPPING="2.00", DISCOUNT="-1.60"),
            breakdown("DISCOUNT", "-8.00", ITEM="-6.00", SHIPPING="-2.00"),
        ],
        total="38.40",
    )
    order = parse_order(make_order(items=[item], grand_total="38.40"))
    lines = compute_lines(order, tax_included=True, facilitator_tax=False)
    discounts = [line for line in lines if "discount" in line.kind]
    assert summary(discounts) == [
        ("discount", "10000000000001", "1", "-7.20", "-1.20"),
        ("shipping_discount", "10000000000001", "1", "-2.40", "-0.40"),
    ]
    assert_exact(order, lines)


def test_gross_amounts_give_the_same_lines():
    # The principal already holds its tax; TAX only states the part that is tax.
    item = make_item(
        breakdowns=[breakdown("ITEM", "23.80"), breakdown("TAX", "3.80")], total="23.80"
    )
    order = parse_order(make_order(items=[item], grand_total="23.80"))
    included = compute_lines(order, tax_included=True, facilitator_tax=False)
    excluded = compute_lines(order, tax_included=False, facilitator_tax=False)
    assert summary(included) == [("product", "10000000000001", "1", "23.80", "3.80")]
    assert summary(excluded) == [("product", "10000000000001", "1", "20.00", "3.80")]
    assert_exact(order, included)
    assert_exact(order, excluded)


def test_vat_included_shape_prices_lines_tax_included_with_amazons_vat():
    """ITEM includes the VAT, TAX gives its part (v0's ItemPrice / ItemTax): the
    product line is the price the buyer paid per unit, each line carries the VAT
    part Amazon states for it, and the lines add up to the grand total."""
    order = parse_order(make_order(items=[vat_included_item()], grand_total="69.76"))
    lines = compute_lines(order, tax_included=True, facilitator_tax=False)
    assert summary(lines) == [
        ("product", "10000000000001", "3", "23.99", "11.49"),
        ("shipping", "10000000000001", "1", "4.99", "0.80"),
        ("discount", "10000000000001", "1", "-7.20", "-1.15"),
    ]
    assert all(line.price_includes_tax and line.tax_stated for line in lines)
    assert_exact(order, lines)
    assert sum(line.tax_amount for line in lines) == Decimal("11.14")


def test_gbp_order():
    item = make_item(
        breakdowns=[
            breakdown("ITEM", "20.83", "GBP"),
            breakdown("SHIPPING", "2.49", "GBP"),
            breakdown("TAX", "4.66", "GBP", ITEM="4.16", SHIPPING="0.50"),
        ],
        total="27.98",
        currency="GBP",
        unit_price="24.99",
    )
    order = parse_order(make_order(items=[item], grand_total="27.98", currency="GBP"))
    assert order.currency == "GBP"
    lines = compute_lines(order, tax_included=True, facilitator_tax=False)
    assert summary(lines) == [
        ("product", "10000000000001", "1", "24.99", "4.16"),
        ("shipping", "10000000000001", "1", "2.99", "0.50"),
    ]
    assert_exact(order, lines)


def test_jpy_quantity_three_has_no_decimals():
    item = make_item(
        quantity=3,
        breakdowns=[breakdown("ITEM", "910", "JPY"), breakdown("TAX", "90", "JPY")],
        total="1000",
        currency="JPY",
    )
    order = parse_order(make_order(items=[item], grand_total="1000", currency="JPY"))
    included = compute_lines(order, tax_included=True, facilitator_tax=False)
    assert summary(included) == [
        ("product", "10000000000001", "2", "333", "60"),
        ("product", "10000000000001", "1", "334", "30"),
    ]
    excluded = compute_lines(order, tax_included=False, facilitator_tax=False)
    assert summary(excluded) == [
        ("product", "10000000000001", "2", "303", "60"),
        ("product", "10000000000001", "1", "304", "30"),
    ]
    assert_exact(order, included)
    assert_exact(order, excluded)


def test_quantity_three_awkward_rounding_is_split_into_two_lines():
    item = make_item(
        quantity=3,
        breakdowns=[breakdown("ITEM", "8.40"), breakdown("TAX", "1.60")],
        total="10.00",
    )
    order = parse_order(make_order(items=[item], grand_total="10.00"))
    lines = compute_lines(order, tax_included=True, facilitator_tax=False)
    assert summary(lines) == [
        ("product", "10000000000001", "2", "3.33", "1.07"),
        ("product", "10000000000001", "1", "3.34", "0.53"),
    ]
    assert_exact(order, lines)
    # Before tax, 8.40 divides by 3: one line.
    lines = compute_lines(order, tax_included=False, facilitator_tax=False)
    assert summary(lines) == [("product", "10000000000001", "3", "2.80", "1.60")]


def test_quantity_seven_rounding():
    item = make_item(
        quantity=7, breakdowns=[breakdown("ITEM", "100.00")], total="100.00"
    )
    order = parse_order(make_order(items=[item], grand_total="100.00"))
    lines = compute_lines(order, tax_included=True, facilitator_tax=False)
    assert summary(lines) == [
        ("product", "10000000000001", "3", "14.28", "0.00"),
        ("product", "10000000000001", "4", "14.29", "0.00"),
    ]
    assert_exact(order, lines)


def us_order(grand_total="48.59", tax_collections=None):
    extra = {"tax": {"taxCollections": tax_collections}} if tax_collections else {}
    item = make_item(
        breakdowns=[
            breakdown("ITEM", "39.99", "USD"),
            breakdown("SHIPPING", "5.00", "USD"),
            breakdown("TAX", "3.60", "USD", ITEM="3.20", SHIPPING="0.40"),
        ],
        total="48.59",
        currency="USD",
        **extra,
    )
    payload = make_order(items=[item], grand_total=grand_total, currency="USD")
    payload["salesChannel"]["marketplaceId"] = "ATVPDKIKX0DER"
    payload["recipient"]["deliveryAddress"]["countryCode"] = "US"
    return parse_order(payload)


def test_usd_facilitator_tax_in_grand_total():
    order = us_order()
    lines = compute_lines(order, tax_included=False, facilitator_tax=True)
    assert summary(lines) == [
        ("product", "10000000000001", "1", "39.99", "0.00"),
        ("shipping", "10000000000001", "1", "5.00", "0.00"),
        ("facilitator_tax", "10000000000001", "1", "3.60", "0.00"),
    ]
    assert_exact(order, lines)
    assert facilitator_tax_total(order, facilitator_tax=True) == Decimal("3.60")


def test_usd_facilitator_tax_outside_grand_total():
    order = us_order(grand_total="44.99")
    lines = compute_lines(order, tax_included=False, facilitator_tax=True)
    assert [line.kind for line in lines] == ["product", "shipping"]
    assert_exact(order, lines)
    assert facilitator_tax_total(order, facilitator_tax=True) == Decimal("3.60")


def test_usd_seller_collected_tax():
    order = us_order()
    lines = compute_lines(order, tax_included=False, facilitator_tax=False)
    assert summary(lines) == [
        ("product", "10000000000001", "1", "39.99", "3.20"),
        ("shipping", "10000000000001", "1", "5.00", "0.40"),
    ]
    assert_exact(order, lines)


def test_marketplace_facilitator_marker_applies_without_the_setting():
    order = us_order(
        tax_collections=[
            {"model": "MARKETPLACE_FACILITATOR", "responsibleParty": "Amazon"}
        ]
    )
    lines = compute_lines(order, tax_included=False, facilitator_tax=False)
    assert [line.kind for line in lines] == ["product", "shipping", "facilitator_tax"]
    assert lines[-1].description_extra == "Amazon"
    assert facilitator_tax_total(order) == Decimal("3.60")
    assert_exact(order, lines)


def test_pending_order_without_prices():
    payload = make_order(
        items=[make_item(quantity=2)], status="PENDING", grand_total=None
    )
    order = parse_order(payload)
    for mode in MODES:
        lines = compute_lines(order, **mode)
        assert summary(lines) == [("product", "10000000000001", "2", "0.00", "0.00")]
        assert check_total(lines, order) == 0
    assert facilitator_tax_total(order, facilitator_tax=True) == 0


def test_pending_order_with_unit_price_only():
    item = make_item(quantity=2, unit_price="12.50")
    order = parse_order(make_order(items=[item], status="PENDING", grand_total=None))
    lines = compute_lines(order, tax_included=True, facilitator_tax=False)
    assert summary(lines) == [("product", "10000000000001", "2", "12.50", "0.00")]
    assert check_total(lines, order) == 0


def test_check_total_reports_a_difference():
    order = eur_multi_item_order()
    lines = compute_lines(order, tax_included=True, facilitator_tax=False)
    assert check_total(lines[:-1], order) == Decimal("-4.99")


def test_check_total_without_grand_total_uses_item_totals():
    item = make_item(breakdowns=[breakdown("ITEM", "19.99")], total="19.99")
    order = parse_order(make_order(items=[item], grand_total=None))
    lines = compute_lines(order, tax_included=True, facilitator_tax=False)
    assert check_total(lines, order) == 0
    assert check_total([], order) == Decimal("19.99")


@pytest.mark.parametrize(
    ("grand_total", "tip_line"), [("21.99", True), ("19.99", False)]
)
def test_delivery_tip(grand_total, tip_line):
    payload = make_order()
    payload["proceeds"] = {
        "grandTotal": {"amount": grand_total, "currencyCode": "EUR"},
        "breakdowns": [breakdown("ITEM", "19.99"), breakdown("DELIVERY_TIP", "2.00")],
    }
    order = parse_order(payload)
    lines = compute_lines(order, tax_included=True, facilitator_tax=False)
    tips = [line for line in lines if line.kind == "other"]
    if tip_line:
        assert summary(tips) == [("other", None, "1", "2.00", "0.00")]
        assert tips[0].description_extra == "DELIVERY_TIP"
    else:
        assert not tips
    assert_exact(order, lines)


def test_unexplained_difference_becomes_an_adjustment_line(caplog):
    order = parse_order(
        make_order(items=None)
        | {"proceeds": {"grandTotal": {"amount": "25.00", "currencyCode": "EUR"}}}
    )
    with caplog.at_level(logging.WARNING):
        lines = compute_lines(order, tax_included=True, facilitator_tax=False)
    assert summary(lines)[-1] == ("adjustment", None, "1", "5.01", "0.00")
    assert_exact(order, lines)
    assert "302-0000000-0000001" in caplog.text
    for secret in PERSONAL_DATA:
        assert secret not in caplog.text


def test_cash_on_delivery_fee_and_other_charges():
    item = make_item(
        breakdowns=[
            breakdown("ITEM", "1000", "JPY"),
            breakdown("COD_FEE", "330", "JPY"),
            breakdown("OTHER", "100", "JPY"),
        ],
        total="1430",
        currency="JPY",
    )
    order = parse_order(make_order(items=[item], grand_total="1430", currency="JPY"))
    lines = compute_lines(order, tax_included=True, facilitator_tax=False)
    assert summary(lines) == [
        ("product", "10000000000001", "1", "1000", "0"),
        ("other", "10000000000001", "1", "330", "0"),
        ("other", "10000000000001", "1", "100", "0"),
    ]
    assert lines[1].description_extra == "Cash on delivery fee"
    assert_exact(order, lines)


def test_cancelled_item_keeps_a_zero_quantity_line():
    cancelled = make_item(
        "C1", quantity=0, breakdowns=[breakdown("ITEM", "0.00")], total="0.00"
    )
    kept = make_item("K1", breakdowns=[breakdown("ITEM", "19.99")], total="19.99")
    order = parse_order(make_order(items=[cancelled, kept], grand_total="19.99"))
    lines = compute_lines(order, tax_included=True, facilitator_tax=False)
    assert summary(lines) == [
        ("product", "C1", "0", "0.00", "0.00"),
        ("product", "K1", "1", "19.99", "0.00"),
    ]
    assert_exact(order, lines)


def test_line_total_follows_the_tax_mode():
    common = {
        "kind": "product",
        "order_item_id": "1",
        "sku": None,
        "quantity": Decimal(2),
        "price_unit": Decimal("10.00"),
        "tax_amount": Decimal("3.19"),
        "description_extra": None,
    }
    assert LineAmounts(**common, price_includes_tax=True).total == Decimal("20.00")
    assert LineAmounts(**common, price_includes_tax=False).total == Decimal("23.19")
