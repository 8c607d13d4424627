"""GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2 built from shipped orders.

Tab-separated and unquoted (no tab or line break inside a cell), a header row, one
summary row (settlement-id, dates, total-amount, currency), then one row per amount,
as Amazon writes it for the marketplace (:class:`~.marketplaces.Marketplace`):

- dates ``2026-11-02 10:00:00 UTC`` (America), ``02.11.2026 10:00:00 UTC``
  (continental Europe), ``02/11/2026 10:00:00 UTC`` (the United Kingdom, day first),
  ``2026/11/02 19:00:00 JST`` (Japan, in Japanese time); posted-date is the date
  alone, posted-date-time the date-time;
- amounts with the marketplace's decimal mark and, from 1000 on, its thousands
  grouping (``1.234,56``, ``1,234.56``, yen without decimals: ``1,980``);
- the file in the marketplace's encoding (cp932 in Japan).

Per shipped order: ItemPrice (Principal, Tax, Shipping, ShippingTax, GiftWrap,
GiftWrapTax), Promotion, in the US the ItemWithheldTax of the marketplace facilitator
tax, ItemFees (Commission, FBAPerUnitFulfillmentFee for FBA orders), a shipping label
for merchant-fulfilled orders, and for some orders a Refund with its adjustment-id.
Then the settlement's own amounts: the previous reserve released and the current one
held, the digital services fee (the United Kingdom, France, Italy, Spain), the cost
of advertising and the subscription, the last row.

The amounts sum exactly to total-amount, unless ``unbalanced`` asks for a total 1
off.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
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

#: ``advertising=AUTO`` (the default): a cost of advertising in proportion to sales.
AUTO = "auto"

COMMISSION_RATE = Decimal("0.15")
REFUND_COMMISSION_RATE = Decimal("0.20")
_FBA_FEE = {"JPY": Decimal("400")}
#: How long after the sale the refunds are posted (at the latest the end).
_REFUND_DELAY = timedelta(days=3)

#: The settlement-level rows: (transaction-type, amount-type, amount-description).
PREVIOUS_RESERVE = (
    "other-transaction",
    "other-transaction",
    "Previous Reserve Amount Balance",
)
CURRENT_RESERVE = ("other-transaction", "other-transaction", "Current Reserve Amount")
ADVERTISING = ("ServiceFee", "Cost of Advertising", "TransactionTotalAmount")
SHIPPING_LABEL = ("other-transaction", "other-transaction", "Shipping label purchase")
DIGITAL_SERVICES_FEE = ("other-transaction", "other-transaction", "DigitalServicesFee")
#: ``unknown_amount_type``: an amount type no mapping knows.
UNKNOWN = ("other-transaction", "Mystery Adjustment", "Something new")

_DATE_FORMATS = {
    "iso": "%Y-%m-%d",
    "dotted": "%d.%m.%Y",
    "day_first": "%d/%m/%Y",
    "japanese": "%Y/%m/%d",
}
_SETTLEMENT_ID = re.compile(r"^\d+$")
_CELL_BREAKS = re.compile(r"[\t\r\n]+")


@dataclass
class Settlement:
    """What was written: ``total`` is the file's total-amount, ``rows`` its amount
    rows in order, by column name with parsed values: ``amount`` a Decimal,
    ``quantity-purchased`` an int, ``posted-date`` the date written (local),
    ``posted-at`` the aware UTC datetime, and ``posted-date-time`` that time in UTC
    as ``2026-11-05 08:15:00 UTC`` whatever the file's format. ``adjustment-id``
    and ``promotion-id`` are there only when the row has one. ``start``, ``end`` and
    ``deposit_date`` are the summary's dates (UTC, whole seconds)."""

    settlement_id: str
    marketplace: Marketplace
    content: bytes
    total: Decimal
    rows: list[dict]
    start: datetime | None = None
    end: datetime | None = None
    deposit_date: datetime | None = None
    options: dict = field(default_factory=dict)

    @property
    def rows_total(self) -> Decimal:
        return sum((row["amount"] for row in self.rows), Decimal(0))

    @property
    def difference(self) -> Decimal:
        """total-amount minus the sum of the rows: 0 unless ``unbalanced``."""
        return self.total - self.rows_total

    @property
    def balanced(self) -> bool:
        return self.difference == 0


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).replace(microsecond=0)


def _local(value: datetime, marketplace: Marketplace) -> datetime:
    offset = timezone(timedelta(hours=marketplace.settlement_utc_offset))
    return value.astimezone(offset)


