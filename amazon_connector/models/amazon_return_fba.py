# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""FBA customer returns: each row of Amazon's FBA customer returns report
becomes one ``amazon.return`` of its order, once, and the units come back into
the account's FBA stock (sellable) or its FBA unsellable location (damaged,
defective…), valued like the units that left.

A unit is placed once, by the disposition of the row that first reports it:
Amazon re-grading it later (the same license plate number with another
disposition) changes nothing here; neither do its removals or disposals."""

from collections import defaultdict
from dataclasses import dataclass, field

from odoo import Command, api, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..amazon.fulfillment import AMAZON
from ..amazon.return_vocabulary import DISPOSITIONS, is_sellable, reason_text
from .amazon_return_merchant import is_kit_line

#: How many orders or SKUs a summary names before "…".
_NAMED = 20


@dataclass
class FbaReturnsBatch:
    """The lookups of one report's rows, read once."""

    account: object  # amazon.account
    offers: dict  # SKU: the account's offers of it that have a product
    returned: dict  # (order id, product id): units of the order's FBA returns


@dataclass
class FbaReturnsOutcome:
    """What applying one FBA customer returns report did, for its summary."""

    created: int = 0
    known: int = 0
    units: dict = field(default_factory=lambda: defaultdict(int))  # location: units
    unknown_orders: list = field(default_factory=list)  # "order (SKU)"
    not_fba: list = field(default_factory=list)  # "order (SKU)"
    notes: list = field(default_factory=list)  # "return: note"
    problems: list = field(default_factory=list)
    order_ids: set = field(default_factory=set)  # the orders that got a return


def _plate(row):
    return (row.license_plate_number or "").strip()


def _row_key(row):
    """What makes a row one return: its license plate number, else its order,
    SKU, return date and fulfilment centre."""
    plate = _plate(row)
    if plate:
        return ("plate", plate)
    day = row.return_date.date() if row.return_date else None
    return ("row", row.order_ref, row.sku, day, row.fulfillment_center or None)


