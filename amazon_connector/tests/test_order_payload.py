"""Parsing of Orders API v2026-01-01 orders (pure Python, no database).

The official sandbox examples of ``orders_2026-01-01.json`` are parsed as they are; the
models directory is found by ``amazon_simulator.models.shared_models_dir()``
(``AMAZON_SHARED_DIR``, ``../shared``, the download cache): the tests that need it skip,
saying so, when it cannot be had.
"""

import copy
import json
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from amazon_simulator.models import SharedModelsNotFound, shared_models_dir

from ..amazon.errors import AmazonDataError
from ..amazon.money import (
    CURRENCY_DECIMALS,
    MARKETPLACE_CURRENCIES,
    Money,
    parse_money,
    quantize,
)
from ..amazon.order_payload import (
    CONFIRMED_ORDER_STATUSES,
    COUNTRY_CODES,
    ENDED_ORDER_STATUSES,
    ORDER_STATUSES,
    PENDING_ORDER_STATUSES,
    TO_SHIP_ORDER_STATUSES,
    amazon_status_codes,
    parse_order,
)

MODEL_FILE = "orders_2026-01-01.json"


def models_dir() -> Path:
    """The official sp-api-models directory; the calling test skips, naming what is
    missing and how to provide it, when it cannot be had."""
    try:
        return shared_models_dir()
    except SharedModelsNotFound as error:
        pytest.skip(str(error))


def sandbox_orders() -> dict[str, dict]:
    """Every order of the official searchOrders and getOrder 200 examples, by id."""
    model = json.loads((models_dir() / MODEL_FILE).read_text(encoding="utf-8"))
    orders = {}
    for path in model["paths"].values():
        examples = path["get"]["responses"]["200"]["x-amzn-api-sandbox"]["static"]
        for example in examples:
            response = example["response"]
            found = response.get("orders") or [response["order"]]
            for order in found:
                orders[order["orderId"]] = order
    return orders


# -- hand-built payloads ------------------------------------------------------


def money(amount, currency="EUR"):
    return {"amount": str(amount), "currencyCode": currency}


def breakdown(kind, amount, currency="EUR", **details):
    """A proceeds breakdown; ``details`` are detailed breakdowns by subtype."""
    result = {"type": kind, "subtotal": money(amount, currency)}
    if details:
        result["detailedBreakdowns"] = [
            {"subtype": subtype, "value": money(value, currency)}
            for subtype, value in details.items()
        ]
    return result


def make_item(
    item_id="10000000000001",
    quantity=1,
    breakdowns=None,
    total=None,
    currency="EUR",
    unit_price=None,
    **extra,
):
    item = {
        "orderItemId": item_id,
        "quantityOrdered": quantity,
        "product": {
            "asin": "B000TEST01",
            "sellerSku": f"SKU-{item_id}",
            "title": "Mug",
        },
        "fulfillment": {"quantityFulfilled": 0, "quantityUnfulfilled": quantity},
    }
    if unit_price is not None:
        item["product"]["price"] = {"unitPrice": money(unit_price, currency)}
    if breakdowns is not None:
        item["proceeds"] = {"breakdowns": breakdowns}
        if total is not None:
            item["proceeds"]["proceedsTotal"] = money(total, currency)
    item.update(extra)
    return item


def make_order(
    items=None, grand_total=None, currency="EUR", status="UNSHIPPED", **extra
):
    """A valid merchant-fulfilled order on Amazon.de (buyer data made up)."""
    if items is None:
        items = [make_item(breakdowns=[breakdown("ITEM", "19.99")], total="19.99")]
        grand_total = "19.99"
    order = {
        "orderId": "302-0000000-0000001",
        "createdTime": "2026-05-04T10:00:00Z",
        "lastUpdatedTime": "2026-05-04T10:05:00Z",
        "programs": [],
        "salesChannel": {
            "channelName": "AMAZON",
            "marketplaceId": "A1PA6795UKMFR9",
            "marketplaceName": "Amazon.de",
        },
        "buyer": {
            "buyerName": "Erika Mustermann",
            "buyerEmail": "erika@marketplace.test",
        },
        "recipient": {
            "deliveryAddress": {
                "name": "Erika Mustermann",
                "addressLine1": "Heidestrasse 17",
                "city": "Koeln",
                "postalCode": "51147",
                "countryCode": "DE",
                "phone": "+49 221 1234567",
                "addressType": "RESIDENTIAL",
            }
        },
        "fulfillment": {
            "fulfillmentStatus": status,
            "fulfilledBy": "MERCHANT",
            "fulfillmentServiceLevel": "STANDARD",
            "shipByWindow": {
                "earliestDateTime": "2026-05-04T10:00:00Z",
                "latestDateTime": "2026-05-06T21:59:59Z",
            },
        },
        "orderItems": items,
    }
    if grand_total is not None:
        order["proceeds"] = {"grandTotal": money(grand_total, currency)}
    order.update(extra)
    return order


