"""Refunds of a shipped order, in each shape Amazon settles them, as the rows of
a V2 settlement flat file (GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2).

The words are those of Seller Central's help on the V2 settlement report and of
the Finances API v0 model (``ChargeComponent.ChargeType``: Principal, Tax,
Shipping, ShippingTax, GiftWrap, GiftWrapTax, Goodwill, RestockingFee;
``ChargebackEventList``, ``GuaranteeClaimEventList``):

- transaction-type ``Refund``, ``Chargeback Refund`` (the buyer's bank took the
  money back) or ``A-to-z Guarantee Claim`` (Amazon's guarantee paid it);
- amount-type ``ItemPrice``: ``Principal`` (quantity-purchased: the units given
  back), ``Tax``, ``Shipping``, ``ShippingTax``, ``GiftWrap``, ``GiftWrapTax``,
  negative; ``Goodwill`` negative (money given without anything sent back);
  ``RestockingFee`` positive (the part of the price the seller keeps);
- amount-type ``Promotion``: ``Principal`` / ``Shipping`` positive (the discount
  the buyer had is taken back with the price);
- amount-type ``ItemWithheldTax``: the marketplace facilitator tax Amazon held
  (US) given back, positive;
- amount-type ``ItemFees``: ``Commission`` positive (back to the seller) and
  ``RefundCommission`` negative (what Amazon keeps for the refund).

Every row names its order item (order-item-code, sku); the refund its
adjustment-id. What the buyer got back is minus the sum of its ItemPrice and
Promotion rows.

The shapes (:data:`SHAPES`): ``full`` (every unit not given back yet, with the
shipping), ``partial`` (some units: the per-unit share of each price, promotion
and tax, the last unit of an item taking the rounding), ``shipping`` (the
shipping and its tax alone), ``goodwill`` (an amount, nothing sent back),
``restocking`` (units given back less a restocking fee), ``promotion`` (the
units of a promoted item, the discount taken back), ``chargeback`` and
``guarantee_claim`` (a full refund under their own name; with ``items``, those
units).

Never more than was paid for an item, never units that were not shipped or
were given back already: :class:`Given` keeps what earlier refunds gave back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .money import quantize

SHAPES = (
    "full",
    "partial",
    "shipping",
    "goodwill",
    "restocking",
    "promotion",
    "chargeback",
    "guarantee_claim",
)
REFUND = "Refund"
CHARGEBACK = "Chargeback Refund"
GUARANTEE_CLAIM = "A-to-z Guarantee Claim"
TRANSACTION_TYPES = {"chargeback": CHARGEBACK, "guarantee_claim": GUARANTEE_CLAIM}

COMMISSION_RATE = Decimal("0.15")
REFUND_COMMISSION_RATE = Decimal("0.20")
#: The restocking fee when none is given: a share of the principal given back
#: (Amazon lets sellers charge up to 20 % for a return in a worse condition).
DEFAULT_RESTOCKING_SHARE = Decimal("0.20")

#: Shapes that give units back, and those that give every unit left by default.
_UNIT_SHAPES = ("full", "partial", "restocking", "promotion", *TRANSACTION_TYPES)
_ALL_UNITS = ("full", "restocking", "promotion", *TRANSACTION_TYPES)
#: What a commission is taken on (the taxes are not).
_COMMISSIONED = ("Principal", "Shipping", "GiftWrap")


@dataclass(frozen=True)
class Charge:
    """One amount the buyer paid for an item, as its Order row carries it (a
    promotion negative): ``per_unit`` amounts are shared over the units, the
    others (shipping) given back whole; ``withheld`` names the ItemWithheldTax
    row Amazon wrote against it (US marketplace facilitator tax)."""

    amount_type: str  # ItemPrice or Promotion
    description: str
    amount: Decimal
    per_unit: bool = True
    withheld: str | None = None
    promotion_id: str | None = None


@dataclass(frozen=True)
class PaidItem:
    """What the buyer paid for an order item: its shipped units and charges."""

    order_item_code: str
    sku: str
    units: int
    charges: tuple[Charge, ...]

    @property
    def paid(self) -> Decimal:
        return sum((c.amount for c in self.charges), Decimal(0))

    @property
    def promoted(self) -> bool:
        return any(c.amount_type == "Promotion" and c.amount for c in self.charges)

    @property
    def shipping(self) -> bool:
        return any(not c.per_unit and c.amount for c in self.charges)


@dataclass
class Given:
    """What earlier refunds gave back of an item."""

    units: int = 0
    shipping: bool = False
    money: Decimal = Decimal(0)


@dataclass
class Refund:
    """A refund of one order: its rows as ``((transaction-type, amount-type,
    amount-description), amount, extra cells)``, ``units`` given back by order
    item, and the settlement that wrote it (None until one does)."""

    order_id: str
    shape: str
    adjustment_id: str
    posted: datetime
    units: dict[str, int]
    rows: tuple = ()
    settlement_id: str | None = None
    given: dict[str, Decimal] = field(default_factory=dict)  # money by item

    @property
    def transaction_type(self) -> str:
        return TRANSACTION_TYPES.get(self.shape, REFUND)

    @property
    def refunded(self) -> Decimal:
        """What the buyer got back: minus the ItemPrice and Promotion rows."""
        return -sum(
            (
                amount
                for (_t, amount_type, _d), amount, _e in self.rows
                if amount_type in ("ItemPrice", "Promotion")
            ),
            Decimal(0),
        )


def _share(amount: Decimal, units: int, before: int, count: int, cur: str):
    """The part of ``amount`` (for ``units`` units) of ``count`` more units after
    ``before``: the cumulated shares, the last unit taking the rounding."""

    def upto(n: int) -> Decimal:
        return amount if n >= units else quantize(amount * n / units, cur)

    return upto(before + count) - upto(before)


def _check_items(paid: dict[str, PaidItem], given, shape, items) -> dict[str, int]:
    """The units to give back by item, checked; ``items`` as the caller gave
    them (None: the shape's default)."""
    if items is not None and not isinstance(items, dict):
        raise ValueError(f"items must be a dict {{orderItemId: units}}, not {items!r}")
    if items is not None and shape == "full":
        raise ValueError("a full refund gives back every unit left: use partial")
    for item_id, units in (items or {}).items():
        if item_id not in paid:
            raise ValueError(
                f"item {item_id!r} is not a priced item of the order "
                f"(items: {', '.join(paid)})"
            )
        if isinstance(units, bool) or not isinstance(units, int) or units < 0:
            raise ValueError(f"item {item_id}: units {units!r} is not a whole number")
        if shape in ("shipping", "goodwill") and units:
            raise ValueError(
                f"a {shape} refund gives no unit back: {{{item_id!r}: 0}} names "
                "the item"
            )
        if shape in _UNIT_SHAPES and not units:
            raise ValueError(f"item {item_id}: a {shape} refund gives units back")
        left = paid[item_id].units - given[item_id].units
        if units > left:
            raise ValueError(
                f"item {item_id}: {units} unit(s) asked back, {left} shipped and "
                "not refunded yet"
            )
    if items is not None:
        return dict(items)
    left = {i: p.units - given[i].units for i, p in paid.items()}
    if shape == "partial":
        first = next((i for i, n in left.items() if n), None)
        return {first: 1} if first else {}
    if shape == "promotion":
        return {i: n for i, n in left.items() if n and paid[i].promoted}
    if shape in _ALL_UNITS:
        return {i: n for i, n in left.items() if n}
    if shape == "shipping":
        return {i: 0 for i, p in paid.items() if p.shipping and not given[i].shipping}
    return {next(iter(paid)): 0}  # goodwill: on the first item


def _restocking(value, principal: Decimal, cur: str) -> Decimal:
    """The restocking fee: a share (a float between 0 and 1) or an amount (a
    Decimal, an int or a string) of the ``principal`` given back (less its
    promotion)."""
    if value is None:
        value = float(DEFAULT_RESTOCKING_SHARE)
    if isinstance(value, bool):
        raise ValueError(f"restocking_fee {value!r} is neither a share nor an amount")
    if isinstance(value, float):
        if not 0 < value < 1:
            raise ValueError(
                f"restocking_fee {value!r}: a share is a float between 0 and 1 "
                "(an amount is a Decimal, an int or a string)"
            )
        fee = quantize(principal * Decimal(str(value)), cur)
    else:
        try:
            fee = Decimal(str(value))
        except ArithmeticError:
            raise ValueError(f"restocking_fee {value!r} is not an amount") from None
        if fee != quantize(fee, cur):
            raise ValueError(f"restocking_fee {value} has too many decimals for {cur}")
    if not 0 < fee < principal:
        raise ValueError(
            f"restocking fee {fee} must be above 0 and below the principal given "
            f"back ({principal})"
        )
    return fee


def _goodwill(value, room: Decimal, cur: str) -> Decimal:
    if value is None or isinstance(value, (bool, float)):
        raise ValueError(
            f"a goodwill refund needs its amount (a Decimal, an int or a string), "
            f"not {value!r}"
        )
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise ValueError(f"goodwill amount {value!r} is not an amount") from None
    if amount != quantize(amount, cur) or not 0 < amount <= room:
        raise ValueError(
            f"goodwill amount {value} must be above 0, in whole {cur} cents, and "
            f"at most what the item has left to give back ({room})"
        )
    return amount


def _unit_rows(item, given, units, with_shipping, cur):
    """(description rows, commission base) of ``units`` of ``item`` given back,
    with its shipping when ``with_shipping``."""
    rows, withheld, base = [], [], Decimal(0)
    for charge in item.charges:
        if charge.per_unit:
            amount = _share(charge.amount, item.units, given.units, units, cur)
        else:
            amount = charge.amount if with_shipping else Decimal(0)
        if not amount:
            continue
        extra = {}
        if charge.amount_type == "ItemPrice" and charge.description == "Principal":
            extra["quantity-purchased"] = units
        if charge.promotion_id:
            extra["promotion-id"] = charge.promotion_id
        rows.append(((charge.amount_type, charge.description), -amount, extra))
        if charge.withheld:
            withheld.append((("ItemWithheldTax", charge.withheld), amount, {}))
        if charge.description in _COMMISSIONED:
            base += amount
    rows.sort(key=lambda row: row[0][0] == "Promotion")  # ItemPrice first
    return rows + withheld, base


def _item_rows(shape, item, before, count, cur, *, amount, restocking_fee, fee_here):
    """The rows ``((amount-type, amount-description), amount, extra)`` of one
    item in a refund of ``shape``: ``count`` units (after ``before``), its
    shipping when the shape gives it, the goodwill, the restocking fee (when
    ``fee_here``), the commission back less Amazon's refund commission."""
    if shape == "goodwill":
        value = _goodwill(amount, item.paid - before.money, cur)
        rows, base = [(("ItemPrice", "Goodwill"), -value, {})], Decimal(0)
    else:
        with_shipping = shape == "shipping" or (
            shape in ("full", *TRANSACTION_TYPES) and before.units + count == item.units
        )
        rows, base = _unit_rows(
            item, before, count, with_shipping and not before.shipping, cur
        )
    if shape == "restocking" and fee_here:
        principal = -sum((a for (_t, d), a, _e in rows if d == "Principal"), Decimal(0))
        fee = _restocking(restocking_fee, principal, cur)
        rows.append((("ItemPrice", "RestockingFee"), fee, {}))
    commission = quantize(base * COMMISSION_RATE, cur)
    if commission:
        rows.append((("ItemFees", "Commission"), commission, {}))
        rows.append(
            (
                ("ItemFees", "RefundCommission"),
                -quantize(commission * REFUND_COMMISSION_RATE, cur),
                {},
            )
        )
    return rows


def plan_refund(
    order_id: str,
    paid_items: tuple[PaidItem, ...],
    given: dict[str, Given],
    *,
    shape: str,
    currency: str,
    adjustment_id: str,
    posted: datetime,
    items: dict[str, int] | None = None,
    amount=None,
    restocking_fee=None,
) -> Refund:
    """The refund of ``shape`` of an order whose items were paid ``paid_items``
    and which earlier refunds gave ``given``; ValueError on what Amazon would not
    do (the module's docstring). ``given`` is not changed: :func:`record` does."""
    if shape not in SHAPES:
        raise ValueError(f"shape {shape!r} is not one of {', '.join(SHAPES)}")
    if amount is not None and shape != "goodwill":
        raise ValueError("amount is a goodwill refund's")
    if restocking_fee is not None and shape != "restocking":
        raise ValueError("restocking_fee is a restocking refund's")
    paid = {p.order_item_code: p for p in paid_items}
    if not paid:
        raise ValueError(f"order {order_id} has no priced item to refund")
    given = {i: given.get(i) or Given() for i in paid}
    units = _check_items(paid, given, shape, items)
    if shape == "promotion" and not any(paid[i].promoted for i in units):
        raise ValueError(f"order {order_id}: no promoted item left to refund")
    rows, money = [], {}
    for item_id, count in units.items():
        item, before = paid[item_id], given[item_id]
        line = {"order-item-code": item_id, "sku": item.sku}
        item_rows = _item_rows(
            shape,
            item,
            before,
            count,
            currency,
            amount=amount,
            # A share on every item; an amount on the first one.
            restocking_fee=restocking_fee,
            fee_here=not rows
            or restocking_fee is None
            or isinstance(restocking_fee, float),
        )
        given_back = -sum(
            (a for (t, _d), a, _e in item_rows if t in ("ItemPrice", "Promotion")),
            Decimal(0),
        )
        if before.money + given_back > item.paid:
            raise ValueError(
                f"item {item_id}: {given_back} more given back would make "
                f"{before.money + given_back}, more than the {item.paid} paid"
            )
        money[item_id] = given_back
        transaction = TRANSACTION_TYPES.get(shape, REFUND)
        rows += [
            ((transaction, *kind), value, {**line, **extra})
            for kind, value, extra in item_rows
        ]
    if not rows:
        raise ValueError(f"order {order_id}: nothing left to give back as {shape}")
    return Refund(
        order_id,
        shape,
        adjustment_id,
        posted,
        {i: n for i, n in units.items() if n},
        tuple(rows),
        given=money,
    )


def record(refund: Refund, given: dict[str, Given]) -> None:
    """Add what ``refund`` gave back to ``given`` (by order item)."""
    for item_id, value in refund.given.items():
        before = given.setdefault(item_id, Given())
        before.units += refund.units.get(item_id, 0)
        before.money += value
        if any(
            row[2].get("order-item-code") == item_id
            and row[0][2] in ("Shipping", "ShippingTax")
            for row in refund.rows
        ):
            before.shipping = True


def feasible_shapes(paid_items: tuple[PaidItem, ...]) -> tuple[str, ...]:
    """The shapes an order never refunded can take."""
    shapes = []
    for shape in SHAPES:
        if shape == "shipping" and not any(p.shipping for p in paid_items):
            continue
        if shape == "promotion" and not any(p.promoted for p in paid_items):
            continue
        shapes.append(shape)
    return tuple(shapes)


def default_options(shape: str, paid_items: tuple[PaidItem, ...], cur: str) -> dict:
    """The keyword arguments a generated refund of ``shape`` takes: a goodwill
    of a tenth of the first item (at least one cent or yen), a restocking fee
    of :data:`DEFAULT_RESTOCKING_SHARE`."""
    if shape == "goodwill":
        first = paid_items[0].paid
        step = quantize(Decimal(1), cur) if cur == "JPY" else Decimal("0.01")
        return {"amount": min(max(quantize(first / 10, cur), step), first)}
    return {}
