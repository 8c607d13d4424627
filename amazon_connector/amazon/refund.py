"""A refund of an Amazon order, read from the customer rows of a V2 settlement
(transaction types ``Refund``, ``Chargeback Refund``, A-to-z Guarantee claims):
what the credit note of the order's invoice holds.

The rows of a refund (Amazon's Seller Central help on the V2 settlement flat
file; Goodwill, RestockingFee and ReturnShipping are charge types of the Finances
API v0 ChargeComponent list, financesV0.json in amzn/selling-partner-api-models):

- ``ItemPrice``: ``Principal`` (with the units refunded in quantity-purchased),
  ``Tax``, ``Shipping``, ``ShippingTax``, ``GiftWrap``, ``GiftWrapTax``,
  ``Goodwill``, ``ReturnShipping``: negative, what goes back to the buyer;
  ``RestockingFee``: positive, what the seller keeps;
- ``Promotion``: ``Principal`` / ``Shipping``: positive, the discount taken back.

Fees (``ItemFees``), tax Amazon withheld (``ItemWithheldTax``) and retrocharges are
not the buyer's money: the caller leaves them out.

Plain Python: no Odoo here.
"""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

ZERO = Decimal(0)

#: (amount-type, amount-description) → the field of :class:`RefundedItem`.
_FIELDS = {
    ("itemprice", "principal"): "principal",
    ("itemprice", "tax"): "tax",
    ("itemprice", "shipping"): "shipping",
    ("itemprice", "shippingtax"): "shipping_tax",
    ("itemprice", "giftwrap"): "gift_wrap",
    ("itemprice", "giftwraptax"): "gift_wrap_tax",
    ("itemprice", "goodwill"): "goodwill",
    ("itemprice", "restockingfee"): "restocking_fee",
    ("promotion", "principal"): "promotion",
    ("promotion", "shipping"): "shipping_promotion",
    ("promotion", "tax"): "promotion_tax",
}
#: The amounts of an item, in the order a credit note lists them.
AMOUNTS = (
    "principal",
    "tax",
    "shipping",
    "shipping_tax",
    "gift_wrap",
    "gift_wrap_tax",
    "promotion",
    "promotion_tax",
    "shipping_promotion",
    "goodwill",
    "restocking_fee",
    "other",
)


@dataclass(frozen=True)
class RefundRow:
    """One customer row of a refund, as the settlement file has it."""

    transaction_type: str
    amount_type: str
    amount_description: str
    amount: Decimal
    sku: str | None = None
    order_item_code: str | None = None
    quantity: int = 0
    adjustment_ref: str | None = None


@dataclass(frozen=True)
class RefundedItem:
    """What one item (SKU / order item) gives back: amounts are positive, what
    the buyer gets."""

    sku: str | None
    order_item_code: str | None
    quantity: int  # units refunded (0: Amazon names none, e.g. a price adjustment)
    principal: Decimal
    tax: Decimal
    shipping: Decimal = ZERO
    shipping_tax: Decimal = ZERO
    gift_wrap: Decimal = ZERO
    gift_wrap_tax: Decimal = ZERO
    promotion: Decimal = ZERO  # promotions taken back (≤ 0: reduces it)
    promotion_tax: Decimal = ZERO
    goodwill: Decimal = ZERO
    restocking_fee: Decimal = ZERO  # kept by the seller (≤ 0: reduces it)
    shipping_promotion: Decimal = ZERO  # shipping promotions taken back (≤ 0)
    other: Decimal = ZERO  # ItemPrice rows of another name (ReturnShipping...)

    @property
    def total(self) -> Decimal:
        """What the buyer got back for this item."""
        return sum((getattr(self, name) for name in AMOUNTS), ZERO)


@dataclass(frozen=True)
class Refund:
    """One refund of one order in one settlement."""

    order_ref: str
    adjustment_ref: str | None
    kind: str  # "refund", "chargeback", "guarantee_claim"
    items: tuple[RefundedItem, ...]

    @property
    def total(self) -> Decimal:
        """What the buyer got back: what the credit note totals."""
        return sum((item.total for item in self.items), ZERO)


def refund_kind(transaction_types) -> str:
    """``chargeback`` when the buyer's bank took the money back, ``guarantee_claim``
    for an A-to-z Guarantee claim, else ``refund``."""
    texts = [(t or "").casefold() for t in transaction_types]
    if any("chargeback" in t for t in texts):
        return "chargeback"
    if any("a-to-z" in t or "guarantee" in t for t in texts):
        return "guarantee_claim"
    return "refund"


def read_refund(order_ref: str, rows) -> Refund:
    """The refund of order ``order_ref`` made of its customer ``rows``
    (:class:`RefundRow`), its items in the order of the rows."""
    amounts: dict[tuple, dict[str, Decimal]] = {}
    units: dict[tuple, int] = {}
    adjustment = None
    for row in rows:
        key = (row.order_item_code or None, row.sku or None)
        values = amounts.setdefault(key, {})
        units.setdefault(key, 0)
        name = _FIELDS.get(
            (
                (row.amount_type or "").casefold(),
                (row.amount_description or "").casefold(),
            )
        )
        if name is None:
            name = "other"
        # What the buyer gets is positive: the rows are the seller's side.
        values[name] = values.get(name, ZERO) - Decimal(row.amount)
        if name == "principal":
            units[key] += abs(int(row.quantity or 0))
        adjustment = adjustment or row.adjustment_ref or None
    items = tuple(
        RefundedItem(
            sku=sku,
            order_item_code=code,
            quantity=units[code, sku],
            principal=values.pop("principal", ZERO),
            tax=values.pop("tax", ZERO),
            **values,
        )
        for (code, sku), values in amounts.items()
    )
    return Refund(
        order_ref=order_ref,
        adjustment_ref=adjustment,
        kind=refund_kind(row.transaction_type for row in rows),
        items=items,
    )


def unit_prices(amount: Decimal, quantity: int, decimals: int = 2):
    """``[(units, price)]`` whose sum is ``amount`` to the cent: one price, or two
    a cent apart when ``amount`` does not divide by ``quantity`` in the currency's
    ``decimals`` (``2 x 3.33 + 1 x 3.34`` for 10.00)."""
    if quantity <= 0:
        raise ValueError(f"quantity {quantity!r} is not positive")
    step = Decimal(1).scaleb(-decimals)
    amount = Decimal(amount).quantize(step)
    base = (amount / quantity).quantize(step, rounding=ROUND_FLOOR)
    remainder = int((amount - base * quantity) / step)
    if not remainder:
        return [(quantity, base)]
    return [(quantity - remainder, base), (remainder, base + step)]