PERSONAL_DATA = ("Erika", "Mustermann", "Heidestrasse", "51147", "erika@", "1234567")


def assert_data_error(payload, field, match=None):
    """Parsing fails with an AmazonDataError naming the order and field, and no
    buyer data."""
    with pytest.raises(AmazonDataError) as caught:
        parse_order(payload)
    message = str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert caught.value.field.startswith(field), message
    assert field in message
    order_id = payload.get("orderId")
    if order_id:
        assert order_id in message
        assert caught.value.order_id == order_id
    if match:
        assert match in message
    for secret in PERSONAL_DATA:
        assert secret not in message
    return caught.value


# -- official sandbox examples ------------------------------------------------


def test_every_sandbox_example_parses():
    orders = sandbox_orders()
    assert len(orders) == 6, sorted(orders)
    for raw in orders.values():
        order = parse_order(raw)
        assert order.order_id == raw["orderId"]
        assert order.raw is raw
        assert order.items
        assert order.created_time.tzinfo is timezone.utc
        assert order.grand_total is not None
        assert order.currency == order.grand_total.currency


def test_sandbox_jp_fba_order():
    order = parse_order(sandbox_orders()["250-1234567-8901234"])
    assert order.marketplace_id == "A1VC38T7YXB528"
    assert order.marketplace_name == "Amazon.co.jp"
    assert order.seller_order_id == "JP-ORDER-2024-001"
    assert order.status == "shipped"
    assert order.fulfilled_by == "amazon"
    assert order.is_fulfilled_by_amazon
    assert order.is_prime and not order.is_business
    assert order.grand_total == Money(Decimal("19940"), "JPY")
    assert order.created_time == datetime(2024, 12, 25, 2, 30, tzinfo=timezone.utc)
    assert order.latest_ship_date == datetime(
        2024, 12, 25, 23, 59, 59, tzinfo=timezone.utc
    )
    assert order.earliest_delivery_date is None
    echo, fire = order.items
    assert (echo.sku, echo.asin, echo.quantity) == (
        "ECHO-DOT-4-JP-CHARCOAL",
        "B08C1W5N87",
        1,
    )
    assert echo.condition == "NEW"
    assert echo.promotion_ids == ("JP-WINTER-SALE-2024",)
    assert echo.programs == ("TRANSPARENCY",)
    assert echo.points_value == Money(Decimal("60"), "JPY")
    assert (
        fire.quantity == 2
        and fire.quantity_shipped == 2
        and fire.quantity_unshipped == 0
    )
    assert fire.unit_price == Money(Decimal("6980"), "JPY")
    assert fire.item == Money(Decimal("13960"), "JPY")
    assert fire.item_tax is None and fire.discount is None
    assert fire.serial_numbers == (
        "FTV4KMAXJP-2024-GHI123456789",
        "FTV4KMAXJP-2024-JKL987654321",
    )
    assert order.shipping_address.country_code == "JP"
    assert order.shipping_address.postal_code == "150-0002"
    assert order.buyer_email == "buyer-email@marketplace.amazon.co.jp"


def test_sandbox_uk_order_with_package():
    order = parse_order(sandbox_orders()["202-7654321-1098765"])
    assert order.fulfilled_by == "merchant"
    assert order.grand_total == Money(Decimal("34.99"), "GBP")
    address = order.shipping_address
    assert address.country_code == "GB"
    assert address.line1 == "45 Oak Avenue" and address.line2 == "Flat 2A"
    assert address.line3 is None  # the sandbox sends "", kept as None
    assert address.district == "Greater London"
    assert address.state_or_region == "England"
    assert address.phone == "+44 20 7946 0958"
    (package,) = order.packages
    assert package.package_reference_id == "UK-PKG-CONSUMER-2024-002"
    assert package.carrier == "DPD"
    assert package.tracking_number == "15501234567890123456"
    assert package.status == "IN_TRANSIT"
    assert package.detailed_status == "OUT_FOR_DELIVERY"
    assert package.ship_time == datetime(2024, 12, 25, 14, 0, tzinfo=timezone.utc)
    assert [(i.order_item_id, i.quantity) for i in package.items] == [
        ("20276543210987", 1)
    ]


