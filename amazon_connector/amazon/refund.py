"""A refund of an Amazon order, read from the customer rows of a V2 settlement
(transaction types ``Refund``, ``Chargeback Refund``, A-to-z Guarantee claims):
what the credit note of the order's invoice holds.

Plain Python: no Odoo here.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class RefundedItem:
    """What one item (SKU / order item) gives back: amounts are positive, what
    the buyer gets."""

    sku: str | None
    order_item_code: str | None
    quantity: int  # units refunded (0: Amazon names none, e.g. a price adjustment)
    principal: Decimal
    tax: Decimal
    shipping: Decimal = Decimal(0)
    shipping_tax: Decimal = Decimal(0)
    gift_wrap: Decimal = Decimal(0)
    gift_wrap_tax: Decimal = Decimal(0)
    promotion: Decimal = Decimal(0)  # promotions taken back (≤ 0: reduces it)
    promotion_tax: Decimal = Decimal(0)
    goodwill: Decimal = Decimal(0)
    restocking_fee: Decimal = Decimal(0)  # kept by the seller (≤ 0: reduces it)


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
        raise NotImplementedError