def local_date(value: datetime, marketplace: Marketplace) -> str:
    """The date of ``value`` as the marketplace's posted-date column writes it."""
    style = _DATE_FORMATS[marketplace.settlement_date_style]
    return _local(value, marketplace).strftime(style)


def local_date_time(value: datetime, marketplace: Marketplace) -> str:
    """``value`` as the marketplace's settlement file writes a date-time
    (``02.11.2026 10:00:00 UTC``, ``2026/11/02 19:00:00 JST``...)."""
    style = _DATE_FORMATS[marketplace.settlement_date_style]
    local = _local(value, marketplace)
    return local.strftime(f"{style} %H:%M:%S ") + marketplace.settlement_time_zone


def utc_date_time(value: datetime) -> str:
    """The canonical form the rows keep: ``2026-11-05 08:15:00 UTC``."""
    return _utc(value).strftime("%Y-%m-%d %H:%M:%S UTC")


def _scaled(marketplace: Marketplace, eur: str) -> Decimal:
    """An amount of ``eur`` euros in the marketplace's currency."""
    return quantize(Decimal(eur) * Decimal(marketplace.eur_rate), marketplace.currency)


def _advertising_cost(value) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"advertising must be an amount or None, not {value!r}")
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise ValueError(f"advertising {value!r} is not an amount") from None


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
    reserve: bool = True,
    advertising: Decimal | str | None = AUTO,
    unknown_amount_type: bool = False,
    negative: bool = False,
    unbalanced: bool = False,
) -> Settlement:
    """The settlement file of ``orders`` (shipped ones with prices are used).

    ``refund_share``: the share of orders refunded; ``decimal_comma``: the decimal
    mark (None: the marketplace's); ``reserve``: the previous reserve released and
    the current one held; ``advertising``: the cost of advertising charged (AUTO: in
    proportion to sales, None or 0: no row); ``unknown_amount_type``: one row of an
    amount type no mapping knows; ``negative``: a cost of advertising big enough to
    make the total negative; ``unbalanced``: a total-amount 1 more than the rows.
    """
    if not isinstance(settlement_id, str) or not _SETTLEMENT_ID.match(settlement_id):
        raise ValueError(f"settlement_id {settlement_id!r} is not a string of digits")
    if not 0 <= refund_share <= 1:
        raise ValueError(f"refund_share {refund_share!r} is not between 0 and 1")
    cost = rng_cost = None
    if advertising == AUTO:
        rng_cost = Decimal(str(round(rng.uniform(0.03, 0.08), 4)))
    else:
        cost = _advertising_cost(advertising)
    currency = marketplace.currency
    comma = marketplace.decimal_comma if decimal_comma is None else decimal_comma
    start, end, deposit_date = _utc(start), _utc(end), _utc(deposit_date)
    rows: list[dict] = []

    def row(
        kind: tuple[str, str, str],
        amount: Decimal,
        order: dict | None = None,
        posted: datetime | None = None,
        **extra,
    ) -> dict:
        transaction, amount_type, description = kind
        posted = _utc(posted or end)
        values = {
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
            "posted-date": _local(posted, marketplace).date(),
            "posted-date-time": utc_date_time(posted),
            "posted-at": posted,
        }
        values.update(extra)
        return values

    for order in orders:
        if order.get("fulfillment", {}).get("fulfillmentStatus") != "SHIPPED":
            continue
        items = [item for item in order["orderItems"] if "proceeds" in item]
        if not items:
            continue
        posted = min(_utc(parse_iso(order["lastUpdatedTime"])), end)
        refunded = rng.random() < refund_share
        adjustment_id = f"{rng.randrange(10**13, 10**14)}"
        refund_posted = max(posted, min(posted + _REFUND_DELAY, end))
        for item in items:
            for kind, amount, extra in _item_amounts(order, item, marketplace):
                rows.append(row(kind, amount, order, posted, **extra))
        if order["fulfillment"]["fulfilledBy"] == "MERCHANT":
            label = quantize(
                Decimal(str(round(rng.uniform(3.2, 8.9), 2)))
                * Decimal(marketplace.eur_rate),
                currency,
            )
            rows.append(row(SHIPPING_LABEL, -label, order, posted))
        if refunded:
            for item in items:
                for kind, amount, extra in _refund_amounts(order, item, marketplace):
                    extra = {"adjustment-id": adjustment_id, **extra}
                    rows.append(row(kind, amount, order, refund_posted, **extra))

    sales = sum(
        (
            r["amount"]
            for r in rows
            if (r["transaction-type"], r["amount-type"], r["amount-description"])
            == ("Order", "ItemPrice", "Principal")
        ),
        Decimal(0),
    )
    fees = sum(
        (r["amount"] for r in rows if r["amount-type"] == "ItemFees"), Decimal(0)
    )
    before: list[dict] = []  # the settlement's rows before the advertising
    after: list[dict] = []
    if reserve:
        held = max(
            quantize(sales * Decimal(str(round(rng.uniform(0.05, 0.15), 4))), currency),
            _scaled(marketplace, "10"),
        )
        released = quantize(
            held * Decimal(str(round(rng.uniform(0.7, 1.3), 4))), currency
        )
        before.append(row(PREVIOUS_RESERVE, released, posted=start))
        after.append(row(CURRENT_RESERVE, -held))
    if marketplace.digital_services_fee_rate and fees:
        rate = Decimal(marketplace.digital_services_fee_rate)
        before.append(row(DIGITAL_SERVICES_FEE, quantize(fees * rate, currency)))
    if unknown_amount_type:
        after.insert(0, row(UNKNOWN, -_scaled(marketplace, "2.50")))
    after.append(
        row(
            (
                "other-transaction",
                "other-transaction",
                marketplace.subscription_description,
            ),
            -Decimal(marketplace.subscription_fee),
        )
    )
    if rng_cost is not None:
        cost = max(quantize(sales * rng_cost, currency), _scaled(marketplace, "5"))
    charge = -quantize(cost, currency) if cost else None
    if negative:
        others = sum((r["amount"] for r in (*rows, *before, *after)), Decimal(0))
        needed = -(others + _scaled(marketplace, "250"))
        charge = needed if charge is None else min(charge, needed)
    rows.extend(before)
    if charge is not None:
        rows.append(row(ADVERTISING, charge))
    rows.extend(after)

    total = sum((r["amount"] for r in rows), Decimal(0))
    if unbalanced:
        total += 1
    content = _render(
        rows, settlement_id, start, end, deposit_date, total, marketplace, comma
    )
    options = {
        "refund_share": refund_share,
        "decimal_comma": comma,
        "reserve": reserve,
        "advertising": None if charge is None else -charge,
        "unknown_amount_type": unknown_amount_type,
        "negative": negative,
        "unbalanced": unbalanced,
    }
    return Settlement(
        settlement_id,
        marketplace,
        content,
        total,
        rows,
        start=start,
        end=end,
        deposit_date=deposit_date,
        options=options,
    )