class AmazonReturn(models.Model):
    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.return"

    @api.model
    def _amazon_apply_fba_returns(self, account, reading):
        """Apply an FBA customer returns report (``FbaReturnsReading``) to
        ``account``: one return per returned unit (or units of one license plate
        number) of an imported FBA order, its units moved back into the account's
        FBA stock or FBA unsellable location. Applying the same rows again creates
        nothing. Return the summary, in a seller's words."""
        self = self.sudo().with_company(account.company_id)
        rows = reading.returns
        orders = {
            order.amazon_order_ref: order
            for order in self.env["sale.order"].search(
                [
                    ("amazon_account_id", "=", account.id),
                    ("amazon_order_ref", "in", list({r.order_ref for r in rows})),
                ]
            )
        }
        known = self._amazon_known_fba_returns(account, rows)
        batch = FbaReturnsBatch(
            account=account,
            offers=self._amazon_fba_return_offers(account, rows),
            returned=self._amazon_fba_returned_units(orders.values()),
        )
        outcome = FbaReturnsOutcome()
        for row in rows:
            key = _row_key(row)
            order = orders.get(row.order_ref)
            if key in known:
                outcome.known += 1
            elif not order:
                outcome.unknown_orders.append(f"{row.order_ref} ({row.sku})")
            elif order.amazon_fulfilled_by != AMAZON:
                outcome.not_fba.append(f"{row.order_ref} ({row.sku})")
            elif row.quantity < 1:
                outcome.problems.append(
                    self.env._(
                        "%(order)s (%(sku)s): Amazon reports %(quantity)s unit(s)",
                        order=row.order_ref,
                        sku=row.sku,
                        quantity=row.quantity,
                    )
                )
            else:
                known.add(key)
                self._amazon_apply_fba_return(batch, order, row, outcome)
        self.env["sale.order"].browse(
            sorted(outcome.order_ids)
        )._amazon_tell_return_story()
        return self._amazon_fba_returns_summary(reading, outcome)

    @api.model
    def _amazon_known_fba_returns(self, account, rows):
        """The keys (``_row_key``) of the rows' returns already recorded."""
        plates = [_plate(r) for r in rows if _plate(r)]
        known = {
            ("plate", ret.license_plate_number)
            for ret in self.search(
                [
                    ("account_id", "=", account.id),
                    ("license_plate_number", "in", plates),
                ]
            )
        }
        refs = [r.order_ref for r in rows if not _plate(r)]
        if refs:
            for ret in self.search(
                [
                    ("account_id", "=", account.id),
                    ("fulfillment_channel", "=", AMAZON),
                    ("license_plate_number", "=", False),
                    ("amazon_order_ref", "in", refs),
                ]
            ):
                for line in ret.line_ids:
                    known.add(
                        (
                            "row",
                            ret.amazon_order_ref,
                            line.sku,
                            ret.request_date or None,
                            ret.fulfillment_center or None,
                        )
                    )
        return known

    @api.model
    def _amazon_fba_return_offers(self, account, rows):
        """{SKU: the account's offers of it that have a product}."""
        Offer = self.env["amazon.offer"].with_context(active_test=False)
        ids = defaultdict(list)
        for offer in Offer.search_read(
            [
                ("account_id", "=", account.id),
                ("sku", "in", list({r.sku for r in rows})),
                ("product_id", "!=", False),
            ],
            ["sku"],
        ):
            ids[offer["sku"]].append(offer["id"])
        offers = defaultdict(lambda: Offer)
        offers.update({sku: Offer.browse(offer_ids) for sku, offer_ids in ids.items()})
        return offers

    @api.model
    def _amazon_fba_returned_units(self, orders):
        """{(order id, product id): units, in the product's unit} of the
        orders' FBA returns so far."""
        returned = defaultdict(float)
        for line in self.env["amazon.return.line"].search(
            [
                ("return_id.order_id", "in", [o.id for o in orders]),
                ("return_id.fulfillment_channel", "=", AMAZON),
                ("product_id", "!=", False),
            ]
        ):
            returned[(line.return_id.order_id.id, line.product_id.id)] += (
                _product_units(line.sale_line_id, line.product_id, line.quantity)
            )
        return returned

    @api.model
    def _amazon_apply_fba_return(self, batch, order, row, outcome):
        """Record one row as a return of ``order`` and take its units back; a
        row Odoo refuses (a ``UserError`` of the stock) is listed, nothing of it
        kept."""
        try:
            with self.env.cr.savepoint():
                ret = self._amazon_create_fba_return(batch, order, row)
                ret._amazon_receive_fba_return(outcome)
        except UserError as error:
            outcome.problems.append(f"{row.order_ref} ({row.sku}): {error}")
            return
        for line in ret.line_ids.filtered("product_id"):
            batch.returned[(order.id, line.product_id.id)] += _product_units(
                line.sale_line_id, line.product_id, line.quantity
            )
        outcome.created += 1
        outcome.order_ids.add(order.id)
        if ret.note:
            outcome.notes.append(f"{ret.name}: {ret.note}")

    @api.model
    def _amazon_create_fba_return(self, batch, order, row):
        """The return of one row, its one line capped at what the order shipped
        less its earlier FBA returns; what needs a look in its note."""
        notes = []
        disposition = (row.disposition or "").strip().upper()
        if disposition not in DISPOSITIONS:
            notes.append(
                self.env._(
                    "Amazon's disposition %s is not one the connector knows: "
                    "kept as unsellable",
                    row.disposition or self.env._("(none)"),
                )
            )
        product, sale_line, quantity, line_notes = self._amazon_fba_return_units(
            batch, order, row
        )
        notes += line_notes
        day = row.return_date.date() if row.return_date else False
        return self.create(
            {
                "account_id": batch.account.id,
                "order_id": order.id,
                "amazon_order_ref": order.amazon_order_ref,
                "fulfillment_channel": AMAZON,
                "license_plate_number": _plate(row) or False,
                "disposition": disposition if disposition in DISPOSITIONS else False,
                "fulfillment_center": row.fulfillment_center or False,
                "reason_code": row.reason_code or False,
                "reason": reason_text(row.reason_code) or False,
                "amazon_status": row.status or False,
                "customer_comments": row.customer_comments or False,
                "request_date": day,
                "delivered_date": day,
                "note": "; ".join(notes) or False,
                "line_ids": [
                    Command.create(
                        {
                            "sku": row.sku,
                            "asin": row.asin or False,
                            "amazon_order_item_id": sale_line.amazon_order_item_id
                            or False,
                            "product_id": product.id,
                            "sale_line_id": sale_line.id,
                            "quantity": quantity,
                        }
                    )
                ],
            }
        )

    @api.model
    def _amazon_fba_return_units(self, batch, order, row):
        """(product, order line, units, [note]) of one row: its units capped at
        what the order shipped less its earlier FBA returns; none taken for a
        SKU without product or a kit (its components left, not it)."""
        product, sale_line = self._amazon_fba_return_product(
            order, row.sku, batch.offers[row.sku]
        )
        if not product:
            note = self.env._("SKU %s has no product in Odoo: no stock move", row.sku)
            return product, sale_line, row.quantity, [note]
        if sale_line and is_kit_line(sale_line):
            note = self.env._("kit: receive the components by hand (%s)", row.sku)
            return product, sale_line, row.quantity, [note]
        quantity, notes = self._amazon_fba_return_quantity(
            order, product, sale_line, row, batch.returned
        )
        return product, sale_line, quantity, notes

    @api.model
    def _amazon_fba_return_quantity(self, order, product, sale_line, row, returned):
        """(units taken back, [note]): the row's units (Amazon's unit: the
        order line's), capped at what the order shipped of ``product`` less its
        earlier FBA returns, counted in ``returned`` in the product's unit."""
        shipped = sum(
            self._amazon_fba_shipped_moves(order, product).mapped(
                lambda m: m.product_uom._compute_quantity(m.quantity, product.uom_id)
            )
        )
        before = returned[(order.id, product.id)]
        left = max(0.0, shipped - before)
        wanted = _product_units(sale_line, product, row.quantity)
        if float_compare(wanted, left, precision_rounding=product.uom_id.rounding) <= 0:
            return row.quantity, []
        uom = sale_line.product_uom or product.uom_id
        quantity = int(product.uom_id._compute_quantity(left, uom, round=False) + 1e-6)
        shipped = product.uom_id._compute_quantity(shipped, uom, round=False)
        before = product.uom_id._compute_quantity(before, uom, round=False)
        return quantity, [
            self.env._(
                "Amazon reports %(reported)s unit(s) of %(sku)s back, the order "
                "shipped %(shipped)s and %(returned)s came back before: %(left)s "
                "taken back",
                reported=row.quantity,
                sku=row.sku,
                shipped=f"{shipped:g}",
                returned=f"{before:g}",
                left=quantity,
            )
        ]

    @api.model
    def _amazon_fba_return_product(self, order, sku, offers):
        """(product, order line) of ``sku`` in ``order``: the order's line of
        that SKU (its product is one of ``offers``', the account's offers of the
        SKU, or has the SKU as Internal Reference), else the offer's product (of
        the order's marketplace first) and no line."""
        offers = offers.sorted(
            lambda o: o.marketplace_id != order.amazon_marketplace_id
        )
        products = offers.product_id
        line = order._amazon_goods_lines().filtered(
            lambda li: li.product_id in products or li.product_id.default_code == sku
        )[:1]
        if line:
            return line.product_id, line
        return offers[:1].product_id, self.env["sale.order.line"]

    @api.model
    def _amazon_fba_shipped_moves(self, order, product):
        """The order's done moves of ``product`` to the customer."""
        return order.picking_ids.move_ids.filtered(
            lambda m: (
                m.state == "done"
                and m.product_id == product
                and m.location_dest_id.usage == "customer"
                and not m.origin_returned_move_id
            )
        )

    def _amazon_receive_fba_return(self, outcome):
        """One done move per line with a product and units: from the customer
        into the account's FBA location (sellable) or its FBA unsellable
        location, valued like the order's unit that left; not refunded through
        the order (the settlement's refund is)."""
        self.ensure_one()
        account = self.account_id
        if is_sellable(self.disposition):
            location = account._amazon_fba_location()
        else:
            location = account._amazon_fba_unsellable_location()
        for line in self.line_ids.filtered(
            lambda li: (
                li.quantity > 0
                and li.product_id.type == "consu"
                and not (li.sale_line_id and is_kit_line(li.sale_line_id))
            )
        ):
            covered = self.env["amazon.fba.event"]._amazon_take_ledger_return(
                self, line, location
            )
            outcome.units[location] += line.quantity
            if covered >= line.quantity:
                continue
            shipped = self._amazon_fba_shipped_moves(self.order_id, line.product_id)
            origin = ((shipped & line.sale_line_id.move_ids) or shipped).sorted("id")[
                -1:
            ]
            move = self.env["stock.move"].create(
                {
                    "name": self.env._("Amazon FBA return %s", self.name),
                    "origin": self.order_id.name,
                    "product_id": line.product_id.id,
                    # Amazon counts in the order line's unit.
                    "product_uom": (
                        line.sale_line_id.product_uom or line.product_id.uom_id
                    ).id,
                    "product_uom_qty": line.quantity - covered,
                    "location_id": (
                        origin.location_dest_id
                        or self.env.ref("stock.stock_location_customers")
                    ).id,
                    "location_dest_id": location.id,
                    "company_id": account.company_id.id,
                    "partner_id": self.order_id.partner_id.id,
                    "origin_returned_move_id": origin.id,
                    "to_refund": False,
                    "sale_line_id": line.sale_line_id.id,
                }
            )
            move._action_confirm()
            move.quantity = line.quantity - covered
            move.picked = True
            move._action_done()
            line.move_id = move

    @api.model
    def _amazon_fba_returns_summary(self, reading, outcome):
        """What the report did, in a seller's words."""
        _ = self.env._
        taken = ", ".join(
            _(
                "%(units)s unit(s) into %(location)s",
                units=units,
                location=location.display_name,
            )
            for location, units in outcome.units.items()
        )
        parts = [
            _(
                "FBA customer returns: %(created)s return(s) recorded%(taken)s, "
                "%(known)s already known.",
                created=outcome.created,
                taken=f" ({taken})" if taken else "",
                known=outcome.known,
            )
        ]
        if outcome.unknown_orders:
            parts.append(
                _(
                    "%(count)s return(s) of orders not imported, nothing recorded: "
                    "%(orders)s.",
                    count=len(outcome.unknown_orders),
                    orders=_named(outcome.unknown_orders),
                )
            )
        if outcome.not_fba:
            parts.append(
                _(
                    "%(count)s return(s) of orders Amazon did not fulfil, nothing "
                    "recorded: %(orders)s.",
                    count=len(outcome.not_fba),
                    orders=_named(outcome.not_fba),
                )
            )
        if outcome.notes:
            parts.append(_("To look at: %s.", _named(outcome.notes, sep="; ")))
        problems = [
            _("line %(line)s: %(text)s", line=line, text=text)
            for line, text in reading.problems
        ]
        problems += outcome.problems
        if problems:
            parts.append(_("Problems: %s.", _named(problems, sep="; ")))
        return " ".join(parts)


def _product_units(sale_line, product, quantity):
    """``quantity`` of Amazon's unit (the order line's) in ``product``'s unit."""
    if not sale_line or sale_line.product_uom == product.uom_id:
        return quantity
    return sale_line.product_uom._compute_quantity(quantity, product.uom_id)


def _named(items, sep=", "):
    """The first items, then "…" when there are more."""
    return sep.join(items[:_NAMED]) + ("…" if len(items) > _NAMED else "")
