# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from collections import defaultdict
from dataclasses import dataclass, field

from odoo import api, models
from odoo.tools import float_compare, float_round

from ..amazon.fulfillment import AMAZON


@dataclass
class MerchantOutcome:
    """What applying a merchant returns report did, for its summary."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    transfers: int = 0
    missing_returns: int = 0
    missing_orders: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)  # "order: SKU"
    capped: list = field(default_factory=list)  # return names
    skipped: list = field(default_factory=list)  # why, per return
    fba_orders: list = field(default_factory=list)  # "order (RMA)" Amazon shipped


@dataclass
class ItemMatch:
    """A report item matched to the order: its line (or none), product, and
    the units that come back once capped: ``quantity`` in Amazon's unit (the
    order line's), ``product_qty`` in the product's (what the stock moves)."""

    item: object
    sale_line: object
    product: object
    quantity: int
    capped: bool = False
    product_qty: float = 0.0
    kit: bool = False


class AmazonReturnMerchant(models.Model):
    """Merchant returns applied: each return authorisation (RMA) of Amazon's
    returns report becomes one ``amazon.return`` of its order, received as the
    return of the order's delivery (Odoo's own return transfer), once."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.return"

    @api.model
    def _amazon_apply_merchant_returns(self, account, reading):
        """Apply a ``MerchantReturnsReading`` to ``account``: a new RMA becomes a
        return (and its transfer), a known one is updated; a return of an order
        not in Odoo is only listed. Return the summary in a seller's words.
        Applying the same reading twice changes nothing."""
        returns = [r for r in reading.returns if r.rma_ref]
        outcome = MerchantOutcome(
            skipped=[
                self.env._("a return of order %s without RMA id", r.order_ref)
                for r in reading.returns
                if not r.rma_ref
            ]
        )
        orders = self._amazon_return_orders(account, {r.order_ref for r in returns})
        known = {
            ret.amazon_rma_ref: ret
            for ret in self.search(
                [
                    ("account_id", "=", account.id),
                    ("amazon_rma_ref", "in", [r.rma_ref for r in returns]),
                ]
            )
        }
        transfers = self._amazon_transfers_of(known.values())
        touched = set()
        for merchant_return in returns:
            order = orders.get(merchant_return.order_ref)
            if not order:
                outcome.missing_returns += 1
                if merchant_return.order_ref not in outcome.missing_orders:
                    outcome.missing_orders.append(merchant_return.order_ref)
                continue
            if order.amazon_fulfilled_by == AMAZON:
                # Its units come back through the FBA customer returns report.
                outcome.fba_orders.append(
                    f"{order.amazon_order_ref} ({merchant_return.rma_ref})"
                )
                continue
            ret = known.get(merchant_return.rma_ref)
            if ret:
                if ret._amazon_update_merchant(
                    merchant_return, transfers.get(ret.id, ()), outcome
                ):
                    outcome.updated += 1
                else:
                    outcome.unchanged += 1
            else:
                ret, made = self._amazon_create_merchant(
                    account, order, merchant_return, outcome
                )
                transfers[ret.id] = made.ids
                known[merchant_return.rma_ref] = ret
                outcome.created += 1
            touched.add(order.id)
        touched = self.env["sale.order"].browse(sorted(touched))
        touched._amazon_tell_return_story()
        return self._amazon_merchant_summary(reading, outcome)

    @api.model
    def _amazon_return_orders(self, account, refs):
        """{Amazon order id: sale order} of ``account``'s orders among ``refs``."""
        return {
            order.amazon_order_ref: order
            for order in self.env["sale.order"].search(
                [
                    ("amazon_account_id", "=", account.id),
                    ("amazon_order_ref", "in", list(refs)),
                ]
            )
        }

    @api.model
    def _amazon_merchant_values(self, merchant_return):
        """The return's values Amazon gives (those it left empty are left out)."""
        reasons = [i for i in merchant_return.items if i.reason_code or i.reason]
        values = {
            "amazon_status": merchant_return.status,
            "request_date": merchant_return.request_date,
            "delivered_date": merchant_return.delivered_date,
            "resolution": merchant_return.resolution,
            "label_type": merchant_return.label_type,
            "label_carrier": merchant_return.label_carrier,
            "label_tracking": merchant_return.label_tracking,
            "label_cost": (
                float(merchant_return.label_cost)
                if merchant_return.label_cost is not None
                else None
            ),
            "label_payer": merchant_return.label_payer,
            "reason_code": reasons[0].reason_code if reasons else None,
            "reason": reasons[0].reason if reasons else None,
        }
        values = {name: value for name, value in values.items() if value is not None}
        if merchant_return.returnless:
            values["returnless"] = True
        return values

    # -------------------------------------------------------------- a new RMA

    @api.model
    def _amazon_create_merchant(self, account, order, merchant_return, outcome):
        """The return of ``order`` Amazon authorised, its items matched to the
        order's lines (capped at what was delivered and not returned yet), and,
        unless nothing comes back, the return of its delivery: (return, its
        transfers)."""
        matches = self._amazon_match_items(account, order, merchant_return.items)
        notes = []
        unmatched = [m.item.sku for m in matches if not m.sale_line]
        if unmatched:
            outcome.unmatched.extend(
                f"{order.amazon_order_ref}: {s}" for s in unmatched
            )
            notes.append(
                self.env._("SKU(s) on no order line: %s", ", ".join(unmatched))
            )
        kits = [m.item.sku for m in matches if m.kit]
        if kits:
            notes.append(
                self.env._("kit: receive the components by hand (%s)", ", ".join(kits))
            )
        capped = [m for m in matches if m.capped and not m.kit]
        if capped:
            notes.append(
                self.env._(
                    "Amazon reports more units than were delivered and not yet "
                    "returned: %s",
                    ", ".join(
                        self.env._(
                            "%(sku)s %(reported)s capped at %(kept)s",
                            sku=m.item.sku,
                            reported=m.item.quantity,
                            kept=m.quantity,
                        )
                        for m in capped
                    ),
                )
            )
        ret = self.create(
            {
                **self._amazon_merchant_values(merchant_return),
                "account_id": account.id,
                "order_id": order.id,
                "amazon_order_ref": order.amazon_order_ref,
                "fulfillment_channel": "merchant",
                "amazon_rma_ref": merchant_return.rma_ref,
                "note": "; ".join(notes) or False,
                "to_check": bool(notes),
                "line_ids": [
                    (0, 0, ret_line) for ret_line in return_line_values(matches)
                ],
            }
        )
        if capped:
            outcome.capped.append(ret.name)
        made = self.env["stock.picking"]
        if ret._amazon_expects_parcel():
            made = ret._amazon_make_transfers(matches)
            outcome.transfers += len(made)
        return ret, made

    @api.model
    def _amazon_match_items(self, account, order, items):
        """An ``ItemMatch`` per item: its order line (by Amazon's order item id,
        else the SKU: the line whose product has it as Internal Reference, else
        the line of the SKU's offer's product), its units capped at what the
        line delivered and has not had back yet."""
        goods = order._amazon_goods_lines() or order.order_line
        left = {line: sum(_returnable(m) for m in _delivered(line)) for line in goods}
        matches = []
        for item in items:
            line, product = self._amazon_item_line(account, goods, left, item)
            quantity = max(item.quantity, 0)
            if not line:
                matches.append(ItemMatch(item, line, product, quantity))
                continue
            if is_kit_line(line):
                # Its units left as components: nothing to match them to.
                matches.append(
                    ItemMatch(item, line, line.product_id, quantity, kit=True)
                )
                continue
            # Amazon counts in the order line's unit, the stock in the product's.
            wanted = line.product_uom._compute_quantity(
                quantity, line.product_id.uom_id
            )
            kept = min(wanted, max(left[line], 0))
            left[line] -= kept
            matches.append(
                ItemMatch(
                    item,
                    line,
                    line.product_id,
                    round(
                        line.product_id.uom_id._compute_quantity(kept, line.product_uom)
                    ),
                    float_compare(
                        kept, wanted, precision_rounding=line.product_id.uom_id.rounding
                    )
                    < 0,
                    kept,
                )
            )
        return matches

    @api.model
    def _amazon_item_line(self, account, goods, left, item):
        """(order line, product) of a report item: the line of Amazon's order
        item id, else the SKU's (the line whose product has it as Internal
        Reference, else the line of the SKU's offer's product), one with units
        left first."""
        product = self.env["product.product"]
        line = goods.filtered(
            lambda ln: (
                item.order_item_id and ln.amazon_order_item_id == item.order_item_id
            )
        )[:1]
        if not line:
            line = goods.filtered(lambda ln: ln.product_id.default_code == item.sku)
        if not line:
            product = self._amazon_sku_product(account, item.sku)
            line = goods.filtered(lambda ln: product and ln.product_id == product)
        line = line.filtered(lambda ln: left[ln] > 0)[:1] or line[:1]
        return line, product

    @api.model
    def _amazon_sku_product(self, account, sku):
        """The product of ``sku``: its offer's, else the one of that Internal
        Reference (empty when none)."""
        offer = self.env["amazon.offer"].search(
            [
                ("account_id", "=", account.id),
                ("sku", "=", sku),
                ("product_id", "!=", False),
            ],
            limit=1,
        )
        if offer:
            return offer.product_id
        return (
            self.env["product.product"]
            .with_company(account.company_id)
            .search(
                [
                    ("default_code", "=", sku),
                    ("company_id", "in", (False, account.company_id.id)),
                ],
                limit=1,
            )
        )

    def _amazon_make_transfers(self, matches):
        """Odoo's return of the done deliveries for the matched units (one per
        delivery they left with), confirmed and ready to receive; the first is
        the return's transfer. Nothing to receive: none."""
        self.ensure_one()
        by_picking = defaultdict(dict)
        for match in matches:
            if match.sale_line and match.product_qty:
                for move, units in _allocate(match.sale_line, match.product_qty):
                    by_picking[move.picking_id][move] = units
        transfers = self.env["stock.picking"].browse(
            [
                self._amazon_return_delivery(delivery, units).id
                for delivery, units in by_picking.items()
            ]
        )
        if transfers:
            self.picking_id = transfers[:1]
        return transfers

    def _amazon_return_delivery(self, delivery, units):
        """Odoo's return wizard on ``delivery`` for ``units`` ({move: units});
        the return transfer, carrying this return."""
        self.ensure_one()
        wizard = (
            self.env["stock.return.picking"]
            .with_company(delivery.company_id)
            .with_context(active_id=delivery.id, active_model="stock.picking")
            .create({"picking_id": delivery.id})
        )
        for line in wizard.product_return_moves:
            line.quantity = units.get(line.move_id, 0)
            # Amazon's refund in the settlement makes the credit note: the
            # return leaves the order's delivered quantity as it is.
            line.to_refund = False
        transfer = wizard._create_return()
        transfer.write(
            {
                "amazon_return_id": self.id,
                "origin": self.env._(
                    "Return of %(delivery)s (Amazon RMA %(rma)s: %(reason)s)",
                    delivery=delivery.name,
                    rma=self.amazon_rma_ref,
                    reason=self.reason or self.reason_code or "-",
                ),
            }
        )
        return transfer

    # ---------------------------------------------------------------- summary

    @api.model
    def _amazon_merchant_summary(self, reading, outcome):
        _ = self.env._
        summary = _(
            "Merchant returns: %(created)s new (%(transfers)s return transfer(s)), "
            "%(updated)s updated, %(unchanged)s unchanged.",
            created=outcome.created,
            transfers=outcome.transfers,
            updated=outcome.updated,
            unchanged=outcome.unchanged,
        )
        lists = (
            (
                outcome.missing_orders,
                _("%(count)s return(s) of orders not in Odoo: %(list)s"),
            ),
            (outcome.unmatched, _("%(count)s item(s) on no order line: %(list)s")),
            (
                outcome.capped,
                _("%(count)s return(s) capped at the units delivered: %(list)s"),
            ),
            (outcome.skipped, _("%(count)s return(s) skipped: %(list)s")),
            (
                outcome.fba_orders,
                _(
                    "%(count)s return(s) of orders Amazon shipped, left to the FBA "
                    "customer returns report: %(list)s"
                ),
            ),
            (
                [f"line {line}: {why}" for line, why in reading.problems],
                _("%(count)s row(s) not read: %(list)s"),
            ),
        )
        for items, text in lists:
            if items:
                count = len(items)
                if items is outcome.missing_orders:
                    count = outcome.missing_returns
                summary += " " + text % {"count": count, "list": _few(items)}
        return summary