def _tax_included(item: dict, by_type: dict) -> bool:
    """Whether the item's amounts already include its ``TAX`` (the breakdowns add
    up to ``proceedsTotal`` without it: the generator's TAX_INCLUDED shape)."""
    tax = by_type.get("TAX")
    if tax is None or not amount_of(tax["subtotal"]):
        return False
    total = sum(
        amount_of(b["subtotal"])
        for b in item["proceeds"]["breakdowns"]
        if b["type"] != "TAX"
    )
    return total == amount_of(item["proceeds"]["proceedsTotal"])


def _tax_parts(by_type: dict) -> dict[str, Decimal]:
    """The TAX breakdown by what is taxed (ITEM, SHIPPING, GIFT_WRAP)."""
    tax = by_type.get("TAX")
    if tax is None:
        return {}
    details = tax.get("detailedBreakdowns") or []
    if not details:
        return {"ITEM": amount_of(tax["subtotal"])}
    parts: dict[str, Decimal] = {}
    for detail in details:
        subtype = detail.get("subtype", "ITEM")
        parts[subtype] = parts.get(subtype, Decimal(0)) + amount_of(detail["value"])
    return parts


#: ItemPrice descriptions of the breakdowns and of their taxes.
_PRICES = (
    ("ITEM", "Principal", "Tax", "MarketplaceFacilitatorTax-Principal"),
    ("SHIPPING", "Shipping", "ShippingTax", "MarketplaceFacilitatorTax-Shipping"),
    ("GIFT_WRAP", "GiftWrap", "GiftWrapTax", "MarketplaceFacilitatorTax-Other"),
)


