# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The ledger's rows that move units: receipts from In Transit to Amazon,
removals out to it (and a receipt in the warehouse per removal order) or to the
loss location when disposed of, adjustments to or from the loss location by
reason code; all the moves of a run made in one batch and done at once."""

from datetime import timedelta

from odoo import Command, api, fields, models

from ..amazon import ledger_vocabulary as vocabulary
from ..amazon.ledger_vocabulary import is_sellable_disposition
from .amazon_fba_ledger_match import RETRY_DAYS

#: The reason code of a removal Amazon disposed of instead of returning.
DISPOSAL = "D"


class AmazonFbaLedgerMoves(models.Model):
    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.fba.event"

    # ------------------------------------------------------ per event type

    @api.model
    def _amazon_ledger_location(self, batch, disposition):
        """FBA for sellable units, FBA Unsellable for the others."""
        return batch.fba if is_sellable_disposition(disposition) else batch.unsellable

    @api.model
    def _amazon_ledger_receipt(self, batch, facts, out, first_run):
        """Units Amazon received: from In Transit to Amazon, on the Send to
        Amazon transfer of the same inbound shipment. Without one the units
        still come from In Transit (they did travel): noted, listed in the
        run's summary, linked once a transfer has the shipment id."""
        picking = batch.inbound.get(facts["reference_id"])
        out["picking_id"] = picking.id if picking else False
        if not picking:
            out["note"] = self.env._(
                "No Send to Amazon transfer has shipment %s: record it, In "
                "Transit to Amazon is below zero until then",
                facts["reference_id"] or self.env._("(none)"),
            )
        self._amazon_ledger_move(
            batch,
            facts,
            out,
            batch.transit,
            self._amazon_ledger_location(batch, facts["disposition"]),
        )

    @api.model
    def _amazon_link_receipts(self, account, done):
        """Link the account's receipts of the last ``RETRY_DAYS`` days that
        had no Send to Amazon transfer (other than ``done``, this run's) to
        the one recorded since with their shipment id; return how many."""
        since = fields.Date.context_today(self) - timedelta(days=RETRY_DAYS)
        receipts = self.search(
            [
                ("account_id", "=", account.id),
                ("event_type", "=", vocabulary.RECEIPTS),
                ("state", "=", "moved"),
                ("picking_id", "=", False),
                ("reference_id", "!=", False),
                ("date", ">=", since),
                ("id", "not in", done.ids),
            ]
        )
        if not receipts:
            return 0
        inbound = self._amazon_ledger_inbound(
            account, set(receipts.mapped("reference_id"))
        )
        linked = receipts.filtered(lambda e: e.reference_id in inbound)
        for reference, events in linked.grouped("reference_id").items():
            events.write({"picking_id": inbound[reference].id, "note": False})
        return len(linked)

    @api.model
    def _amazon_ledger_removal(self, batch, facts, out, first_run):
        """Units Amazon removed: on their way back to the warehouse (a receipt
        there per removal order), or disposed of (the loss location)."""
        source = self._amazon_ledger_location(batch, facts["disposition"])
        if facts["reason_code"] == DISPOSAL:
            self._amazon_ledger_move(batch, facts, out, batch.loss, source)
            return
        if facts["quantity"] > 0:
            out["state"] = "flagged"
            out["note"] = self.env._("A removal that brings units in")
            return
        self._amazon_ledger_move(batch, facts, out, batch.transit, source)
        order = facts["reference_id"] or ""
        batch.removals.setdefault(order, []).append(out)

    @api.model
    def _amazon_ledger_transfer(self, batch, facts, out, first_run):
        """Between Amazon's centres: the FBA location does not change."""
        out["state"] = "netted"

    @api.model
    def _amazon_ledger_adjustment(self, batch, facts, out, first_run):
        """Units Amazon lost, found, damaged, disposed of or re-graded: out to
        the loss location or in from it, by disposition. A reason code
        nobody documents moves units out only."""
        kind = vocabulary.adjustment_kind(facts["reason_code"])
        if not kind and facts["quantity"] > 0:
            out["state"] = "flagged"
            out["note"] = self.env._(
                "Reason code %s is not documented: units found are not taken in",
                facts["reason_code"] or self.env._("(none)"),
            )
            return
        if not kind:
            out["note"] = self.env._(
                "Reason code %s is not documented",
                facts["reason_code"] or self.env._("(none)"),
            )
        self._amazon_ledger_move(
            batch,
            facts,
            out,
            batch.loss,
            self._amazon_ledger_location(batch, facts["disposition"]),
        )

    # ------------------------------------------------------------- moves

    @api.model
    def _amazon_ledger_move(self, batch, facts, out, source, destination):
        """Plan the event's move: ``quantity`` units from ``source`` to
        ``destination`` (the other way when negative)."""
        quantity = facts["quantity"]
        if quantity < 0:
            source, destination, quantity = destination, source, -quantity
        if not quantity:
            out["state"] = "flagged"
            out["note"] = self.env._("Amazon reports no unit")
            return
        out["state"] = "moved"
        reason = facts["event_type"]
        if facts["reason_code"]:
            reason = f"{reason} {facts['reason_code']}: {facts['reason']}"
        batch.moves.append(
            (
                out,
                {
                    "product_id": facts["product_id"],
                    "quantity": quantity,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "origin": facts["reference_id"] or False,
                    "amazon_ledger_key": facts["key"],
                    "amazon_ledger_reason": reason,
                },
            )
        )

    @api.model
    def _amazon_ledger_moves(self, batch):
        """Make the run's moves in one batch, done at once; then the removal
        receipts in the warehouse."""
        if not batch.moves:
            return
        account = batch.account
        products = self.env["product.product"].browse(
            {move["product_id"] for _out, move in batch.moves}
        )
        uoms = {product.id: product.uom_id.id for product in products}
        values = []
        for _out, move in batch.moves:
            line = {
                "product_id": move["product_id"],
                "product_uom_id": uoms[move["product_id"]],
                "quantity": move["quantity"],
                "location_id": move["location_id"],
                "location_dest_id": move["location_dest_id"],
                "company_id": account.company_id.id,
            }
            values.append(
                {
                    "name": self.env._(
                        "Amazon ledger: %s", move["amazon_ledger_reason"]
                    ),
                    "origin": move["origin"],
                    "product_id": move["product_id"],
                    "product_uom": uoms[move["product_id"]],
                    "product_uom_qty": move["quantity"],
                    "location_id": move["location_id"],
                    "location_dest_id": move["location_dest_id"],
                    "company_id": account.company_id.id,
                    "amazon_ledger_account_id": account.id,
                    "amazon_ledger_key": move["amazon_ledger_key"],
                    "amazon_ledger_reason": move["amazon_ledger_reason"],
                    "picked": True,
                    "move_line_ids": [Command.create(line)],
                }
            )
        moves = self.env["stock.move"].create(values)
        moves._action_done()
        for (out, _move), move in zip(batch.moves, moves, strict=True):
            out["move_id"] = move.id
        self._amazon_removal_receipts(batch, moves)

    @api.model
    def _amazon_removal_receipts(self, batch, moves):
        """A receipt in the warehouse per removal order, from In Transit to
        Amazon, for staff to validate when the parcel arrives: the removal
        order's receipt still open when Amazon ships more of it over days."""
        if not batch.removals:
            return
        warehouse = batch.account._amazon_fba_warehouse()
        moves_by_id = {move.id: move for move in moves}
        Picking = self.env["stock.picking"]
        open_receipts = {
            picking.amazon_removal_order_id: picking
            for picking in Picking.search(
                [
                    ("amazon_fba_account_id", "=", batch.account.id),
                    ("amazon_removal_order_id", "in", list(batch.removals)),
                    ("state", "not in", ("done", "cancel")),
                ],
                order="id",
            )
        }
        receipts = Picking
        for order, outs in batch.removals.items():
            lines = [
                Command.create(
                    {
                        "name": moves_by_id[out["move_id"]].name,
                        "product_id": moves_by_id[out["move_id"]].product_id.id,
                        "product_uom": moves_by_id[out["move_id"]].product_uom.id,
                        "product_uom_qty": moves_by_id[out["move_id"]].quantity,
                        "location_id": batch.transit.id,
                        "location_dest_id": warehouse.lot_stock_id.id,
                        "company_id": batch.account.company_id.id,
                    }
                )
                for out in outs
            ]
            picking = open_receipts.get(order)
            if picking:
                picking.move_ids = lines
            else:
                picking = Picking.create(
                    {
                        "picking_type_id": warehouse.in_type_id.id,
                        "location_id": batch.transit.id,
                        "location_dest_id": warehouse.lot_stock_id.id,
                        "origin": order or False,
                        "amazon_removal_order_id": order or False,
                        "amazon_fba_account_id": batch.account.id,
                        "company_id": batch.account.company_id.id,
                        "move_ids": lines,
                    }
                )
            receipts |= picking
            for out in outs:
                out["picking_id"] = picking.id
        receipts.action_confirm()
        receipts.action_assign()
