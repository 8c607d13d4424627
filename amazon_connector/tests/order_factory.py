# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Hand-made Orders v2026-01-01 payloads for tests, shaped like Amazon's examples.

Amounts are strings like Amazon's; each item's breakdowns add up to its
``proceedsTotal`` and the items to ``proceeds.grandTotal``.
"""

import itertools
from datetime import datetime, timedelta, timezone
from decimal import Decimal

MARKETPLACES = {
    # code: (marketplace id, name, currency, country, tax rate, prices include tax)
    "DE": ("A1PA6795UKMFR9", "Amazon.de", "EUR", "DE", Decimal("19"), True),
    "FR": ("A13V1IB3VIYZZH", "Amazon.fr", "EUR", "FR", Decimal("20"), True),
    "UK": ("A1F83G8C2ARO7P", "Amazon.co.uk", "GBP", "GB", Decimal("20"), True),
    "JP": ("A1VC38T7YXB528", "Amazon.co.jp", "JPY", "JP", Decimal("10"), True),
    "US": ("ATVPDKIKX0DER", "Amazon.com", "USD", "US", Decimal("8.875"), False),
    "CA": ("A2EUQ1WTGCTBG2", "Amazon.ca", "CAD", "CA", Decimal("13"), False),
}
_ids = itertools.count(1)


def _money(amount, currency):
    decimals = 0 if currency == "JPY" else 2
    value = Decimal(amount).quantize(Decimal(1).scaleb(-decimals))
    return {"amount": str(value), "currencyCode": currency}


def _split(gross, rate, currency, included):
    """Return (net, tax) of an amount given tax included or not."""
    decimals = 0 if currency == "JPY" else 2
    step = Decimal(1).scaleb(-decimals)
    gross = Decimal(gross)
    if included:
        net = (gross / (1 + rate / 100)).quantize(step)
        return net, gross - net
    return gross, (gross * rate / 100).quantize(step)


def item(
    sku,
    quantity=1,
    price="10.00",
    *,
    shipping=None,
    gift_wrap=None,
    gift_message=None,
    discount=None,
    title=None,
    asin="B000TEST01",
    shipped=0,
    line_total=None,
    shipping_discount=None,
):
    """One item spec: ``price`` is the unit price as shown to the buyer.

    ``line_total`` is Amazon's ``ITEM`` amount when it is not ``price * quantity``
    (3 units for 10.00); ``shipping_discount`` a promotion on the shipping charge.
    """
    return {
        "sku": sku,
        "quantity": quantity,
        "price": Decimal(price),
        "shipping": Decimal(shipping) if shipping else None,
        "gift_wrap": Decimal(gift_wrap) if gift_wrap else None,
        "gift_message": gift_message,
        "discount": Decimal(discount) if discount else None,
        "title": title or f"Test product {sku}",
        "asin": asin,
        "shipped": shipped,
        "line_total": Decimal(line_total) if line_total else None,
        "shipping_discount": Decimal(shipping_discount) if shipping_discount else None,
    }


def order(
    items,
    *,
    marketplace="DE",
    status="UNSHIPPED",
    fulfilled_by="MERCHANT",
    order_id=None,
    created=None,
    updated=None,
    buyer_name="Erika Mustermann",
    buyer_email=None,
    street="Hauptstrasse 1",
    city="Berlin",
    postal_code="10115",
    country=None,
    state_or_region=None,
    programs=(),
    pending_without_prices=True,
    item_only=False,
    vat_included=False,
    facilitator=False,
    reporting_scheme=None,
):
    """A full v2026 order dict (every includedData block).

    ``item_only``: Amazon's other shape, one ``ITEM`` (and ``SHIPPING``...)
    breakdown per charge holding what the buyer paid and no ``TAX`` (sellers who do
    not use Amazon's VAT calculation). ``vat_included``: Amazon's third shape, v0's
    ``ItemPrice`` / ``ItemTax`` carried into v2026 (Amazon's Orders API migration
    guide maps ``ItemPrice`` to the ``ITEM`` breakdown and ``ItemTax`` to ``TAX``):
    ``ITEM``, ``SHIPPING``, ``DISCOUNT``... hold what the buyer paid, VAT included,
    ``TAX`` the VAT part of them (by ``detailedBreakdowns``), which
    ``proceedsTotal`` does not add again. ``facilitator``: the items carry
    Amazon's ``MARKETPLACE_FACILITATOR`` marker; ``reporting_scheme``: UOSS or
    IOSS."""
    mp_id, mp_name, currency, mp_country, rate, included = MARKETPLACES[marketplace]
    if vat_included and not included:
        raise ValueError(f"{mp_name} prices exclude the tax: no VAT to include")
    number = next(_ids)
    order_id = order_id or f"302-{number:07d}-{number * 7 % 10**7:07d}"
    created = created or datetime.now(timezone.utc) - timedelta(hours=1)
    updated = updated or created + timedelta(minutes=5)
    pending = status in ("PENDING", "PENDING_AVAILABILITY")
    order_items = []
    grand_total = Decimal(0)
    for index, spec in enumerate(items):
        qty = spec["quantity"]
        breakdowns = []
        taxes = []  # (subtype, tax) for the TAX breakdown's detailedBreakdowns
        total = Decimal(0)
        item_amount = spec.get("line_total") or spec["price"] * qty
        charges = [("ITEM", item_amount)]
        if spec["shipping"]:
            charges.append(("SHIPPING", spec["shipping"]))
        if spec["gift_wrap"]:
            charges.append(("GIFT_WRAP", spec["gift_wrap"]))
        for kind, gross in charges:
            net, tax = _split(gross, rate, currency, included)
            if item_only:
                net, tax = gross, Decimal(0)
            elif vat_included:
                net = gross  # the amount as paid; tax is the VAT part of it
            breakdowns.append({"type": kind, "subtotal": _money(net, currency)})
            total += net
            taxes.append((kind, tax))
        for key, subtype in (("discount", "ITEM"), ("shipping_discount", "SHIPPING")):
            if not spec.get(key):
                continue
            net, tax = _split(spec[key], rate, currency, included)
            if item_only:
                net, tax = spec[key], Decimal(0)
            elif vat_included:
                net = spec[key]
            breakdowns.append(
                {
                    "type": "DISCOUNT",
                    "subtotal": _money(-net, currency),
                    "detailedBreakdowns": [
                        {"subtype": subtype, "value": _money(-net, currency)}
                    ],
                }
            )
            total -= net
            taxes.append(("DISCOUNT", -tax))
        tax_total = sum((tax for _kind, tax in taxes), Decimal(0))
        if tax_total:
            breakdowns.append(
                {
                    "type": "TAX",
                    "subtotal": _money(tax_total, currency),
                    "detailedBreakdowns": [
                        {"subtype": kind, "value": _money(tax, currency)}
                        for kind, tax in taxes
                        if tax
                    ],
                }
            )
            if not vat_included:
                total += tax_total
        grand_total += total
        line = {
            "orderItemId": f"{number:07d}{index:07d}",
            "quantityOrdered": qty,
            "product": {
                "asin": spec["asin"],
                "title": spec["title"],
                "sellerSku": spec["sku"],
                "condition": {"conditionType": "NEW", "conditionSubtype": "NEW"},
            },
            "fulfillment": {
                "quantityFulfilled": spec["shipped"],
                "quantityUnfulfilled": qty - spec["shipped"],
            },
        }
        if spec["gift_message"]:
            line["fulfillment"]["packing"] = {
                "giftOption": {
                    "giftMessage": spec["gift_message"],
                    "giftWrapLevel": "Classic",
                }
            }
        if facilitator or reporting_scheme:
            line["tax"] = {}
            if facilitator:
                line["tax"]["taxCollections"] = [
                    {
                        "model": "MARKETPLACE_FACILITATOR",
                        "responsibleParty": "Amazon Services, Inc.",
                    }
                ]
            if reporting_scheme:
                line["tax"]["taxCalculationBreakdowns"] = [
                    {"reportingScheme": reporting_scheme}
                ]
        if spec["discount"] or spec.get("shipping_discount"):
            line["promotion"] = {
                "breakdowns": [{"promotionId": f"PROMO-{number}-{index}"}]
            }
        if not (pending and pending_without_prices):
            line["product"]["price"] = {"unitPrice": _money(spec["price"], currency)}
            line["proceeds"] = {
                "proceedsTotal": _money(total, currency),
                "breakdowns": breakdowns,
            }
        order_items.append(line)
    payload = {
        "orderId": order_id,
        "createdTime": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "lastUpdatedTime": updated.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "programs": list(programs),
        "salesChannel": {
            "channelName": "AMAZON",
            "marketplaceId": mp_id,
            "marketplaceName": mp_name,
        },
        "fulfillment": {
            "fulfillmentStatus": status,
            "fulfilledBy": fulfilled_by,
            "fulfillmentServiceLevel": "STANDARD",
            "shipByWindow": {
                "earliestDateTime": (created + timedelta(days=1)).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),
                "latestDateTime": (created + timedelta(days=2)).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),
            },
        },
        "orderItems": order_items,
    }
    if not (pending and pending_without_prices):
        payload["proceeds"] = {"grandTotal": _money(grand_total, currency)}
    if not pending:
        payload["buyer"] = {
            "buyerName": buyer_name,
            "buyerEmail": buyer_email or f"buyer{number}@marketplace.amazon.test",
        }
        address = {
            "name": buyer_name,
            "addressLine1": street,
            "city": city,
            "postalCode": postal_code,
            "countryCode": country or mp_country,
            "addressType": "RESIDENTIAL",
        }
        if state_or_region:
            address["stateOrRegion"] = state_or_region
        payload["recipient"] = {"deliveryAddress": address}
    return payload


def pending_version(payload, *, updated=None):
    """``payload`` as Amazon shows it while Pending: no buyer, address or prices."""
    pending = {
        key: value
        for key, value in payload.items()
        if key not in ("buyer", "recipient", "proceeds")
    }
    pending["fulfillment"] = {**payload["fulfillment"], "fulfillmentStatus": "PENDING"}
    pending["orderItems"] = [
        {
            **line,
            "product": {k: v for k, v in line["product"].items() if k != "price"},
        }
        for line in payload["orderItems"]
    ]
    for line in pending["orderItems"]:
        line.pop("proceeds", None)
    if updated:
        pending["lastUpdatedTime"] = updated.strftime("%Y-%m-%dT%H:%M:%SZ")
    return pending


def with_status(payload, status, *, updated, shipped=None):
    """A copy of ``payload`` moved to ``status`` at ``updated``."""
    moved = {
        **payload,
        "fulfillment": {**payload["fulfillment"], "fulfillmentStatus": status},
        "lastUpdatedTime": updated.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if shipped is not None:
        moved["orderItems"] = [
            {
                **line,
                "fulfillment": {
                    "quantityFulfilled": shipped,
                    "quantityUnfulfilled": line["quantityOrdered"] - shipped,
                },
            }
            for line in payload["orderItems"]
        ]
    return moved