def test_sandbox_br_business_order():
    order = parse_order(sandbox_orders()["171-2345678-9012345"])
    assert order.status == "unshipped"
    assert order.is_business and not order.is_prime
    assert order.programs == ("AMAZON_BUSINESS", "DELIVERY_BY_AMAZON")
    assert order.buyer_company == "Oliveira Tecnologia Ltda"
    assert order.buyer_po_number == "PO-BR-2024-5678"
    assert order.shipping_address.company == "Oliveira Tecnologia Ltda"
    assert order.shipping_address.address_type == "COMMERCIAL"
    assert order.grand_total == Money(Decimal("1599.90"), "BRL")
    # tax.taxRegistrations: the BUYER one only (MARKETPLACE and MERCHANT are not).
    (registration,) = order.buyer_tax_registrations
    assert registration.type == "VAT"
    assert registration.number == "1234567890"
    assert registration.address is None
    assert order.buyer_vat == "1234567890"
    assert order.buyer_legal_name == "Oliveira Tecnologia Ltda"


def test_sandbox_tr_order_business_registration_is_no_vat_number():
    """The TR example's BUYER registration is of type BUSINESS, with its address:
    parsed, but no VAT number."""
    order = parse_order(sandbox_orders()["028-1234567-8901234"])
    (registration,) = order.buyer_tax_registrations
    assert registration.type == "BUSINESS"
    assert registration.number == "TR1234567890"
    assert registration.address.city == "Istanbul"
    assert registration.address.country_code == "TR"
    assert order.buyer_vat is None
    assert order.buyer_legal_name == "Test company name"


def business_tax(*registrations):
    """``tax`` of an order, shaped like the BR and TR examples of
    orders_2026-01-01.json (the numbers are made up)."""
    return {"taxRegistrations": list(registrations)}


def test_buyer_vat_registration_preferred_and_blanks_removed():
    payload = make_order()
    payload["tax"] = business_tax(
        {"entityType": "MERCHANT", "taxRegistrationNumber": "DE999999999"},
        {
            "entityType": "BUYER",
            "taxRegistrationType": "BUSINESS",
            "taxRegistrationNumber": "HRB 1234",
            "legalName": "Register name",
        },
        {
            "entityType": "BUYER",
            "taxRegistrationType": "VAT",
            "taxRegistrationNumber": " FR 40 303 265 045 ",
            "legalName": "Mustermann SARL",
        },
    )
    order = parse_order(payload)
    assert [r.type for r in order.buyer_tax_registrations] == ["BUSINESS", "VAT"]
    assert order.buyer_vat == "FR40303265045"
    assert order.buyer_legal_name == "Mustermann SARL"


def test_order_without_tax_registrations_has_no_vat():
    order = parse_order(make_order())
    assert order.buyer_tax_registrations == ()
    assert order.buyer_vat is None and order.buyer_legal_name is None


def test_bad_tax_registrations_name_the_field():
    payload = make_order()
    payload["tax"] = {"taxRegistrations": {"entityType": "BUYER"}}
    assert_data_error(payload, "tax.taxRegistrations", "not an array")
    payload["tax"] = business_tax("FR40303265045")
    assert_data_error(payload, "tax.taxRegistrations[0]", "not an object")
    payload["tax"] = business_tax(
        {"entityType": "BUYER", "taxRegistrationNumber": 40303265045}
    )
    assert_data_error(
        payload, "tax.taxRegistrations[0].taxRegistrationNumber", "not a string"
    )
    payload["tax"] = business_tax(
        {"entityType": "BUYER", "taxRegistrationAddress": {"countryCode": "XX"}}
    )
    assert_data_error(
        payload,
        "tax.taxRegistrations[0].taxRegistrationAddress.countryCode",
        "country code",
    )


def test_sandbox_br_gift_order():
    order = parse_order(sandbox_orders()["171-9876543-2109876"])
    (item,) = order.items
    assert item.gift_wrap_level == "STANDARD"
    assert item.gift_message.startswith("Feliz Natal!")
    assert item.is_gift
    assert item.promotion_ids == ("BR-NATAL-2024",)
    assert item.quantity_unshipped == 1


