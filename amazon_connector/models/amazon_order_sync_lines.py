# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from dataclasses import dataclass, field

from odoo import Command, models

from ..amazon.errors import AmazonDataError
from ..amazon.money import currency_decimals
from ..amazon.order_totals import compute_lines
from ..amazon.tax_rates import infer_rate


@dataclass
class _OrderTaxes:
    """What the lines of one order found so far, for the next ones: the rate and
    the taxes of each item (its shipping, gift wrap and promotions follow them),
    the products without any sales tax."""

    decimals: int
    item_rates: dict = field(default_factory=dict)
    item_taxes: dict = field(default_factory=dict)
    untaxed: list = field(default_factory=list)


class AmazonOrderSync(models.AbstractModel):
    """The sale-order lines of an Amazon order: products, descriptions, and the
    taxes that reproduce Amazon's amounts."""

    _inherit = "amazon.order.sync"

    def _line_values(self, batch, order, customer):
        """The sale-order lines of ``order`` for ``customer`` (partner values), and
        what the seller must review (a summary and a note), or None."""
        marketplace = batch.marketplace(order)
        currency = order.currency or marketplace.currency_id.name
        seen = _OrderTaxes(decimals=currency_decimals(currency))
        values = []
        item_by_id = {item.order_item_id: item for item in order.items}
        for sequence, line in enumerate(
            compute_lines(
                order,
                tax_included=marketplace.prices_include_tax,
                facilitator_tax=marketplace.facilitator_tax,
            ),
            start=10,
        ):
            item = item_by_id.get(line.order_item_id)
            if line.quantity < 0:
                raise AmazonDataError(
                    f"Amazon order {order.order_id}: item {line.order_item_id}: "
                    f"negative quantity {line.quantity}"
                )
            product = batch.line_product(line.kind, item, marketplace)
            taxes = self._line_taxes(batch, order, line, product, customer, seen)
            values.append(
                {
                    "product_id": product.id,
                    "name": self._line_description(batch, line, item, product),
                    "product_uom_qty": float(line.quantity),
                    "price_unit": float(line.price_unit),
                    "tax_id": [Command.set(taxes.ids)],
                    "amazon_order_item_id": line.order_item_id,
                    "sequence": sequence,
                }
            )
        if not values:
            raise AmazonDataError(f"Amazon order {order.order_id}: no items")
        return values, self._untaxed_review(order, seen.untaxed)

    def _line_taxes(self, batch, order, line, product, customer, seen):
        """The taxes of one line of ``order``; ``seen`` (``_OrderTaxes``) holds
        what its earlier lines found."""
        taxes = self.env["account.tax"]
        if line.kind != "facilitator_tax" and line.tax_amount:
            # Tax included: the line's total; excluded: its amount before tax.
            # Shipping, gift wrap and promotions (negative) take the rate of
            # their item when it fits.
            rate = infer_rate(
                line.quantity * line.price_unit,
                line.tax_amount,
                price_include=line.price_includes_tax,
                decimals=seen.decimals,
                preferred=[seen.item_rates.get(line.order_item_id)],
                known=batch.known_rates(line.price_includes_tax),
            )
            if rate is not None:
                taxes = batch.tax(rate, line.price_includes_tax)
                if line.kind == "product":
                    seen.item_rates.setdefault(line.order_item_id, rate)
        elif not line.tax_stated and line.price_includes_tax:
            # Amazon sent no TAX: the buyer paid the amount tax included, the
            # tax is what Odoo itself applies to the product for this customer.
            # Shipping, gift wrap and promotions follow their item.
            if line.kind == "product":
                # Looked up only here: orders whose tax Amazon states need none.
                fiscal_position = batch.fiscal_position(
                    customer["partner_id"], customer["partner_shipping_id"]
                )
                taxes = batch.included_taxes(product, fiscal_position)
                seen.item_taxes.setdefault(line.order_item_id, taxes)
                # No tax at all on the product: the seller must decide (a
                # fiscal position that maps the taxes away is a decision).
                # (A Pending order has no prices yet: its lines are made again
                # when Amazon confirms it.)
                if (
                    line.quantity
                    and not order.is_pending
                    and not batch.product_taxes(product)
                ):
                    seen.untaxed.append(product.display_name)
            else:
                taxes = seen.item_taxes.get(line.order_item_id) or taxes
        elif order.is_business and line.tax_stated and line.kind != "facilitator_tax":
            taxes = self._zero_rated_taxes(batch, line, product, customer, seen)
        return taxes

    def _zero_rated_taxes(self, batch, line, product, customer, seen):
        """A business sale on which Amazon states a tax of 0 (reverse charge,
        intra-community supply): the product's taxes as the customer's fiscal
        position maps them (Odoo's intra-community 0 %), kept only when they add
        nothing, so that Amazon's amounts still decide the total. Shipping, gift
        wrap and promotions follow their item."""
        if line.kind != "product":
            return seen.item_taxes.get(line.order_item_id) or self.env["account.tax"]
        fiscal_position = batch.fiscal_position(
            customer["partner_id"], customer["partner_shipping_id"]
        )
        taxes = fiscal_position.map_tax(batch.product_taxes(product))
        if taxes:
            amounts = taxes.compute_all(100.0)
            if amounts["total_excluded"] != amounts["total_included"]:
                taxes = self.env["account.tax"]  # not a zero rate: Amazon's 0 wins
        seen.item_taxes.setdefault(line.order_item_id, taxes)
        return taxes

    def _untaxed_review(self, order, untaxed):
        """What the seller must review when products of ``order`` carry no tax
        (a summary and a note), or None."""
        if not untaxed:
            return None
        return (
            self.env._("Amazon order without VAT: set the product's sales tax"),
            self.env._(
                "Amazon sent no tax for order %(ref)s and these products have no "
                "sales tax, so their lines carry none: %(products)s. Set the "
                "products' sales taxes, then correct this order's lines.",
                ref=order.order_id,
                products=", ".join(sorted(set(untaxed))),
            ),
        )

    def _line_description(self, batch, line, item, product):
        _ = self.env._
        if line.kind == "product" and item:
            if product == batch.placeholder("generic"):
                parts = [
                    f"[{item.sku or '?'}] {item.title or ''}".strip(),
                    _("ASIN: %s", item.asin or "-"),
                    _(
                        "Amazon line: %(qty)s x %(price)s",
                        qty=item.quantity,
                        price=line.price_unit,
                    ),
                ]
            else:
                parts = [product.display_name]
        else:
            labels = {
                "shipping": _("Shipping"),
                "shipping_discount": _("Shipping promotion"),
                "gift_wrap": _("Gift wrap"),
                "discount": _("Promotion"),
                "facilitator_tax": _("Sales tax collected by Amazon"),
                "adjustment": _("Adjustment to Amazon's total"),
                "other": _("Other charge"),
            }
            parts = [labels.get(line.kind, line.kind)]
            if item and item.sku:
                parts[0] += f" ({item.sku})"
        if line.description_extra:
            parts.append(line.description_extra)
        return "\n".join(parts)