def _prices(order, item, marketplace):
    """(ItemPrice rows, Promotion rows, withheld tax rows, commission) of an item,
    as (description, amount, extra) with the amounts the buyer paid."""
    by_type = {b["type"]: b for b in item["proceeds"]["breakdowns"]}

    def value(kind: str) -> Decimal:
        return amount_of(by_type[kind]["subtotal"]) if kind in by_type else Decimal(0)

    taxes = _tax_parts(by_type)
    if _tax_included(item, by_type):
        # ITEM, SHIPPING... already hold the VAT (the TAX_INCLUDED shape): the
        # buyer paid them, the Principal rows are them, no Tax row adds it again.
        taxes = {}
    prices, withheld = [], []
    for kind, description, tax_description, facilitator in _PRICES:
        if kind in by_type:
            extra = (
                {"quantity-purchased": item["quantityOrdered"]}
                if kind == "ITEM"
                else {}
            )
            prices.append((description, value(kind), extra))
        if taxes.get(kind):
            prices.append((tax_description, taxes[kind], {}))
            if marketplace.code == "US":
                withheld.append((facilitator, -taxes[kind], {}))
    promotions = []
    if "DISCOUNT" in by_type:
        found = item.get("promotion", {}).get("breakdowns", [])
        extra = {"promotion-id": found[0]["promotionId"]} if found else {}
        promotions.append(("Principal", value("DISCOUNT"), extra))
    commission = quantize(
        (value("ITEM") + value("SHIPPING") + value("GIFT_WRAP") + value("DISCOUNT"))
        * COMMISSION_RATE,
        marketplace.currency,
    )
    return prices, promotions, withheld, commission


def _line(item: dict) -> dict:
    return {
        "order-item-code": item["orderItemId"],
        "sku": item["product"].get("sellerSku", ""),
    }


def _item_amounts(order, item, marketplace):
    """The Order rows of one item: (kind, amount, extra cells)."""
    prices, promotions, withheld, commission = _prices(order, item, marketplace)
    line = _line(item)
    for description, amount, extra in prices:
        yield ("Order", "ItemPrice", description), amount, {**line, **extra}
    for description, amount, extra in promotions:
        yield ("Order", "Promotion", description), amount, {**line, **extra}
    for description, amount, extra in withheld:
        yield ("Order", "ItemWithheldTax", description), amount, {**line, **extra}
    yield ("Order", "ItemFees", "Commission"), -commission, line
    if order["fulfillment"]["fulfilledBy"] == "AMAZON":
        fee = _FBA_FEE.get(marketplace.currency, Decimal("2.70"))
        yield (
            ("Order", "ItemFees", "FBAPerUnitFulfillmentFee"),
            -fee * item["quantityOrdered"],
            line,
        )


def _refund_amounts(order, item, marketplace):
    """The Refund rows of one item, all of it given back: the prices, promotions
    and withheld taxes reversed, the commission returned less Amazon's
    RefundCommission."""
    prices, promotions, withheld, commission = _prices(order, item, marketplace)
    line = _line(item)
    for description, amount, extra in prices:
        extra = {k: v for k, v in extra.items() if k != "quantity-purchased"}
        yield ("Refund", "ItemPrice", description), -amount, {**line, **extra}
    for description, amount, extra in promotions:
        yield ("Refund", "Promotion", description), -amount, {**line, **extra}
    for description, amount, extra in withheld:
        yield ("Refund", "ItemWithheldTax", description), -amount, {**line, **extra}
    yield ("Refund", "ItemFees", "Commission"), commission, line
    refund_commission = quantize(
        commission * REFUND_COMMISSION_RATE, marketplace.currency
    )
    yield ("Refund", "ItemFees", "RefundCommission"), -refund_commission, line


def _cell(value) -> str:
    return _CELL_BREAKS.sub(" ", str(value)).strip()


def _render(rows, settlement_id, start, end, deposit_date, total, marketplace, comma):
    currency = marketplace.currency
    lines = ["\t".join(COLUMNS)]
    summary = dict.fromkeys(COLUMNS, "")
    summary.update(
        {
            "settlement-id": settlement_id,
            "settlement-start-date": local_date_time(start, marketplace),
            "settlement-end-date": local_date_time(end, marketplace),
            "deposit-date": local_date_time(deposit_date, marketplace),
            "total-amount": local_format(total, currency, comma),
            "currency": currency,
        }
    )
    lines.append("\t".join(_cell(summary[c]) for c in COLUMNS))
    style = _DATE_FORMATS[marketplace.settlement_date_style]
    for row in rows:
        values = dict.fromkeys(COLUMNS, "")
        values.update({k: v for k, v in row.items() if k in values})
        values["settlement-id"] = settlement_id
        values["amount"] = local_format(row["amount"], currency, comma)
        values["posted-date"] = (
            row["posted-date"].strftime(style)
            if isinstance(row["posted-date"], date)
            else row["posted-date"]
        )
        values["posted-date-time"] = local_date_time(row["posted-at"], marketplace)
        lines.append("\t".join(_cell(values[c]) for c in COLUMNS))
    return ("\n".join(lines) + "\n").encode(marketplace.encoding)
