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
for merchant-fulfilled orders, and for some orders a refund with its adjustment-id
(a whole one, or with ``refund_shapes`` each shape of :mod:`.refunds` in turn),
then the refunds the state recorded (``refunds``).
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
from .refunds import (
    COMMISSION_RATE,
    SHAPES,
    Charge,
    PaidItem,
    Refund,
    default_options,
    feasible_shapes,
    plan_refund,
)
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

#: ``vocabulary=True``: the amounts of real V2 files beyond the orders' own, as
#: (transaction-type, amount-type, amount-description, amount in EUR, where): "order"
#: rows carry the first order's id and marketplace, "mcf" rows a Multi-Channel
#: Fulfillment order's ("Non-Amazon …", the seller's order id), "settlement" rows
#: neither (empty order-id and marketplace-name, 23 cells: no promotion-id).
#: Sources, as in the addon's ``amazon/settlement_vocabulary.py``: Seller Central
#: help on the V2 flat file (docs), Amazon's Finances API v0 model event lists
#: and amzn/selling-partner-api-models #4271 (finances), a seller's V2 file
#: copied on the Seller Central Europe forums (forum), sellers' published V2 files
#: and settlement tools' lists (sellers).
VOCABULARY_ROWS = (
    # Order fees not written per item above (docs; forum; sellers).
    ("Order", "ItemFees", "FBAWeightBasedFee", "-1.10", "order"),  # docs
    ("Order", "ItemFees", "FBAPerOrderFulfillmentFee", "-0.50", "order"),  # docs
    ("Order", "ItemFees", "VariableClosingFee", "-0.45", "order"),  # docs
    ("Order", "ItemFees", "FixedClosingFee", "0.00", "order"),  # docs, zero row
    ("Order", "ItemFees", "ShippingHB", "-0.30", "order"),  # forum
    ("Order", "ItemFees", "ShippingChargeback", "-0.70", "order"),  # forum
    ("Order", "ItemFees", "GiftwrapChargeback", "-0.20", "order"),  # sellers
    ("Order", "ItemFees", "SalesTaxCollectionFee", "-0.05", "order"),  # sellers
    ("Order", "ItemFees", "DigitalServicesFee", "-0.09", "order"),  # forum
    ("Order", "Promotion", "Shipping", "0.00", "order"),  # docs, zero row
    # Tax Amazon withholds as marketplace facilitator, and its retrocharges in
    # pairs that net to zero (sellers; forum; finances, #4271).
    (
        "Order",
        "ItemWithheldTax",
        "MarketplaceFacilitatorTax-Principal",
        "-0.80",
        "order",
    ),
    (
        "Order",
        "ItemWithheldTax",
        "MarketplaceFacilitatorTax-Shipping",
        "-0.10",
        "order",
    ),
    (
        "Order",
        "ItemWithheldTax",
        "MarketplaceFacilitatorVAT-Principal",
        "-0.60",
        "order",
    ),
    (
        "Order",
        "ItemWithheldTax",
        "MarketplaceFacilitatorVAT-Shipping",
        "-0.08",
        "order",
    ),
    ("Order", "ItemWithheldTax", "LowValueGoodsTax-Principal", "-0.40", "order"),
    ("Order", "ItemWithheldTax", "LowValueGoodsTax-Shipping", "-0.04", "order"),
    ("Order_Retrocharge", "ItemPrice", "Base Tax", "0.35", "order"),  # finances
    ("Refund_Retrocharge", "ItemPrice", "Base Tax", "-0.35", "order"),  # finances
    ("Order_Retrocharge", "ItemPrice", "ShippingTax", "0.06", "order"),  # finances
    ("Refund_Retrocharge", "ItemPrice", "ShippingTax", "-0.06", "order"),  # finances
    # Multi-Channel Fulfillment: fees of an order sold elsewhere (sellers).
    ("Order", "ItemFees", "FBAPerUnitFulfillmentFee", "-4.20", "mcf"),
    ("Order", "ItemFees", "FBAWeightBasedFee", "-0.90", "mcf"),
    # The newer fee layout: the fee in amount-type, its parts described (sellers).
    ("FBAFees", "FBA Inventory Storage Fee", "Base fee", "-12.40", "settlement"),
    ("FBAFees", "FBA Inventory Storage Fee", "Tax on fee", "-2.36", "settlement"),
    ("FBAFees", "FBA Long Term Storage Fee", "Base fee", "-3.10", "settlement"),
    ("FBAFees", "FBA Removal Order: Disposal Fee", "Base fee", "-1.50", "settlement"),
    ("FBAFees", "FBA Inbound Placement Service Fee", "Base fee", "-6.00", "settlement"),
    (
        "FBAFees",
        "FBA Inbound Placement Service Fee",
        "Discount on Fee",
        "1.20",
        "settlement",
    ),
    (
        "FBAFees",
        "FBA fulfilment fee per unit - Correction",
        "Base fee",
        "0.45",
        "settlement",
    ),
    ("AmazonFees", "Coupon Performance Based Fee", "Base fee", "-2.50", "settlement"),
    ("AmazonFees", "Coupon Performance Based Fee", "Tax on fee", "-0.48", "settlement"),
    ("AmazonFees", "Deal Participation Fee", "Base fee", "-70.00", "settlement"),
    ("AmazonFees", "Deal Participation Fee", "Tax on fee", "-13.30", "settlement"),
    ("AmazonFees", "Vine Enrollment Fee", "Base fee", "-200.00", "settlement"),
    ("AmazonFees", "Vine Enrollment Fee", "Discount on Fee", "200.00", "settlement"),
    # What Amazon pays for units it lost or damaged (sellers; finances).
    (
        "other-transaction",
        "FBA Inventory Reimbursement",
        "WAREHOUSE_DAMAGE",
        "8.90",
        "settlement",
    ),
    (
        "other-transaction",
        "FBA Inventory Reimbursement",
        "WAREHOUSE_LOST",
        "12.30",
        "settlement",
    ),
    (
        "other-transaction",
        "FBA Inventory Reimbursement",
        "REVERSAL_REIMBURSEMENT",
        "-8.90",
        "settlement",
    ),
    (
        "other-transaction",
        "FBA Inventory Reimbursement",
        "MISSING_FROM_INBOUND",
        "6.10",
        "settlement",
    ),
    (
        "other-transaction",
        "FBA Inventory Reimbursement",
        "REMOVAL_ORDER_LOST",
        "4.00",
        "settlement",
    ),
    (
        "other-transaction",
        "FBA Inventory Reimbursement",
        "CUSTOMER_RETURN",
        "9.99",
        "settlement",
    ),
    (
        "other-transaction",
        "FBA Inventory Reimbursement",
        "CUSTOMER_SERVICE_ISSUE",
        "5.00",
        "settlement",
    ),
    (
        "other-transaction",
        "FBA Inventory Reimbursement",
        "FREE_REPLACEMENT_REFUND_ITEMS",
        "7.50",
        "settlement",
    ),
    (
        "other-transaction",
        "FBA Inventory Reimbursement",
        "INCORRECT_FEES_ITEMS",
        "0.80",
        "settlement",
    ),
    (
        "other-transaction",
        "other-transaction",
        "SAFE-T reimbursement",
        "15.00",
        "settlement",
    ),
    # Units Amazon sold off, and its brokerage (finances: FBALiquidationEvent).
    ("Liquidations", "other-transaction", "Liquidations", "23.40", "settlement"),
    (
        "Liquidations",
        "other-transaction",
        "LiquidationsBrokerageFee",
        "-2.34",
        "settlement",
    ),
    # Money between the seller and Amazon outside the payout (sellers).
    (
        "Debt Adjustment",
        "other-transaction",
        "Cross-Account Debt Adjustment against Amazon.com",
        "-25.00",
        "settlement",
    ),
    ("Transfers", "other-transaction", "Micro Deposit", "0.12", "settlement"),
    (
        "other-transaction",
        "other-transaction",
        "Payable to Amazon",
        "-3.00",
        "settlement",
    ),
    (
        "other-transaction",
        "other-transaction",
        "Successful charge",
        "3.00",
        "settlement",
    ),
    # Other settlement fees (forum; sellers; finances: PostageBilling).
    (
        "other-transaction",
        "other-transaction",
        "Shipping label purchase",
        "-5.40",
        "settlement",
    ),
    (
        "other-transaction",
        "other-transaction",
        "Shipping label purchase for return",
        "-4.10",
        "settlement",
    ),
    (
        "other-transaction",
        "other-transaction",
        "Postage Billing",
        "-1.90",
        "settlement",
    ),
    ("other-transaction", "other-transaction", "Storage Fee", "-9.80", "settlement"),
    (
        "other-transaction",
        "other-transaction",
        "StorageRenewalBilling",
        "-2.20",
        "settlement",
    ),
    (
        "other-transaction",
        "other-transaction",
        "DisposalComplete",
        "-0.75",
        "settlement",
    ),
    (
        "other-transaction",
        "other-transaction",
        "RemovalComplete",
        "-1.25",
        "settlement",
    ),
    (
        "other-transaction",
        "other-transaction",
        "FBAInboundTransportationFee",
        "-18.00",
        "settlement",
    ),
    (
        "other-transaction",
        "other-transaction",
        "FBA Prep Fee: Labeling",
        "-0.55",
        "settlement",
    ),
    (
        "other-transaction",
        "other-transaction",
        "Manual Processing Fee",
        "-1.00",
        "settlement",
    ),
    (
        "other-transaction",
        "other-transaction",
        "High Volume Listing Fee",
        "-0.01",
        "settlement",
    ),
    ("other-transaction", "other-transaction", "MiscAdjustment", "1.15", "settlement"),
    (
        "other-transaction",
        "other-transaction",
        "DigitalServicesFee",
        "-0.33",
        "settlement",
    ),
    (
        "other-transaction",
        "other-transaction",
        "Subscription Fee",
        "0.00",
        "settlement",
    ),
)
#: ``vocabulary=True``: the refunds under their own name, each the first item's
#: price and tax of an order given back (finances: ChargebackEventList,
#: GuaranteeClaimEventList).
VOCABULARY_REFUNDS = ("Chargeback Refund", "A-to-z Guarantee Claim")

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
    #: The refunds written (:class:`~.refunds.Refund`), generated and recorded.
    refunds: list[Refund] = field(default_factory=list)

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