def test_sandbox_tr_order_marketplace_facilitator():
    order = parse_order(sandbox_orders()["028-1234567-8901234"])
    assert order.currency == "TRY"
    assert order.programs == ()
    (item,) = order.items
    assert item.tax_collected_by_marketplace
    assert item.tax_responsible_party == "Amazon Services Europe S.a.r.L."
    assert item.item == Money(Decimal("125.00"), "TRY")
    assert item.unit_price == Money(Decimal("62.50"), "TRY")


def test_sandbox_us_order_tax_breakdown():
    order = parse_order(sandbox_orders()["114-9876543-1234567"])
    assert order.marketplace_id == "ATVPDKIKX0DER"
    assert order.buyer_name is None  # BUYER was not in includedData
    assert order.programs == ("IN_STORE_PICK_UP",)
    (item,) = order.items
    assert item.item == Money(Decimal("39.99"), "USD")
    assert item.item_tax == Money(Decimal("10.00"), "USD")
    assert item.proceeds_total == Money(Decimal("49.99"), "USD")
    assert not item.amounts_include_tax  # 39.99 + 10.00 = proceedsTotal
    assert not item.tax_collected_by_marketplace


def test_get_order_response_is_accepted():
    raw = sandbox_orders()["171-9876543-2109876"]
    assert parse_order({"order": raw}).order_id == "171-9876543-2109876"


# -- statuses, dates, structure ---------------------------------------------


@pytest.mark.parametrize(
    ("amazon_status", "status", "pending"),
    [
        ("PENDING_AVAILABILITY", "pending_availability", True),
        ("PENDING", "pending", True),
        ("UNSHIPPED", "unshipped", False),
        ("PARTIALLY_SHIPPED", "partially_shipped", False),
        ("SHIPPED", "shipped", False),
        ("CANCELLED", "canceled", False),
        ("UNFULFILLABLE", "unfulfillable", False),
        ("ON_HOLD_SOMEDAY", "on_hold_someday", False),
    ],
)
def test_status_mapping(amazon_status, status, pending):
    order = parse_order(make_order(status=amazon_status))
    assert order.status == status
    assert order.is_pending is pending
    assert order.is_canceled is (status == "canceled")


def test_order_statuses_are_amazons_in_the_official_model():
    model = json.loads((models_dir() / MODEL_FILE).read_text(encoding="utf-8"))
    enum = model["definitions"]["FulfillmentStatus"]["enum"]
    assert amazon_status_codes(ORDER_STATUSES) == enum
    for code in enum:
        status = parse_order(make_order(status=code)).status
        assert amazon_status_codes([status]) == [code]


def test_order_status_subsets_split_the_vocabulary():
    subsets = (PENDING_ORDER_STATUSES, CONFIRMED_ORDER_STATUSES, ENDED_ORDER_STATUSES)
    assert sorted(s for subset in subsets for s in subset) == sorted(ORDER_STATUSES)
    assert set(TO_SHIP_ORDER_STATUSES) < set(CONFIRMED_ORDER_STATUSES)
    for status in ORDER_STATUSES:
        order = parse_order(make_order(status=amazon_status_codes([status])[0]))
        assert order.is_pending is (status in PENDING_ORDER_STATUSES)
        assert order.is_confirmed is (status in CONFIRMED_ORDER_STATUSES)
        assert order.is_ended is (status in ENDED_ORDER_STATUSES)
        assert order.is_shipped is (status == "shipped")


def test_fulfilled_by_unknown_value_is_kept_lower_case():
    payload = make_order()
    payload["fulfillment"]["fulfilledBy"] = "PARTNER"
    assert parse_order(payload).fulfilled_by == "partner"


def test_dates_are_converted_to_aware_utc():
    payload = make_order(
        createdTime="2026-05-04T12:00:00+02:00",
        lastUpdatedTime="2026-05-04T10:05:00.123456789Z",
    )
    payload["fulfillment"]["deliverByWindow"] = {
        "latestDateTime": "2026-05-08T09:30:00"
    }
    order = parse_order(payload)
    assert order.created_time == datetime(2026, 5, 4, 10, 0, tzinfo=timezone.utc)
    assert order.last_updated_time == datetime(
        2026, 5, 4, 10, 5, 0, 123456, tzinfo=timezone.utc
    )
    assert order.latest_delivery_date == datetime(
        2026, 5, 8, 9, 30, tzinfo=timezone.utc
    )


