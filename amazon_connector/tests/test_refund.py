"""A refund's customer rows read into what its credit note holds (pure Python, no
database): every shape of refund Amazon writes in a V2 settlement, to the cent.

The rows are those of the V2 settlement flat file (Seller Central help: Refund,
ItemPrice, Principal, Tax, Shipping, Promotion...) and the Finances API v0
ChargeComponent charge types (Goodwill, RestockingFee, ReturnShipping; financesV0.json
in amzn/selling-partner-api-models)."""

from decimal import Decimal

import pytest

from ..amazon.refund import RefundRow, read_refund, refund_kind, unit_prices

ORDER = "302-1234567-1234567"


def row(description, amount, *, amount_type="ItemPrice", quantity=0, **values):
    values.setdefault("transaction_type", "Refund")
    values.setdefault("sku", "SKU-A")
    values.setdefault("order_item_code", "00000010000001")
    return RefundRow(
        amount_type=amount_type,
        amount_description=description,
        amount=Decimal(amount),
        quantity=quantity,
        **values,
    )


def test_partial_refund_of_one_unit_with_its_tax():
    refund = read_refund(
        ORDER,
        [
            row("Principal", "-20.92", quantity=1, adjustment_ref="A1"),
            row("Tax", "-3.98"),
        ],
    )
    assert refund.kind == "refund"
    assert refund.adjustment_ref == "A1"
    (item,) = refund.items
    assert (item.sku, item.order_item_code, item.quantity) == (
        "SKU-A",
        "00000010000001",
        1,
    )
    assert (item.principal, item.tax) == (Decimal("20.92"), Decimal("3.98"))
    assert refund.total == Decimal("24.90")


def test_restocking_fee_kept_reduces_the_refund():
    refund = read_refund(
        ORDER,
        [row("Principal", "-24.90", quantity=1), row("RestockingFee", "4.98")],
    )
    (item,) = refund.items
    assert item.restocking_fee == Decimal("-4.98")
    assert refund.total == Decimal("19.92")


def test_shipping_goodwill_gift_wrap_and_other_amounts():
    refund = read_refund(
        ORDER,
        [
            row("Shipping", "-4.12"),
            row("ShippingTax", "-0.78"),
            row("GiftWrap", "-2.00"),
            row("GiftWrapTax", "-0.38"),
            row("Goodwill", "-5.00"),
            row("ReturnShipping", "-3.10"),
        ],
    )
    (item,) = refund.items
    assert item.quantity == 0, "no units named: nothing came back"
    assert (item.shipping, item.shipping_tax) == (Decimal("4.12"), Decimal("0.78"))
    assert (item.gift_wrap, item.gift_wrap_tax) == (Decimal("2.00"), Decimal("0.38"))
    assert item.goodwill == Decimal("5.00")
    assert item.other == Decimal("3.10")
    assert refund.total == Decimal("15.38")


def test_promotions_taken_back_reduce_the_refund():
    refund = read_refund(
        ORDER,
        [
            row("Principal", "-24.90", quantity=1),
            row("Principal", "5.00", amount_type="Promotion"),
            row("Shipping", "1.00", amount_type="Promotion"),
        ],
    )
    (item,) = refund.items
    assert item.promotion == Decimal("-5.00")
    assert item.shipping_promotion == Decimal("-1.00")
    assert refund.total == Decimal("18.90")


def test_items_by_order_item_and_units_summed():
    refund = read_refund(
        ORDER,
        [
            row("Principal", "-10.00", quantity=1),
            row("Principal", "-30.00", quantity=2, sku="SKU-B", order_item_code="2"),
            row("Principal", "-10.00", quantity=1),
        ],
    )
    first, second = refund.items
    assert (first.sku, first.quantity, first.principal) == ("SKU-A", 2, Decimal(20))
    assert (second.sku, second.quantity, second.principal) == ("SKU-B", 2, Decimal(30))
    assert refund.total == Decimal("50.00")


@pytest.mark.parametrize(
    ("transaction_type", "kind"),
    [
        ("Refund", "refund"),
        ("Chargeback Refund", "chargeback"),
        ("A-to-z Guarantee Claim", "guarantee_claim"),
    ],
)
def test_kind_of_refund(transaction_type, kind):
    refund = read_refund(
        ORDER, [row("Principal", "-9.99", transaction_type=transaction_type)]
    )
    assert refund.kind == kind
    assert refund_kind([transaction_type, "Refund"]) == kind


def test_unit_prices_add_up_to_the_cent():
    assert unit_prices(Decimal("24.90"), 1) == [(1, Decimal("24.90"))]
    assert unit_prices(Decimal("10.00"), 3) == [
        (2, Decimal("3.33")),
        (1, Decimal("3.34")),
    ]
    assert unit_prices(Decimal("1000"), 3, 0) == [(2, Decimal(333)), (1, Decimal(334))]
    with pytest.raises(ValueError):
        unit_prices(Decimal("1.00"), 0)
