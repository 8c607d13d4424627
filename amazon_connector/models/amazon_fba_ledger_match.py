# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The ledger's rows that Odoo already moved: customer shipments matched to
the units the account's FBA orders delivered, customer returns to the units
its FBA returns took back (and an FBA return that comes after the ledger's row
takes that row's move). Oldest first, each unit matched once."""

from collections import defaultdict

from odoo import api, models

from ..amazon.fulfillment import AMAZON
from ..amazon.ledger_vocabulary import (
    CUSTOMER_RETURNS,
    SHIPMENTS,
    is_sellable_disposition,
)


class AmazonFbaLedgerMatch(models.Model):
    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.fba.event"

    @api.model
    def _amazon_ledger_shipped(self, account, products):
        """{product id: [[order id, units]]}: the units the account's FBA
        orders delivered from the FBA location that no Shipments event
        matched yet, oldest order first."""
        fba = account.fba_location_id
        moves = self.env["stock.move"].search_read(
            [
                ("product_id", "in", products.ids),
                ("state", "=", "done"),
                ("location_id", "child_of", fba.id),
                ("location_dest_id.usage", "=", "customer"),
                ("sale_line_id.order_id.amazon_account_id", "=", account.id),
            ],
            ["product_id", "product_qty", "sale_line_id"],
            order="date, id",
        )
        lines = self.env["sale.order.line"].browse(
            {move["sale_line_id"][0] for move in moves}
        )
        order_of = {line.id: line.order_id.id for line in lines}
        shipped = defaultdict(list)
        for move in moves:
            shipped[move["product_id"][0]].append(
                [order_of[move["sale_line_id"][0]], move["product_qty"]]
            )
        for product, units in self._read_group(
            [
                ("account_id", "=", account.id),
                ("event_type", "=", SHIPMENTS),
                ("state", "=", "matched"),
                ("product_id", "in", products.ids),
            ],
            ["product_id"],
            ["quantity:sum"],
        ):
            _take(shipped[product.id], -units)
        return shipped

    @api.model
    def _amazon_ledger_returned(self, batch, products):
        """{(product id, sellable): [[return id, units]]}: the units the
        account's FBA returns moved back (not through a ledger event) that no
        CustomerReturns event matched yet, oldest return first."""
        lines = self.env["amazon.return.line"].search(
            [
                ("product_id", "in", products.ids),
                ("return_id.account_id", "=", batch.account.id),
                ("return_id.fulfillment_channel", "=", AMAZON),
                ("move_id.state", "=", "done"),
                ("move_id.amazon_ledger_key", "=", False),
            ],
            order="id",
        )
        returned = defaultdict(list)
        for line in lines:
            sellable = line.move_id.location_dest_id == batch.fba
            returned[(line.product_id.id, sellable)].append(
                [line.return_id.id, line.move_id.product_qty]
            )
        for product, disposition, units in self._read_group(
            [
                ("account_id", "=", batch.account.id),
                ("event_type", "=", CUSTOMER_RETURNS),
                ("state", "=", "matched"),
                ("product_id", "in", products.ids),
            ],
            ["product_id", "disposition"],
            ["quantity:sum"],
        ):
            sellable = is_sellable_disposition(disposition)
            _take(returned[(product.id, sellable)], units)
        return returned

    @api.model
    def _amazon_ledger_shipment(self, batch, facts, out, first_run):
        """Units Amazon shipped to a customer: the FBA order's delivery moved
        them; matched to the oldest order with units not matched yet, else
        waiting one run, then flagged. Amazon's ledger names no order."""
        units = -facts["quantity"]
        queue = batch.shipped.get(facts["product_id"], [])
        if units > 0 and sum(left for _order, left in queue) >= units:
            out["state"] = "matched"
            out["sale_order_id"] = _take(queue, units)
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
        """Units a customer sent back: matched to the account's FBA returns'
        units not matched yet, else moved back from the customer."""
        sellable = is_sellable_disposition(facts["disposition"])
        queue = batch.returned.get((facts["product_id"], sellable), [])
        units = facts["quantity"]
        if units > 0 and sum(left for _ret, left in queue) >= units:
            out["state"] = "matched"
            out["return_id"] = _take(queue, units)
            return
        self._amazon_ledger_move(
            batch,
            facts,
            out,
            batch.customers,
            self._amazon_ledger_location(batch, facts["disposition"]),
        )

    @api.model
    def _amazon_take_ledger_return(self, ret, line, location):
        """An FBA return's line whose units a CustomerReturns event already
        moved into ``location`` (the ledger came first): link them, the line
        takes the event's move. Return whether one was found."""
        event = self.sudo().search(
            [
                ("account_id", "=", ret.account_id.id),
                ("event_type", "=", CUSTOMER_RETURNS),
                ("state", "=", "moved"),
                ("return_id", "=", False),
                ("product_id", "=", line.product_id.id),
                ("quantity", "=", line.quantity),
                ("move_id.location_dest_id", "=", location.id),
            ],
            order="date, id",
            limit=1,
        )
        if not event:
            return False
        event.return_id = ret
        line.move_id = event.move_id
        return True


def _take(queue, units):
    """Take ``units`` from ``queue`` ([[record id, units left]], oldest first);
    return the first record id taken from."""
    first = None
    while units > 0 and queue:
        record_id, left = queue[0]
        first = first or record_id
        taken = min(left, units)
        units -= taken
        if taken >= left:
            queue.pop(0)
        else:
            queue[0][1] = left - taken
    return first