def test_pending_order_without_buyer_address_or_prices():
    payload = make_order(
        items=[make_item(quantity=2)], status="PENDING", grand_total=None
    )
    del payload["buyer"], payload["recipient"]
    order = parse_order(payload)
    assert order.is_pending
    assert order.buyer_name is None and order.buyer_email is None
    assert order.shipping_address is None
    assert order.grand_total is None and order.currency is None
    (item,) = order.items
    assert item.quantity == 2
    assert item.unit_price is None and item.item is None and item.proceeds_total is None


def test_breakdowns_split_tax_and_discounts():
    item = make_item(
        quantity=2,
        breakdowns=[
            breakdown("ITEM", "50.40"),
            breakdown("SHIPPING", "4.19"),
            breakdown("GIFT_WRAP", "2.52"),
            breakdown("COD_FEE", "1.00"),
            breakdown(
                "TAX",
                "10.06",
                ITEM="9.58",
                SHIPPING="0.80",
                GIFT_WRAP="0.48",
                DISCOUNT="-0.80",
            ),
            breakdown("DISCOUNT", "-7.20", ITEM="-4.20", SHIPPING="-3.00"),
        ],
        total="60.97",
    )
    order = parse_order(make_order(items=[item], grand_total="60.97"))
    (item,) = order.items

    def eur(value):
        return Money(Decimal(value), "EUR")

    assert item.item == eur("50.40") and item.item_tax == eur("9.58")
    assert item.shipping == eur("4.19") and item.shipping_tax == eur("0.80")
    assert item.gift_wrap == eur("2.52") and item.gift_wrap_tax == eur("0.48")
    assert item.cod_fee == eur("1.00") and item.cod_fee_tax is None
    assert item.discount == eur("4.20")  # positive: the amount taken off
    assert item.shipping_discount == eur("3.00")
    assert item.discount_tax == eur("0.80")
    assert not item.amounts_include_tax


def test_tax_without_details_is_item_tax_and_gross_amounts_are_detected():
    # ITEM already includes its tax: the breakdowns only add up without TAX.
    item = make_item(
        breakdowns=[breakdown("ITEM", "23.80"), breakdown("TAX", "3.80")], total="23.80"
    )
    (parsed,) = parse_order(make_order(items=[item], grand_total="23.80")).items
    assert parsed.item_tax == Money(Decimal("3.80"), "EUR")
    assert parsed.amounts_include_tax


def vat_included_item(**changes):
    """Amazon.de, 19 % VAT, in the shape of v0's ItemPrice / ItemTax carried into
    v2026 (Amazon's Orders API migration guide maps ItemPrice to the ITEM breakdown,
    ItemTax to TAX; ShippingTax and PromotionDiscountTax to its SHIPPING and
    DISCOUNT details): ITEM, SHIPPING and DISCOUNT hold what the buyer paid, VAT
    included, TAX the VAT part of them, which proceedsTotal does not add again.
    3 x 23.99, shipping 4.99, a 7.20 promotion."""
    values = {
        "breakdowns": [
            breakdown("ITEM", "71.97"),
            breakdown("SHIPPING", "4.99"),
            breakdown("DISCOUNT", "-7.20", ITEM="-7.20"),
            breakdown("TAX", "11.14", ITEM="11.49", SHIPPING="0.80", DISCOUNT="-1.15"),
        ],
        "total": "69.76",
        "quantity": 3,
        **changes,
    }
    return make_item(**values)


def test_vat_included_shape_keeps_amazons_amounts_and_vat_parts():
    (item,) = parse_order(
        make_order(items=[vat_included_item()], grand_total="69.76")
    ).items

    def eur(value):
        return Money(Decimal(value), "EUR")

    assert item.amounts_include_tax
    assert item.item == eur("71.97") and item.item_tax == eur("11.49")
    assert item.shipping == eur("4.99") and item.shipping_tax == eur("0.80")
    assert item.discount == eur("7.20") and item.discount_tax == eur("1.15")
    assert item.proceeds_total == eur("69.76")


