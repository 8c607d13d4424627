"""Sale-order lines for an Amazon order, whose total equals Amazon's grand total.

:func:`compute_lines` turns a parsed :class:`~.order_payload.AmazonOrder` into
:class:`LineAmounts`; the Odoo layer creates one sale-order line from each. The rules:

**Line total.** ``LineAmounts.total`` is what a line adds to the order total:
``quantity * price_unit`` when ``price_includes_tax``, else
``quantity * price_unit + tax_amount``. The lines of an order add up to
``proceeds.grandTotal`` to the cent (:func:`check_total` returns the difference).

**Tax-included marketplaces** (EU, UK, JP... ``tax_included=True``): ``price_unit`` is
the tax-included amount per unit (Amazon's principal plus its tax), so an Odoo
price-included tax reproduces Amazon's numbers; ``tax_amount`` is Amazon's tax for the
line. With ``tax_included=False`` ``price_unit`` is the amount before tax and Odoo
adds the tax on top. Either way ``tax_amount`` is the tax Amazon states, for the Odoo
layer to compare with what its tax computes.

**One line per kind of amount**, per item: ``product`` (quantity = quantity ordered),
then, when not zero, ``shipping``, ``gift_wrap`` (its ``description_extra`` carries the
wrap level and gift message; the product line carries the message when there is no
wrap charge), ``other`` (cash-on-delivery fee, other charges), and the promotions as
negative lines ``discount`` and ``shipping_discount`` (quantity 1, ``description_extra``
lists the promotion ids). Amazon's tax on promotions is spread over the two discount
lines in proportion to their amounts. Amounts other than the product are per item, with
quantity 1.

**Marketplace facilitator tax** (US states, and any item whose ``tax.taxCollections``
says ``MARKETPLACE_FACILITATOR``; ``facilitator_tax=True`` applies it to every item):
Amazon collects and remits the tax, it is not seller revenue, so product, shipping...
lines carry the amount before tax and ``tax_amount`` 0, and the item's tax goes on one
``facilitator_tax`` line (quantity 1, no tax) that the Odoo layer books to a clearing
account. In the sandbox the US ``TAX`` breakdown is inside ``proceedsTotal`` and
``grandTotal``, so that line is needed for the total to match; if an order's
``grandTotal`` leaves the facilitator tax out (to the cent), the ``facilitator_tax``
lines are left out too. :func:`facilitator_tax_total` gives the amount either way.

**Items without a TAX breakdown** (the ITEM-only shape Amazon sends sellers who do not
use its VAT calculation): their lines carry ``tax_amount`` 0 and ``tax_stated`` False;
on tax-included marketplaces the amounts are what the buyer paid, tax included, and the
Odoo layer applies the taxes Odoo itself would (the product's, through the customer's
fiscal position), as price-included taxes.

**Order-level charges** (``DELIVERY_TIP``): an ``other`` line each, without
``order_item_id``, unless ``grandTotal`` leaves them out (to the cent).

**Per-unit rounding**: when a product amount does not divide by the quantity in the
currency's decimals (3 units for 10.00), the item gets two product lines with the same
``order_item_id``: ``2 x 3.33`` and ``1 x 3.34``. Prices never need more decimals than
the currency (2 by default in Odoo's "Product Price" precision, 0 for JPY), and the
tax is split between the two lines in proportion to their quantities.

**Anything Amazon's breakdowns leave unexplained** (the grand total differs from the
lines by an amount no rule above explains) becomes one ``adjustment`` line and a
warning in the log, so the order total still matches; the Odoo layer can flag such
orders for review.

Pending orders often come without prices: their product lines have price 0 (or the
unit price when Amazon gives one) and :func:`check_total` has nothing to compare with.
"""

import logging
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from .money import CURRENCY_DECIMALS, Money, quantize
from .order_payload import AmazonOrder, OrderItem

_logger = logging.getLogger(__name__)