def local_date_time(
    value: datetime, marketplace: Marketplace, date_style: str | None = None
) -> str:
    """``value`` as the marketplace's settlement file writes a date-time
    (``02.11.2026 10:00:00 UTC``, ``2026/11/02 19:00:00 JST``...), or in
    ``date_style``."""
    style = _DATE_FORMATS[date_style or marketplace.settlement_date_style]
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
    vocabulary: bool = False,
    date_style: str | None = None,
    refund_shapes: bool = False,
    refunds: tuple[Refund, ...] | list[Refund] = (),
    sales: bool = True,
) -> Settlement:
    """The settlement file of ``orders`` (shipped ones with prices are used).

    ``refund_share``: the share of orders refunded (whole, or with
    ``refund_shapes`` spread over every shape of :data:`~.refunds.SHAPES` an
    order can take, the shape least used so far first); ``refunds``: refunds
    recorded beforehand (:meth:`~.state.SimulatorState.refund`), written with
    their own adjustment-id and date (at the latest ``end``), their orders
    refunded no other way here; ``sales``: False leaves the orders' own rows
    out (a settlement of their refunds alone, the sale settled earlier);
    ``decimal_comma``: the decimal
    mark (None: the marketplace's); ``reserve``: the previous reserve released and
    the current one held; ``advertising``: the cost of advertising charged (AUTO: in
    proportion to sales, None or 0: no row); ``unknown_amount_type``: one row of an
    amount type no mapping knows; ``negative``: a cost of advertising big enough to
    make the total negative; ``unbalanced``: a total-amount 1 more than the rows;
    ``vocabulary``: the amounts of :data:`VOCABULARY_ROWS` and
    :data:`VOCABULARY_REFUNDS` too (settlement rows with 23 cells); ``date_style``:
    the dates written ``iso`` (2026-09-07), ``dotted`` (07.09.2026) or
    ``japanese`` (2026/09/07) whatever the marketplace's.
    """
    if date_style is not None and date_style not in _DATE_FORMATS:
        raise ValueError(
            f"date_style {date_style!r} is not one of {list(_DATE_FORMATS)}"
        )
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
    written: list[Refund] = []
    recorded = {refund.order_id for refund in refunds}
    shapes_used = dict.fromkeys(SHAPES, 0)

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
        for item in items if sales else ():
            for kind, amount, extra in _item_amounts(order, item, marketplace):
                rows.append(row(kind, amount, order, posted, **extra))
        if sales and order["fulfillment"]["fulfilledBy"] == "MERCHANT":
            label = quantize(
                Decimal(str(round(rng.uniform(3.2, 8.9), 2)))
                * Decimal(marketplace.eur_rate),
                currency,
            )
            rows.append(row(SHIPPING_LABEL, -label, order, posted))
        if refunded and order["orderId"] not in recorded:
            paid = paid_items(order, marketplace)
            shape = "full"
            if refund_shapes:
                feasible = feasible_shapes(paid)
                shape = min(feasible, key=lambda s: (shapes_used[s], SHAPES.index(s)))
                shapes_used[shape] += 1
            refund = plan_refund(
                order["orderId"],
                paid,
                {},
                shape=shape,
                currency=currency,
                adjustment_id=adjustment_id,
                posted=refund_posted,
                **default_options(shape, paid, currency),
            )
            written.append(refund)
            rows.extend(_refund_rows(refund, order, refund_posted, row))

    by_id = {o["orderId"]: o for o in orders}
    for refund in refunds:
        if refund.order_id not in by_id:
            raise ValueError(f"refund of {refund.order_id}: not an order of these")
        posted = min(_utc(refund.posted), end)
        rows.extend(_refund_rows(refund, by_id[refund.order_id], posted, row))
        written.append(refund)

    if vocabulary:
        rows.extend(_vocabulary_rows(orders, rows, marketplace, row))

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
        rows,
        settlement_id,
        start,
        end,
        deposit_date,
        total,
        marketplace,
        comma,
        date_style or marketplace.settlement_date_style,
    )
    options = {
        "refund_share": refund_share,
        "decimal_comma": comma,
        "reserve": reserve,
        "advertising": None if charge is None else -charge,
        "unknown_amount_type": unknown_amount_type,
        "negative": negative,
        "unbalanced": unbalanced,
        "vocabulary": vocabulary,
        "date_style": date_style,
        "refund_shapes": refund_shapes,
        "sales": sales,
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
        refunds=written,
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
    if taxes.get("DISCOUNT"):
        # The tax Amazon took off with a promotion (TAX subtype DISCOUNT, negative)
        # is in the item's Tax row: the rows add up to what the buyer paid.
        taxes["ITEM"] = taxes.get("ITEM", Decimal(0)) + taxes.pop("DISCOUNT")
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


def paid_items(order: dict, marketplace: Marketplace) -> tuple[PaidItem, ...]:
    """What the buyer paid for each priced item of ``order``, as its Order rows
    write it: what a refund (:mod:`.refunds`) gives back from."""
    facilitator = (
        {tax: withheld for _k, _d, tax, withheld in _PRICES}
        if marketplace.code == "US"
        else {}
    )
    result = []
    for item in order["orderItems"]:
        if "proceeds" not in item:
            continue
        prices, promotions, _withheld, _commission = _prices(order, item, marketplace)
        charges = [
            Charge(
                "ItemPrice",
                description,
                amount,
                per_unit=description not in ("Shipping", "ShippingTax"),
                withheld=facilitator.get(description),
            )
            for description, amount, _extra in prices
        ]
        charges += [
            Charge(
                "Promotion",
                description,
                amount,
                per_unit=description != "Shipping",
                promotion_id=extra.get("promotion-id"),
            )
            for description, amount, extra in promotions
        ]
        line = _line(item)
        result.append(
            PaidItem(
                line["order-item-code"],
                line["sku"],
                item["quantityOrdered"],
                tuple(charges),
            )
        )
    return tuple(result)


def _refund_rows(refund: Refund, order: dict, posted: datetime, row) -> list[dict]:
    """The rows of ``refund`` of ``order``, posted at ``posted``."""
    return [
        row(
            kind,
            amount,
            order,
            posted,
            **{"adjustment-id": refund.adjustment_id, **extra},
        )
        for kind, amount, extra in refund.rows
    ]


def _vocabulary_rows(orders, rows, marketplace, row):
    """The rows of :data:`VOCABULARY_ROWS` and :data:`VOCABULARY_REFUNDS` (see
    :func:`build_settlement`), on the first orders written."""
    written = [r for r in rows if r["order-id"]]
    if not written:
        return []
    by_id = {o["orderId"]: o for o in orders}
    first = by_id[written[0]["order-id"]]
    posted = written[0]["posted-at"]
    extra_rows = []
    for number, (transaction, amount_type, description, eur, where) in enumerate(
        VOCABULARY_ROWS
    ):
        amount = _scaled(marketplace, eur)
        kind = (transaction, amount_type, description)
        if where == "order":
            extra_rows.append(row(kind, amount, first, posted))
        elif where == "mcf":
            extra_rows.append(
                row(
                    kind,
                    amount,
                    first,
                    posted,
                    **{
                        "order-id": f"MCF-{1000 + number}",
                        "marketplace-name": f"Non-Amazon {marketplace.country}",
                        "fulfillment-id": "AFN",
                        "sku": "",
                        "order-item-code": "",
                    },
                )
            )
        else:
            extra_rows.append({**row(kind, amount), "short": True})
    # Refunds under their own name: an order's first item given back, by the
    # buyer's bank (chargeback) or by Amazon's guarantee (A-to-z).
    refunded = list(dict.fromkeys(r["order-id"] for r in written))
    for transaction, order_id in zip(VOCABULARY_REFUNDS, refunded[1:], strict=False):
        order = by_id[order_id]
        for source in written:
            if (
                source["order-id"] == order_id
                and source["amount-type"] == "ItemPrice"
                and source["amount-description"] in ("Principal", "Tax")
                and source["transaction-type"] == "Order"
            ):
                extra_rows.append(
                    row(
                        (transaction, "ItemPrice", source["amount-description"]),
                        -source["amount"],
                        order,
                        posted,
                        **{
                            k: source[k]
                            for k in ("order-item-code", "sku")
                            if k in source
                        },
                    )
                )
    return extra_rows


def _cell(value) -> str:
    return _CELL_BREAKS.sub(" ", str(value)).strip()


def _render(
    rows,
    settlement_id,
    start,
    end,
    deposit_date,
    total,
    marketplace,
    comma,
    date_style,
):
    currency = marketplace.currency
    lines = ["\t".join(COLUMNS)]
    summary = dict.fromkeys(COLUMNS, "")
    summary.update(
        {
            "settlement-id": settlement_id,
            "settlement-start-date": local_date_time(start, marketplace, date_style),
            "settlement-end-date": local_date_time(end, marketplace, date_style),
            "deposit-date": local_date_time(deposit_date, marketplace, date_style),
            "total-amount": local_format(total, currency, comma),
            "currency": currency,
        }
    )
    lines.append("\t".join(_cell(summary[c]) for c in COLUMNS))
    style = _DATE_FORMATS[date_style]
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
        values["posted-date-time"] = local_date_time(
            row["posted-at"], marketplace, date_style
        )
        cells = [_cell(values[c]) for c in COLUMNS]
        if row.get("short"):
            # Real files end some rows without the promotion-id cell: 23 cells.
            cells = cells[: COLUMNS.index("promotion-id")]
        lines.append("\t".join(cells))
    return ("\n".join(lines) + "\n").encode(marketplace.encoding)
