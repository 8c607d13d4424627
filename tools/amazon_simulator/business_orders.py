"""Amazon Business orders: the buyer's company, purchase order number and VAT
registration.

Their shape is that of the official Amazon.com.br business order of
``orders_2026-01-01.json`` (``171-2345678-9012345``: ``programs``
``AMAZON_BUSINESS``, ``buyer.buyerCompanyName``,
``buyer.buyerPurchaseOrderNumber``; the buyer's VAT registration as
``vat_registrations.py`` says).

:func:`business_order` makes the cases a test asks for by name: a domestic sale
(Amazon's VAT), a cross-border EU sale to a VAT-registered buyer (reverse charge:
Amazon's ``TAX`` is 0) and a buyer whose VAT number is not one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from .generator import (
    _ADDRESSES,
    _PEOPLE,
    CATALOGUE_SIZE,
    TAX_ADDED,
    recompute_order_proceeds,
)
from .marketplaces import Marketplace
from .money import amount_of, money
from .timeutil import iso
from .vat_registrations import buyer_registration, vat_number

_COMPANIES = ("Acme Trading", "Northwind Supplies", "Globex Services")


def business_order(
    generator,
    marketplace: Marketplace,
    now: datetime,
    *,
    buyer_country: str | None = None,
    vat: str | None = None,
    reverse_charge: bool = False,
) -> dict:
    """An Unshipped merchant business order of ``marketplace`` (tax on top of the
    amounts, as in Amazon's examples) from a buyer of ``buyer_country`` (the
    marketplace's by default) with VAT number ``vat`` (made up in the country's
    format by default). ``reverse_charge``: Amazon charges no VAT, ``TAX`` 0 (a
    cross-border EU sale to a VAT-registered business)."""
    rng = generator.rng
    country = buyer_country or marketplace.country
    cur = marketplace.currency
    sku = f"SKU-{rng.randrange(1, CATALOGUE_SIZE + 1):04d}"
    quantity = rng.choice((1, 2, 5))
    product = generator._product(sku, marketplace, True)
    unit = amount_of(product["price"]["unitPrice"])
    proceeds = generator._item_proceeds(
        marketplace, unit, quantity, Decimal(0), Decimal(0), Decimal(0), TAX_ADDED
    )
    if reverse_charge:
        _zero_tax(proceeds, cur)
    buyer = {
        "buyerName": rng.choice(_PEOPLE[country]),
        "buyerEmail": f"{rng.randrange(10**13, 10**14)}@marketplace.{marketplace.domain}",
        "buyerCompanyName": rng.choice(_COMPANIES),
        "buyerPurchaseOrderNumber": f"PO-{rng.randrange(10000, 99999)}",
    }
    street, city, region, postal = rng.choice(_ADDRESSES[country])
    address = {
        "name": buyer["buyerName"],
        "companyName": buyer["buyerCompanyName"],
        "addressLine1": street,
        "city": city,
        "stateOrRegion": region,
        "postalCode": postal,
        "countryCode": country,
        "addressType": "COMMERCIAL",
    }
    number = vat or vat_number(country, rng.randrange(10**8, 10**9))
    created = now - timedelta(minutes=30)
    order = {
        "orderId": generator._order_id(marketplace),
        "createdTime": iso(created),
        "lastUpdatedTime": iso(created + timedelta(minutes=5)),
        "programs": ["AMAZON_BUSINESS"],
        "salesChannel": {
            "channelName": "AMAZON",
            "marketplaceId": marketplace.marketplace_id,
            "marketplaceName": marketplace.name,
        },
        "buyer": buyer,
        "recipient": {"deliveryAddress": address},
        "tax": buyer_registration(buyer, address, number),
        "fulfillment": {
            "fulfillmentStatus": "UNSHIPPED",
            "fulfilledBy": "MERCHANT",
            "fulfillmentServiceLevel": "STANDARD",
            "shipByWindow": {
                "earliestDateTime": iso(created),
                "latestDateTime": iso(created + timedelta(days=2)),
            },
        },
        "orderItems": [
            {
                "orderItemId": generator._item_id(),
                "quantityOrdered": quantity,
                "product": product,
                "proceeds": proceeds,
                "fulfillment": {
                    "quantityFulfilled": 0,
                    "quantityUnfulfilled": quantity,
                },
            }
        ],
        "packages": [],
    }
    recompute_order_proceeds(order)
    return order


def _zero_tax(proceeds: dict, currency: str) -> None:
    """Amazon charges no VAT on the item: its ``TAX`` is 0, its total the rest."""
    breakdowns = [b for b in proceeds["breakdowns"] if b["type"] != "TAX"]
    total = sum(amount_of(b["subtotal"]) for b in breakdowns)
    breakdowns.append(
        {
            "type": "TAX",
            "subtotal": money(Decimal(0), currency),
            "detailedBreakdowns": [
                {"subtype": "ITEM", "value": money(Decimal(0), currency)}
            ],
        }
    )
    proceeds["breakdowns"] = breakdowns
    proceeds["proceedsTotal"] = money(total, currency)