LINE_KINDS = (
    "product",
    "shipping",
    "gift_wrap",
    "other",
    "discount",
    "shipping_discount",
    "facilitator_tax",
    "adjustment",
)

ZERO = Decimal(0)


@dataclass(frozen=True)
class LineAmounts:
    """The amounts of one sale-order line to create."""

    kind: str
    order_item_id: str | None  # None for order-level lines (tip, adjustment)
    sku: str | None
    quantity: Decimal
    price_unit: Decimal  # tax included when price_includes_tax
    tax_amount: Decimal  # Amazon's seller-collected tax for the whole line
    description_extra: str | None
    price_includes_tax: bool
    # False when Amazon stated no tax for the line's item (no TAX breakdown): the
    # Odoo layer applies the taxes Odoo itself would (tax-included marketplaces).
    tax_stated: bool = True

    @property
    def total(self) -> Decimal:
        """What this line adds to the order total."""
        subtotal = self.quantity * self.price_unit
        return subtotal if self.price_includes_tax else subtotal + self.tax_amount


def compute_lines(
    order: AmazonOrder, *, tax_included: bool, facilitator_tax: bool
) -> list[LineAmounts]:
    """The sale-order lines of ``order``; see the module docstring for the rules."""
    builder = _LineBuilder(order, tax_included=tax_included)
    item_lines: list[LineAmounts] = []
    facilitator_lines: list[LineAmounts] = []
    for item in order.items:
        lines, facilitator_line = builder.item_lines(
            item, facilitator=facilitator_tax or item.tax_collected_by_marketplace
        )
        item_lines += lines
        if facilitator_line:
            facilitator_lines.append(facilitator_line)
    charge_lines = [
        builder.line(
            "other", None, None, Decimal(1), charge.amount.amount, ZERO, charge.type
        )
        for charge in order.order_charges
    ]
    if order.grand_total is None:
        return item_lines + facilitator_lines + charge_lines

    # Amazon does not document whether the facilitator tax and order-level charges
    # are inside grandTotal: keep them unless the total says to the cent they are not.
    target = order.grand_total.amount
    candidates = [
        (facilitator_lines, charge_lines),
        (facilitator_lines, []),
        ([], charge_lines),
        ([], []),
    ]
    for facilitator_part, charge_part in candidates:
        lines = item_lines + facilitator_part + charge_part
        if _sum(lines) == target:
            return lines
    lines = item_lines + facilitator_lines + charge_lines
    residual = target - _sum(lines)
    _logger.warning(
        "Amazon order %s: the breakdowns leave %s %s of the grand total unexplained; "
        "adding an adjustment line",
        order.order_id,
        residual,
        order.currency,
    )
    lines.append(
        builder.line("adjustment", None, None, Decimal(1), residual, ZERO, None)
    )
    return lines


def check_total(lines: list[LineAmounts], order: AmazonOrder) -> Decimal:
    """Amazon's total minus the lines' total: 0 when they match to the cent.

    Amazon's total is ``proceeds.grandTotal``, else the sum of the items'
    ``proceedsTotal``; without either (pending orders) there is nothing to compare
    with and the result is 0.
    """
    if order.grand_total is not None:
        reference = order.grand_total.amount
    else:
        totals = [
            item.proceeds_total.amount for item in order.items if item.proceeds_total
        ]
        if not totals:
            return ZERO
        reference = sum(totals, ZERO)
    return reference - _sum(lines)


def facilitator_tax_total(
    order: AmazonOrder, *, facilitator_tax: bool = False
) -> Decimal:
    """The tax Amazon collects and remits itself on ``order`` (not seller revenue):
    the tax of the items marked ``MARKETPLACE_FACILITATOR``, or of every item when
    ``facilitator_tax`` is set for the marketplace."""
    return sum(
        (
            _item_tax(item)
            for item in order.items
            if facilitator_tax or item.tax_collected_by_marketplace
        ),
        ZERO,
    )


def _sum(lines: list[LineAmounts]) -> Decimal:
    return sum((line.total for line in lines), ZERO)