@pytest.mark.parametrize(
    ("breakdowns", "total", "match"),
    [
        # the VAT part larger than the amount it is part of
        (
            [breakdown("ITEM", "3.00"), breakdown("TAX", "5.00", ITEM="5.00")],
            "3.00",
            "TAX on ITEM (5.00) is larger than ITEM (3.00)",
        ),
        (
            [breakdown("ITEM", "3.00"), breakdown("TAX", "5.00")],
            "3.00",
            "TAX (5.00) is larger than the amounts it taxes (3.00)",
        ),
        (
            [
                breakdown("ITEM", "30.00"),
                breakdown("SHIPPING", "1.00"),
                breakdown("TAX", "5.50", ITEM="4.00", SHIPPING="1.50"),
            ],
            "31.00",
            "TAX on SHIPPING (1.50) is larger than SHIPPING (1.00)",
        ),
        (
            [
                breakdown("ITEM", "30.00"),
                breakdown("DISCOUNT", "-1.00"),
                breakdown("TAX", "3.00", ITEM="4.79", DISCOUNT="-1.79"),
            ],
            "29.00",
            "TAX on DISCOUNT (1.79) is larger than DISCOUNT (1.00)",
        ),
        # negative
        (
            [breakdown("ITEM", "23.80"), breakdown("TAX", "-3.80")],
            "23.80",
            "TAX -3.80 is negative",
        ),
        (
            [
                breakdown("ITEM", "23.80"),
                breakdown("SHIPPING", "4.99"),
                breakdown("TAX", "0.80", ITEM="-1.00", SHIPPING="1.80"),
            ],
            "28.79",
            "TAX on ITEM (-1.00) is negative",
        ),
    ],
)
def test_a_tax_that_cannot_be_the_items_is_refused(breakdowns, total, match):
    item = make_item(breakdowns=breakdowns, total=total)
    assert_data_error(
        make_order(items=[item], grand_total=total),
        "orderItems[10000000000001].proceeds.breakdowns",
        match,
    )


def test_a_tax_in_another_currency_is_refused():
    item = vat_included_item()
    item["proceeds"]["breakdowns"][3]["subtotal"]["currencyCode"] = "GBP"
    assert_data_error(
        make_order(items=[item], grand_total="69.76"),
        "orderItems[10000000000001].proceeds.breakdowns[3].subtotal",
        "currency GBP differs from the order currency EUR",
    )


def test_unknown_breakdown_type_counts_as_other():
    item = make_item(
        breakdowns=[breakdown("ITEM", "10.00"), breakdown("NEW_FEE", "0.50")],
        total="10.50",
    )
    (parsed,) = parse_order(make_order(items=[item], grand_total="10.50")).items
    assert parsed.other == Money(Decimal("0.50"), "EUR")


def test_order_level_delivery_tip_is_kept_apart():
    payload = make_order()
    payload["proceeds"]["breakdowns"] = [
        breakdown("ITEM", "19.99"),
        {**breakdown("DELIVERY_TIP", "2.00"), "status": "FINALIZED"},
    ]
    (charge,) = parse_order(payload).order_charges
    assert (charge.type, charge.amount.amount, charge.status) == (
        "DELIVERY_TIP",
        Decimal("2.00"),
        "FINALIZED",
    )


def test_aliases_and_associated_orders():
    payload = make_order(
        orderAliases=[{"aliasId": "SHOP-42", "aliasType": "SELLER_ORDER_ID"}],
        associatedOrders=[
            {
                "orderId": "302-0000000-0000000",
                "associationType": "REPLACEMENT_ORIGINAL_ID",
            }
        ],
    )
    order = parse_order(payload)
    assert order.seller_order_id == "SHOP-42"
    assert order.associated_orders == (
        ("302-0000000-0000000", "REPLACEMENT_ORIGINAL_ID"),
    )


def test_cancellation_fields():
    item = make_item(
        quantity=0,
        cancellation={
            "cancellationRequest": {
                "requester": "BUYER",
                "cancelReason": "Ordered twice",
            },
            "cancellationExecution": {
                "cancelledBy": "MERCHANT",
                "cancelReason": "Ordered twice",
            },
        },
    )
    order = parse_order(make_order(items=[item], status="CANCELLED"))
    (parsed,) = order.items
    assert parsed.is_cancelled and not parsed.has_cancellation_request
    assert parsed.cancelled_by == "MERCHANT"
    assert order.cancellation_reason == "Ordered twice"


def test_pending_cancellation_request():
    item = make_item(
        cancellation={
            "cancellationRequest": {"requester": "BUYER", "cancelReason": "late"}
        }
    )
    order = parse_order(make_order(items=[item]))
    assert order.has_cancellation_request
    assert order.cancellation_reason == "late"


