# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The ledger's rows that Odoo already moved: customer shipments matched to
the units the account's FBA orders delivered, customer returns to the units
its FBA returns took back (and an FBA return that comes after the ledger's row
takes that row's move). Oldest first, each unit matched once."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from odoo import api, models

from ..amazon.fulfillment import AMAZON
from ..amazon.ledger_vocabulary import (
    CUSTOMER_RETURNS,
    SHIPMENTS,
    is_sellable_disposition,
)
from ..amazon.return_vocabulary import is_sellable

#: A customer shipment of a day matches the FBA orders ordered from this many
#: days before it (Amazon ships an order within days)…
SHIPPED_BEFORE = timedelta(days=7)
#: … to this many days after it (Amazon's day is its centre's local day).
SHIPPED_AFTER = timedelta(days=1)
#: A shipment no order matched is tried again by the runs of this many days
#: after its day (an order imported late), no longer.
RETRY_DAYS = 30


class AmazonFbaLedgerMatch(models.Model):
    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.fba.event"

    @api.model
    def _amazon_ledger_shipped(self, account, products, days):
        """{product id: [[order id, units, day ordered]]}: the units the
        account's FBA orders ordered around ``days`` (the Shipments rows'
        days, see ``SHIPPED_BEFORE``) delivered from the FBA location that no
        Shipments event matched yet, oldest order first. Read by date: the
        lookups do not grow with the account's history."""
        shipped = defaultdict(list)
        if not days or not products:
            return shipped
        since = datetime.combine(min(days) - SHIPPED_BEFORE, time.min)
        until = datetime.combine(max(days) + SHIPPED_AFTER, time.max)
        moves = self.env["stock.move"].search_read(
            [
                ("product_id", "in", products.ids),
                ("state", "=", "done"),
                ("location_id", "child_of", account.fba_location_id.id),
                ("location_dest_id.usage", "=", "customer"),
                ("sale_line_id.order_id.amazon_account_id", "=", account.id),
                ("sale_line_id.order_id.amazon_purchase_date", ">=", since),
                ("sale_line_id.order_id.amazon_purchase_date", "<=", until),
            ],
            ["product_id", "product_qty", "sale_line_id"],
        )
        lines = self.env["sale.order.line"].browse(
            {move["sale_line_id"][0] for move in moves}
        )
        order_of = {line.id: line.order_id for line in lines}
        moves.sort(
            key=lambda m: (order_of[m["sale_line_id"][0]].amazon_purchase_date, m["id"])
        )
        for move in moves:
            order = order_of[move["sale_line_id"][0]]
            shipped[move["product_id"][0]].append(
                [order.id, move["product_qty"], order.amazon_purchase_date.date()]
            )
        for product, order, units in self._read_group(
            [
                ("account_id", "=", account.id),
                ("event_type", "=", SHIPMENTS),
                ("state", "=", "matched"),
                ("product_id", "in", products.ids),
                ("sale_order_id", "in", [o.id for o in order_of.values()]),
            ],
            ["product_id", "sale_order_id"],
            ["quantity:sum"],
        ):
            queue = shipped[product.id]
            # The order's units first; what it had less of came from the next.
            before = _units(queue)
            _take(queue, -units, lambda entry, order=order: entry[0] == order.id)
            _take(queue, -units - (before - _units(queue)))
        return shipped

    @api.model
    def _amazon_ledger_returned(self, batch, products, refs):
        """{(product id, order ref): ReturnedUnits}: per product and Amazon
        order (a CustomerReturns row's Reference ID is its order), the units
        the account's FBA returns took back and those its CustomerReturns
        events brought in or matched so far."""
        returned = defaultdict(ReturnedUnits)
        refs = [ref for ref in refs if ref]
        if not refs or not products:
            return returned
        lines = self.env["amazon.return.line"].search(
            [
                ("product_id", "in", products.ids),
                ("return_id.account_id", "=", batch.account.id),
                ("return_id.fulfillment_channel", "=", AMAZON),
                ("return_id.amazon_order_ref", "in", refs),
                ("move_id", "!=", False),
            ],
            order="id",
        )
        for line in lines:
            units = returned[(line.product_id.id, line.return_id.amazon_order_ref)]
            units.report += line.quantity
            if line.return_id.id not in units.returns:
                units.returns.append(line.return_id.id)
                units.sellable.append(is_sellable(line.return_id.disposition))
        for product, ref, quantity in self._read_group(
            [
                ("account_id", "=", batch.account.id),
                ("event_type", "=", CUSTOMER_RETURNS),
                ("state", "in", ("moved", "matched")),
                ("quantity", ">", 0),
                ("product_id", "in", products.ids),
                ("reference_id", "in", refs),
            ],
            ["product_id", "reference_id"],
            ["quantity:sum"],
        ):
            returned[(product.id, ref)].ledger += quantity
        return returned

    @api.model
    def _amazon_ledger_shipment(self, batch, facts, out, first_run):
        """Units Amazon shipped to a customer: the FBA order's delivery moved
        them; matched to the oldest order ordered around the row's day with
        units not matched yet, else waiting one run, then flagged (and tried
        again by later runs for ``RETRY_DAYS``). Amazon's ledger names no
        order."""
        units = -facts["quantity"]
        queue = batch.shipped.get(facts["product_id"], [])
        day = facts["date"]

        def around(entry):
            return day - SHIPPED_BEFORE <= entry[2] <= day + SHIPPED_AFTER

        if units > 0 and _units(queue, around) >= units:
            out["state"] = "matched"
            out["sale_order_id"] = _take(queue, units, around)
            out["note"] = False
        elif units > 0 and first_run:
            out["state"] = "waiting"
        else:
            out["state"] = "flagged"
            out["note"] = self.env._(
                "No imported Amazon order shipped these units (an order not "
                "imported, a multi-channel fulfilment order…)"
            )

    @api.model
    def _amazon_ledger_customer_return(self, batch, facts, out, first_run):
        """Units a customer sent back: as many as the order's FBA returns
        already took back and no ledger row counted are matched (left where
        the return put them), the others moved back from the customer."""
        units = facts["quantity"]
        returned = batch.returned.get((facts["product_id"], facts["reference_id"]))
        taken = returned.take_ledger(units) if returned and units > 0 else 0
        if not taken:
            self._amazon_ledger_move(
                batch,
                facts,
                out,
                batch.customers,
                self._amazon_ledger_location(batch, facts["disposition"]),
            )
            return
        out["return_id"] = returned.returns[0]
        notes = [
            self.env._(
                "%(units)s unit(s) already taken back by the FBA return",
                units=taken,
            )
        ]
        sellable = is_sellable_disposition(facts["disposition"])
        if sellable != returned.sellable[0]:
            notes.append(
                self.env._(
                    "Amazon's ledger says %s: the unit stays where the return put it",
                    facts["disposition"] or self.env._("(none)"),
                )
            )
        if taken == units:
            out["state"] = "matched"
            out["note"] = "; ".join(notes[1:]) or False
            return
        rest = dict(facts, quantity=units - taken)
        self._amazon_ledger_move(
            batch,
            rest,
            out,
            batch.customers,
            self._amazon_ledger_location(batch, facts["disposition"]),
        )
        out["note"] = "; ".join(notes)

    @api.model
    def _amazon_take_ledger_return(self, ret, line, location):
        """How many of an FBA return line's units the order's CustomerReturns
        events already brought in (the ledger came first): those stay where
        the ledger put them; the line takes the event's move when it covers
        them all, the return moves the others. A disposition that differs
        from the ledger's is noted on the return."""
        Line = self.env["amazon.return.line"].sudo()
        before = sum(
            Line.search(
                [
                    ("id", "!=", line.id),
                    ("product_id", "=", line.product_id.id),
                    ("return_id.account_id", "=", ret.account_id.id),
                    ("return_id.fulfillment_channel", "=", AMAZON),
                    ("return_id.amazon_order_ref", "=", ret.amazon_order_ref),
                    ("move_id", "!=", False),
                ]
            ).mapped("quantity")
        )
        events = self.sudo().search(
            [
                ("account_id", "=", ret.account_id.id),
                ("event_type", "=", CUSTOMER_RETURNS),
                ("state", "in", ("moved", "matched")),
                ("quantity", ">", 0),
                ("product_id", "=", line.product_id.id),
                ("reference_id", "=", ret.amazon_order_ref),
            ],
            order="date, id",
        )
        ledger = sum(events.mapped("quantity"))
        covered = min(line.quantity, max(0, ledger - before))
        moved = events.filtered("move_id")
        if not covered or not moved:
            return 0
        moved.filtered(lambda e: not e.return_id).return_id = ret
        if covered >= line.quantity:
            line.move_id = moved[-1].move_id
        there = moved[-1].move_id.location_dest_id
        if there != location:
            note = self.env._(
                "Amazon's ledger took the unit(s) into %s first: they stay there",
                there.display_name,
            )
            ret.note = "; ".join(filter(None, [ret.note, note]))
        return covered


@dataclass
class ReturnedUnits:
    """One product of one Amazon order: units its FBA returns took back
    (``report``), units its CustomerReturns events counted (``ledger``), its
    returns (oldest first) and whether each went to sellable stock."""

    report: float = 0
    ledger: float = 0
    returns: list = field(default_factory=list)
    sellable: list = field(default_factory=list)

    def take_ledger(self, units):
        """A ledger row of ``units`` more: how many of them the returns
        already took back (each unit in Odoo once, whichever came first)."""
        before = max(self.ledger, self.report)
        self.ledger += units
        return units - (max(self.ledger, self.report) - before)


def _units(queue, eligible=None):
    """The units left in ``queue``'s entries ``eligible`` says yes to."""
    return sum(entry[1] for entry in queue if not eligible or eligible(entry))


def _take(queue, units, eligible=None):
    """Take ``units`` from ``queue`` ([[record id, units left, …]], oldest
    first), from the entries ``eligible`` says yes to (all by default);
    return the first record id taken from."""
    first = None
    for entry in queue:
        if units <= 0:
            break
        if eligible and not eligible(entry):
            continue
        first = first or entry[0]
        taken = min(entry[1], units)
        units -= taken
        entry[1] -= taken
    queue[:] = [entry for entry in queue if entry[1] > 0]
    return first
