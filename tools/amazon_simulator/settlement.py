"""GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2 built from shipped orders.

Tab-separated, a header row, one summary row (settlement-id, dates, total-amount,
currency), then one row per amount. The amounts sum exactly to total-amount. EU
marketplaces write decimals with a comma when asked, Japan encodes the file in cp932.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .marketplaces import Marketplace
from .money import amount_of, local_format, quantize
from .timeutil import parse_iso

REPORT_TYPE = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"

COLUMNS = (
    "settlement-id",
    "settlement-start-date",
    "settlement-end-date",
    "deposit-date",
    "total-amount",
    "currency",
    "transaction-type",
    "order-id",
    "merchant-order-id",
    "adjustment-id",
    "shipment-id",
    "marketplace-name",
    "amount-type",
    "amount-description",
    "amount",
    "fulfillment-id",
    "posted-date",
    "posted-date-time",
    "order-item-code",
    "merchant-order-item-id",
    "merchant-adjustment-item-id",
    "sku",
    "quantity-purchased",
    "promotion-id",
)

COMMISSION_RATE = Decimal("0.15")
REFUND_COMMISSION_RATE = Decimal("0.20")
_FBA_FEE = {"JPY": Decimal("400")}
_SUBSCRIPTION = {"JPY": Decimal("4900"), "USD": Decimal("39.99")}
_SUBSCRIPTION_TEXT = {"JP": "月額登録料"}


@dataclass
class Settlement:
    settlement_id: str
    marketplace: Marketplace
    content: bytes
    total: Decimal
    rows: list[dict]


def _date_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC")


def build_settlement(
    orders: list[dict],
    marketplace: Marketplace,
    *,
    settlement_id: str,
    start: datetime,
    end: datetime,
    deposit_date: datetime,
    rng: random.Random,
    refund_share: float = 0.2,
    decimal_comma: bool | None = None,
) -> Settlement:
    """The settlement file of ``orders`` (shipped ones with prices are used)."""
    currency = marketplace.currency
    comma = marketplace.decimal_comma if decimal_comma is None else decimal_comma
    rows: list[dict] = []

    def add(
        transaction: str,
        order: dict | None,
        amount_type: str,
        description: str,
        amount: Decimal,
        **extra,
    ) -> None:
        posted = parse_iso(order["lastUpdatedTime"]) if order else end
        row = {
            "transaction-type": transaction,
            "order-id": order["orderId"] if order else "",
            "marketplace-name": marketplace.name if order else "",
            "amount-type": amount_type,
            "amount-description": description,
            "amount": quantize(amount, currency),
            "fulfillment-id": (
                ("AFN" if order["fulfillment"]["fulfilledBy"] == "AMAZON" else "MFN")
                if order
                else ""
            ),
            "posted-date": posted.strftime("%Y-%m-%d"),
            "posted-date-time": _date_time(posted),
        }
        row.update(extra)
        rows.append(row)

    for order in orders:
        if order.get("fulfillment", {}).get("fulfillmentStatus") != "SHIPPED":
            continue
        refunded = rng.random() < refund_share
        adjustment_id = f"{rng.randrange(10**11, 10**12)}"
        for item in order["orderItems"]:
            if "proceeds" not in item:
                continue
            _item_rows(add, order, item, currency, marketplace, refunded, adjustment_id)
    add(
        "ServiceFee",
        None,
        "other-transaction",
        _SUBSCRIPTION_TEXT.get(marketplace.code, "Subscription Fee"),
        -_SUBSCRIPTION.get(currency, Decimal("39.00")),
    )
    total = sum((row["amount"] for row in rows), Decimal(0))
    content = _render(
        rows, settlement_id, start, end, deposit_date, total, marketplace, comma
    )
    return Settlement(settlement_id, marketplace, content, total, rows)


def _item_rows(add, order, item, currency, marketplace, refunded, adjustment_id):
    by_type = {b["type"]: b for b in item["proceeds"]["breakdowns"]}

    def value(kind: str) -> Decimal:
        return amount_of(by_type[kind]["subtotal"]) if kind in by_type else Decimal(0)

    line = {
        "order-item-code": item["orderItemId"],
        "sku": item["product"].get("sellerSku", ""),
    }
    quantity = str(item["quantityOrdered"])
    add(
        "Order",
        order,
        "ItemPrice",
        "Principal",
        value("ITEM"),
        **line,
        **{"quantity-purchased": quantity},
    )
    for kind, description in (
        ("TAX", "Tax"),
        ("SHIPPING", "Shipping"),
        ("GIFT_WRAP", "GiftWrap"),
    ):
        if kind in by_type:
            add("Order", order, "ItemPrice", description, value(kind), **line)
    if "DISCOUNT" in by_type:
        promotions = item.get("promotion", {}).get("breakdowns", [])
        promotion_id = promotions[0]["promotionId"] if promotions else ""
        add(
            "Order",
            order,
            "Promotion",
            "Principal",
            value("DISCOUNT"),
            **line,
            **{"promotion-id": promotion_id},
        )
    if marketplace.code == "US" and "TAX" in by_type:
        add(
            "Order",
            order,
            "ItemWithheldTax",
            "MarketplaceFacilitatorTax-Principal",
            -value("TAX"),
            **line,
        )
    commission = quantize(
        (value("ITEM") + value("SHIPPING") + value("GIFT_WRAP") + value("DISCOUNT"))
        * COMMISSION_RATE,
        currency,
    )
    add("Order", order, "ItemFees", "Commission", -commission, **line)
    if order["fulfillment"]["fulfilledBy"] == "AMAZON":
        fee = _FBA_FEE.get(currency, Decimal("2.70")) * item["quantityOrdered"]
        add("Order", order, "ItemFees", "FBAPerUnitFulfillmentFee", -fee, **line)
    if refunded:
        refund = {**line, "adjustment-id": adjustment_id}
        add("Refund", order, "ItemPrice", "Principal", -value("ITEM"), **refund)
        if "TAX" in by_type:
            add("Refund", order, "ItemPrice", "Tax", -value("TAX"), **refund)
        add("Refund", order, "ItemFees", "Commission", commission, **refund)
        add(
            "Refund",
            order,
            "ItemFees",
            "RefundCommission",
            -quantize(commission * REFUND_COMMISSION_RATE, currency),
            **refund,
        )


def _render(rows, settlement_id, start, end, deposit_date, total, marketplace, comma):
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL
    )
    writer.writerow(COLUMNS)
    summary = dict.fromkeys(COLUMNS, "")
    summary.update(
        {
            "settlement-id": settlement_id,
            "settlement-start-date": _date_time(start),
            "settlement-end-date": _date_time(end),
            "deposit-date": _date_time(deposit_date),
            "total-amount": local_format(total, marketplace.currency, comma),
            "currency": marketplace.currency,
        }
    )
    writer.writerow([summary[c] for c in COLUMNS])
    for row in rows:
        values = dict.fromkeys(COLUMNS, "")
        values["settlement-id"] = settlement_id
        values.update(row)
        values["amount"] = local_format(row["amount"], marketplace.currency, comma)
        writer.writerow([values[c] for c in COLUMNS])
    return buffer.getvalue().encode(marketplace.encoding)