def test_repr_keeps_buyer_data_out():
    payload = make_order()
    payload["orderItems"][0]["fulfillment"]["packing"] = {
        "giftOption": {"giftMessage": "Alles Gute, Erika"}
    }
    payload["tax"] = business_tax(
        {
            "entityType": "BUYER",
            "taxRegistrationType": "VAT",
            "taxRegistrationNumber": "DE123456789",
            "legalName": "Mustermann GmbH",
        }
    )
    order = parse_order(payload)
    text = repr(order)
    assert "302-0000000-0000001" in text
    for secret in (*PERSONAL_DATA, "DE123456789", "Mustermann GmbH"):
        assert secret not in text
    assert "DE123456789" not in repr(order.buyer_tax_registrations)


# -- validation errors ---------------------------------------------------------


def test_missing_order_id():
    payload = make_order()
    del payload["orderId"]
    error = assert_data_error(payload, "orderId", "is missing")
    assert error.order_id is None


@pytest.mark.parametrize("items", [None, []])
def test_order_without_items(items):
    payload = make_order()
    if items is None:
        del payload["orderItems"]
    else:
        payload["orderItems"] = items
    assert_data_error(payload, "orderItems", "no items")


def test_pending_order_without_items_is_refused_too():
    payload = make_order(status="PENDING", grand_total=None)
    payload["orderItems"] = []
    assert_data_error(payload, "orderItems")


@pytest.mark.parametrize(
    ("quantity", "problem"),
    [
        (-1, "negative"),
        (1.5, "not an integer"),
        ("2", "not an integer"),
        (True, "not an integer"),
        (None, "missing"),
    ],
)
def test_bad_quantity(quantity, problem):
    payload = make_order()
    payload["orderItems"][0]["quantityOrdered"] = quantity
    assert_data_error(payload, "orderItems[10000000000001].quantityOrdered", problem)


def test_bad_shipped_quantity():
    payload = make_order()
    payload["orderItems"][0]["fulfillment"]["quantityFulfilled"] = -2
    assert_data_error(
        payload, "orderItems[10000000000001].fulfillment.quantityFulfilled"
    )


def test_missing_item_id():
    payload = make_order()
    del payload["orderItems"][0]["orderItemId"]
    assert_data_error(payload, "orderItems[0].orderItemId", "is missing")


def test_repeated_item_id():
    payload = make_order()
    payload["orderItems"].append(copy.deepcopy(payload["orderItems"][0]))
    payload["proceeds"]["grandTotal"] = money("39.98")
    assert_data_error(payload, "orderItems", "repeats")


@pytest.mark.parametrize(
    ("grand_total", "problem"),
    [
        ({"amount": "12,34", "currencyCode": "EUR"}, "not a number"),
        ({"amount": "abc", "currencyCode": "EUR"}, "not a number"),
        ({"amount": "NaN", "currencyCode": "EUR"}, "not a finite number"),
        ({"amount": None, "currencyCode": "EUR"}, "amount is missing"),
        ({"amount": ["1"], "currencyCode": "EUR"}, "not a number"),
        ({"amount": "19.99"}, "currencyCode is missing"),
        ({"amount": "19.99", "currencyCode": ""}, "currencyCode is missing"),
        ({"amount": "19.99", "currencyCode": "XYZ"}, "unknown currency code"),
        ({"amount": "19.99", "currencyCode": "EURO"}, "unknown currency code"),
        ({"amount": "19.999", "currencyCode": "EUR"}, "more decimals than EUR"),
        ("19.99", "not an object"),
    ],
)
def test_malformed_money(grand_total, problem):
    payload = make_order()
    payload["proceeds"]["grandTotal"] = grand_total
    assert_data_error(payload, "proceeds.grandTotal", problem)


def test_jpy_amount_with_decimals_is_refused():
    item = make_item(
        breakdowns=[breakdown("ITEM", "10.5", "JPY")], total="10", currency="JPY"
    )
    payload = make_order(items=[item], grand_total="10", currency="JPY")
    assert_data_error(
        payload, "orderItems[10000000000001].proceeds.breakdowns[0].subtotal", "JPY"
    )


def test_currency_different_from_the_order_is_refused():
    item = make_item(
        breakdowns=[breakdown("ITEM", "19.99", "USD")], total="19.99", currency="USD"
    )
    payload = make_order(items=[item], grand_total="19.99")
    assert_data_error(
        payload,
        "orderItems[10000000000001].proceeds",
        "currency USD differs from the order currency EUR",
    )