def _few(items, limit=20):
    return "; ".join(items[:limit]) + ("…" if len(items) > limit else "")


def return_line_values(matches):
    return [
        {
            "sku": match.item.sku,
            "asin": match.item.asin or False,
            "amazon_order_item_id": match.item.order_item_id or False,
            "product_id": match.product.id,
            "sale_line_id": match.sale_line.id,
            "quantity": match.quantity,
        }
        for match in matches
    ]


def _allocate(sale_line, quantity):
    """[(done delivery move of ``sale_line``, units)] for ``quantity`` units that
    come back, the latest delivery first, each move giving at most what left
    with it and has not come back yet."""
    allocation = []
    for move in _delivered(sale_line).sorted(lambda m: (m.date, m.id), reverse=True):
        if quantity <= 0:
            break
        units = min(quantity, _returnable(move))
        if units > 0:
            allocation.append((move, units))
            quantity -= units
    return allocation


def _delivered(sale_line):
    """The done moves that took ``sale_line``'s product to the buyer."""
    return sale_line.move_ids.filtered(
        lambda m: (
            m.state == "done"
            and m.location_dest_id.usage == "customer"
            and m.product_id == sale_line.product_id
        )
    )


def _returnable(move):
    """Units of a done delivery move not returned yet (returns not canceled)."""
    delivered = move.product_uom._compute_quantity(
        move.quantity, move.product_id.uom_id
    )
    returned = sum(r.product_qty for r in move.returned_move_ids if r.state != "cancel")
    return float_round(
        delivered - returned, precision_rounding=move.product_id.uom_id.rounding
    )


def is_kit_line(sale_line):
    """Whether ``sale_line``'s product left as other products (a kit: its
    delivery moves are its components)."""
    return any(
        m.product_id != sale_line.product_id
        for m in sale_line.move_ids
        if m.state != "cancel"
    )