def _amount(money: Money | None) -> Decimal:
    return money.amount if money is not None else ZERO


def _item_tax(item: OrderItem) -> Decimal:
    return (
        _amount(item.item_tax)
        + _amount(item.shipping_tax)
        + _amount(item.gift_wrap_tax)
        + _amount(item.cod_fee_tax)
        + _amount(item.other_tax)
        - _amount(item.discount_tax)
    )


class _LineBuilder:
    def __init__(self, order: AmazonOrder, *, tax_included: bool):
        self.order = order
        self.tax_included = tax_included
        self.currency = order.currency
        decimals = CURRENCY_DECIMALS.get(order.currency, 2) if order.currency else 2
        self.step = Decimal(1).scaleb(-decimals)

    def round(self, amount: Decimal) -> Decimal:
        if self.currency:
            return quantize(amount, self.currency)
        return amount.quantize(self.step)

    def line(
        self, kind, item_id, sku, quantity, price_unit, tax, extra, tax_stated=True
    ) -> LineAmounts:
        return LineAmounts(
            kind=kind,
            order_item_id=item_id,
            sku=sku,
            quantity=quantity,
            price_unit=self.round(price_unit),  # exact already: only the exponent
            tax_amount=self.round(tax),
            description_extra=extra,
            price_includes_tax=self.tax_included,
            tax_stated=tax_stated,
        )

    def item_lines(
        self, item: OrderItem, *, facilitator: bool
    ) -> tuple[list[LineAmounts], LineAmounts | None]:
        """The lines of one item, and its facilitator-tax line if any."""
        lines: list[LineAmounts] = []
        facilitator_amount = ZERO
        tax_stated = facilitator or item.tax_stated
        for kind, amount, tax, extra in self.item_components(item):
            if kind != "product" and not amount and not tax:
                continue
            gross = amount if item.amounts_include_tax else amount + tax
            net = gross - tax
            if facilitator:
                facilitator_amount += tax
                price_total, seller_tax = net, ZERO
            else:
                price_total = gross if self.tax_included else net
                seller_tax = tax
            if kind == "product":
                lines += self.product_lines(
                    item, price_total, seller_tax, extra, tax_stated
                )
            else:
                lines.append(
                    self.line(
                        kind,
                        item.order_item_id,
                        item.sku,
                        Decimal(1),
                        price_total,
                        seller_tax,
                        extra,
                        tax_stated,
                    )
                )
        facilitator_line = None
        if facilitator_amount:
            facilitator_line = self.line(
                "facilitator_tax",
                item.order_item_id,
                item.sku,
                Decimal(1),
                facilitator_amount,
                ZERO,
                item.tax_responsible_party,
            )
        return lines, facilitator_line

    def item_components(
        self, item: OrderItem
    ) -> list[tuple[str, Decimal, Decimal, str | None]]:
        """(kind, amount, tax, description_extra) of each amount of one item, in the
        order of its lines; the product first, zero amounts included."""
        discount = _amount(item.discount)
        shipping_discount = _amount(item.shipping_discount)
        discount_part, shipping_discount_part, unassigned_discount_tax = (
            self.discount_tax_parts(item)
        )
        principal = _principal(item)
        promotions = (
            "Promotions: " + ", ".join(item.promotion_ids)
            if item.promotion_ids
            else None
        )
        gift = _gift_text(item)
        has_wrap_line = bool(_amount(item.gift_wrap) or _amount(item.gift_wrap_tax))
        return [
            (
                "product",
                _amount(principal),
                _amount(item.item_tax) - unassigned_discount_tax,
                None if has_wrap_line else gift,
            ),
            ("shipping", _amount(item.shipping), _amount(item.shipping_tax), None),
            ("gift_wrap", _amount(item.gift_wrap), _amount(item.gift_wrap_tax), gift),
            (
                "other",
                _amount(item.cod_fee),
                _amount(item.cod_fee_tax),
                "Cash on delivery fee",
            ),
            ("other", _amount(item.other), _amount(item.other_tax), None),
            ("discount", -discount, -discount_part, promotions),
            (
                "shipping_discount",
                -shipping_discount,
                -shipping_discount_part,
                promotions,
            ),
        ]

    def discount_tax_parts(self, item: OrderItem) -> tuple[Decimal, Decimal, Decimal]:
        """The tax taken off by promotions, shared by the two discount lines in
        proportion to their amounts: (on the discount line, on the shipping
        discount line, unassigned). Unassigned when Amazon sends no discount amount
        to carry it: it then comes off the product line."""
        discount = _amount(item.discount)
        shipping_discount = _amount(item.shipping_discount)
        discount_tax = _amount(item.discount_tax)
        discount_part = shipping_discount_part = unassigned_discount_tax = ZERO
        if discount and shipping_discount:
            discount_part = self.round(
                discount_tax * discount / (discount + shipping_discount)
            )
            shipping_discount_part = discount_tax - discount_part
        elif discount:
            discount_part = discount_tax
        elif shipping_discount:
            shipping_discount_part = discount_tax
        else:
            unassigned_discount_tax = discount_tax
        return discount_part, shipping_discount_part, unassigned_discount_tax

    def product_lines(
        self,
        item: OrderItem,
        price_total: Decimal,
        tax: Decimal,
        extra: str | None,
        tax_stated: bool = True,
    ) -> list[LineAmounts]:
        """One product line, or two when the amount does not divide by the quantity
        in the currency's decimals (``2 x 3.33 + 1 x 3.34`` for 10.00)."""
        quantity = item.quantity
        if quantity == 0:
            return self.cancelled_product_lines(
                item, price_total, tax, extra, tax_stated
            )
        base = (price_total / quantity).quantize(self.step, rounding=ROUND_FLOOR)
        remainder_units = int((price_total - base * quantity) / self.step)
        if not remainder_units:
            return [
                self.line(
                    "product",
                    item.order_item_id,
                    item.sku,
                    Decimal(quantity),
                    base,
                    tax,
                    extra,
                    tax_stated,
                )
            ]
        low_quantity = quantity - remainder_units
        low_tax = self.round(tax * low_quantity / quantity)
        return [
            self.line(
                "product",
                item.order_item_id,
                item.sku,
                Decimal(low_quantity),
                base,
                low_tax,
                extra,
                tax_stated,
            ),
            self.line(
                "product",
                item.order_item_id,
                item.sku,
                Decimal(remainder_units),
                base + self.step,
                tax - low_tax,
                extra,
                tax_stated,
            ),
        ]

    def cancelled_product_lines(
        self,
        item: OrderItem,
        price_total: Decimal,
        tax: Decimal,
        extra: str | None,
        tax_stated: bool,
    ) -> list[LineAmounts]:
        """A cancelled item (quantity 0) keeps its product line with quantity 0; any
        amount left on it still has to reach the total, on an ``other`` line."""
        lines = [
            self.line(
                "product",
                item.order_item_id,
                item.sku,
                ZERO,
                ZERO,
                ZERO,
                extra,
                tax_stated,
            )
        ]
        if price_total or tax:
            lines.append(
                self.line(
                    "other",
                    item.order_item_id,
                    item.sku,
                    Decimal(1),
                    price_total,
                    tax,
                    None,
                    tax_stated,
                )
            )
        return lines


def _principal(item: OrderItem) -> Money | None:
    """The item's ITEM amount; for a pending order without proceeds, its unit price
    times the quantity ordered."""
    principal = item.item
    if principal is None and item.proceeds_total is None and item.unit_price:
        principal = Money(
            item.unit_price.amount * item.quantity, item.unit_price.currency
        )
    return principal


def _gift_text(item: OrderItem) -> str | None:
    parts = []
    if item.gift_wrap_level:
        parts.append(f"Gift wrap: {item.gift_wrap_level}")
    if item.gift_message:
        parts.append(f"Gift message: {item.gift_message}")
    return "\n".join(parts) or None