def test_currency_is_checked_without_grand_total():
    item = make_item(
        unit_price="5.00",
        breakdowns=[breakdown("ITEM", "5.00", "GBP")],
        total="5.00",
    )
    payload = make_order(items=[item], grand_total=None)
    assert_data_error(payload, "orderItems[10000000000001].proceeds", "differs")


@pytest.mark.parametrize("country", ["XX", "DEU", "1A", "D"])
def test_unknown_country_code(country):
    payload = make_order()
    payload["recipient"]["deliveryAddress"]["countryCode"] = country
    assert_data_error(payload, "recipient.deliveryAddress.countryCode", "ISO 3166-1")


def test_lower_case_country_code_is_normalised():
    payload = make_order()
    payload["recipient"]["deliveryAddress"]["countryCode"] = "de"
    assert parse_order(payload).shipping_address.country_code == "DE"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("createdTime", "2026-13-01T00:00:00Z"),
        ("createdTime", "yesterday"),
        ("createdTime", "2026-05-04"),
        ("createdTime", None),
        ("lastUpdatedTime", 1714816800),
        ("lastUpdatedTime", "2026-05-04T25:00:00Z"),
    ],
)
def test_malformed_dates(field, value):
    payload = make_order()
    payload[field] = value
    assert_data_error(payload, field)


def test_malformed_window_date():
    payload = make_order()
    payload["fulfillment"]["shipByWindow"]["latestDateTime"] = "soon"
    assert_data_error(payload, "fulfillment.shipByWindow.latestDateTime", "ISO 8601")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (("fulfillment", "fulfillmentStatus"), "fulfillment.fulfillmentStatus"),
        (("fulfillment", "fulfilledBy"), "fulfillment.fulfilledBy"),
        (("salesChannel", "marketplaceId"), "salesChannel.marketplaceId"),
    ],
)
def test_missing_required_fields(path, field):
    payload = make_order()
    del payload[path[0]][path[1]]
    assert_data_error(payload, field, "is missing")


def test_package_with_unknown_item():
    payload = make_order(
        packages=[
            {
                "packageReferenceId": "1",
                "packageItems": [{"orderItemId": "999", "quantity": 1}],
            }
        ]
    )
    assert_data_error(payload, "packages[0].packageItems[0].orderItemId", "not an item")


def test_wrong_json_types():
    payload = make_order()
    payload["orderItems"] = {"orderItemId": "1"}
    assert_data_error(payload, "orderItems", "not an array")
    payload = make_order()
    payload["buyer"]["buyerName"] = {"first": "Erika"}
    assert_data_error(payload, "buyer.buyerName", "not a string")


def test_payload_must_be_an_object():
    with pytest.raises(AmazonDataError):
        parse_order(["not", "an", "order"])


# -- money helpers -------------------------------------------------------------


def test_currency_tables_cover_every_marketplace():
    assert MARKETPLACE_CURRENCIES <= set(CURRENCY_DECIMALS)
    assert CURRENCY_DECIMALS["JPY"] == 0
    assert all(CURRENCY_DECIMALS[c] == 2 for c in MARKETPLACE_CURRENCIES - {"JPY"})
    assert CURRENCY_DECIMALS["KWD"] == 3
    assert {"DE", "GB", "JP", "US", "XK"} <= COUNTRY_CODES and "UK" not in COUNTRY_CODES
    assert len(COUNTRY_CODES) == 250


def test_quantize_and_parse_money():
    assert quantize(Decimal("2.675"), "EUR") == Decimal("2.68")
    assert quantize(Decimal("1234.5"), "JPY") == Decimal("1235")
    assert parse_money(None, field="x", order_id="1") is None
    assert parse_money(
        {"amount": "5980.00", "currencyCode": "JPY"}, field="x", order_id="1"
    ) == Money(Decimal("5980"), "JPY")
    assert parse_money(
        {"amount": 7, "currencyCode": "eur"}, field="x", order_id="1"
    ) == Money(Decimal("7"), "EUR")
    with pytest.raises(AmazonDataError, match="differs"):
        parse_money(money("1.00"), field="x", order_id="1", expected_currency="GBP")
    with pytest.raises(AmazonDataError, match="Unknown currency"):
        quantize(Decimal(1), "ABC")
