# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import _, api, models

from ..amazon import fba_reimbursements as reimbursement
from ..amazon.ledger_vocabulary import DAMAGED, FOUND, LOST, VENDOR_RETURNS


class AmazonFbaEvent(models.Model):
    """Reimbursements meet losses: the settlement's FBA Inventory Reimbursement
    lines linked to the ledger events they pay for (a lost or damaged unit, a
    removal lost on its way back, a found unit whose reimbursement Amazon takes
    back), and MISSING_FROM_INBOUND ones to the Send to Amazon transfer whose
    units Amazon never received."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.fba.event"

    @api.model
    def _amazon_link_reimbursements(self, account):
        """Link the settlement's FBA Inventory Reimbursement lines of ``account``
        to the ledger's losses of the same SKU and reason (and MISSING_FROM_INBOUND
        to the Send to Amazon transfer it pays for). Called after each ledger
        report and each settlement import; idempotent.

        A line links the oldest unlinked losses first, as many units as it
        reimburses (a line without a quantity: one loss). A line whose losses
        the ledger has not shown yet, or not all of them, stays listed (Not
        Linked, Partly Linked) and is linked further by the next run; a reason
        that pays for no ledger loss is listed once, never linked. Returns the
        lines looked at."""
        lines = (
            self.env["amazon.settlement.line"]
            .sudo()
            .search(
                [
                    ("account_id", "=", account.id),
                    ("amount_type", "=", reimbursement.REIMBURSEMENT_AMOUNT_TYPE),
                    ("amazon_fba_link", "in", [False, "unlinked", "partial"]),
                ],
                order="date, id",
            )
        )
        events = self.sudo()
        for line in lines:
            line.write(events._amazon_link_reimbursement(line))
        return lines

    @api.model
    def _amazon_link_reimbursement(self, line):
        """Link ``line`` to what it pays for: the line's new link state and note."""
        reason = line.amount_description or ""
        kind = reimbursement.reimbursed_loss(reason)
        if kind is None:
            return {
                "amazon_fba_link": "none",
                "amazon_fba_note": _(
                    "Amazon's reason %s pays for no loss the ledger records: not "
                    "linked.",
                    reason or _("(none)"),
                ),
            }
        if not line.sku:
            return {
                "amazon_fba_link": "unlinked",
                "amazon_fba_note": _(
                    "Amazon names no SKU: the loss it pays for cannot be found."
                ),
            }
        units = reimbursement.reimbursed_units(line.quantity)
        if kind == reimbursement.INBOUND:
            return self._amazon_link_inbound(line, units)
        linked = sum(abs(q) for q in line.amazon_fba_event_ids.mapped("quantity"))
        if linked < units:
            for event in self._amazon_reimbursable(line, kind):
                event.reimbursement_line_id = line
                linked += abs(event.quantity)
                if linked >= units:
                    break
        if kind == reimbursement.REMOVAL and not line.amazon_fba_picking_id:
            line.amazon_fba_picking_id = line.amazon_fba_event_ids.picking_id[:1]
        if kind == reimbursement.REMOVAL:
            self._amazon_removal_lost(line, units)
        return self._amazon_link_outcome(line, kind, units, linked)

    @api.model
    def _amazon_reimbursable(self, line, kind):
        """The ledger events of ``line``'s SKU (or its product) that a
        reimbursement of ``kind`` pays for and none does yet, oldest first."""
        account = line.account_id
        products = self._amazon_sku_products(account, line.sku)
        domain = [
            ("account_id", "=", account.id),
            ("reimbursement_line_id", "=", False),
        ]
        if products:
            domain += ["|", ("sku", "=", line.sku), ("product_id", "in", products.ids)]
        else:
            domain += [("sku", "=", line.sku)]
        if kind == reimbursement.LOST:
            domain += [("adjustment_kind", "=", LOST), ("quantity", "<", 0)]
        elif kind == reimbursement.DAMAGED:
            # The sellable unit that became damaged, not the same unit arriving
            # in the damaged disposition.
            domain += [
                ("adjustment_kind", "=", DAMAGED),
                ("quantity", "<", 0),
                "|",
                ("disposition", "=", False),
                ("disposition", "=ilike", "sellable"),
            ]
        elif kind == reimbursement.REMOVAL:
            domain += [("event_type", "=", VENDOR_RETURNS), ("quantity", "<", 0)]
        else:  # reversal: Amazon found the unit it paid for
            domain += [("adjustment_kind", "=", FOUND), ("quantity", ">", 0)]
        return self.search(domain, order="date, id")

    @api.model
    def _amazon_sku_products(self, account, sku):
        """The products ``sku`` stands for in ``account``: its offers' and its
        ledger events'."""
        offers = (
            self.env["amazon.offer"]
            .sudo()
            .search([("account_id", "=", account.id), ("sku", "=", sku)])
        )
        events = self.search(
            [
                ("account_id", "=", account.id),
                ("sku", "=", sku),
                ("product_id", "!=", False),
            ],
            limit=1,
        )
        return offers.product_id | events.product_id

    @api.model
    def _amazon_removal_lost(self, line, units):
        """A REMOVAL_ORDER_LOST ``line`` paying for ``units``: its removal
        events' units, oldest first up to ``units``, leave In Transit and
        their removal receipt (``stock.picking._amazon_removal_lost``)."""
        left = units
        for event in line.amazon_fba_event_ids.sorted(lambda e: (e.date, e.id)):
            if left <= 0:
                break
            lost = min(abs(event.quantity), left)
            left -= lost
            if event.picking_id and event.product_id:
                event.picking_id._amazon_removal_lost(event, lost, line)

    @api.model
    def _amazon_link_inbound(self, line, units):
        """Link a MISSING_FROM_INBOUND ``line`` to the oldest Send to Amazon
        transfer of its product with missing units not reimbursed yet (closed
        shipments first)."""
        if line.amazon_fba_picking_id:
            return {"amazon_fba_link": "linked", "amazon_fba_note": False}
        account = line.account_id
        products = self._amazon_sku_products(account, line.sku)
        transfers = self.env["stock.picking"].search(
            [
                ("amazon_fba_account_id", "=", account.id),
                ("amazon_fba_units_missing", ">", 0),
                ("move_ids.product_id", "in", products.ids),
            ],
            order="amazon_inbound_closed desc, date_done, id",
        )
        settlement_lines = self.env["amazon.settlement.line"].sudo()
        for transfer in transfers:
            missing = sum(transfer._amazon_missing_units(p) for p in products)
            paid = settlement_lines.search(
                [("amazon_fba_picking_id", "=", transfer.id), ("sku", "=", line.sku)]
            )
            if sum(reimbursement.reimbursed_units(p.quantity) for p in paid) < missing:
                line.amazon_fba_picking_id = transfer
                return {"amazon_fba_link": "linked", "amazon_fba_note": False}
        return {
            "amazon_fba_link": "unlinked",
            "amazon_fba_note": _(
                "No Send to Amazon transfer has units of %s missing that are not "
                "reimbursed yet.",
                line.sku,
            ),
        }

    @api.model
    def _amazon_link_outcome(self, line, kind, units, linked):
        """The link state and note of ``line``, reimbursing ``units`` for which
        ``linked`` units of losses are found."""
        if linked >= units:
            return {"amazon_fba_link": "linked", "amazon_fba_note": False}
        losses = {
            reimbursement.LOST: _("lost units"),
            reimbursement.DAMAGED: _("damaged units"),
            reimbursement.REMOVAL: _("removal units"),
            reimbursement.REVERSAL: _("found units"),
        }[kind]
        if not linked:
            note = _(
                "The ledger shows no %(losses)s of %(sku)s not reimbursed yet: "
                "not linked.",
                losses=losses,
                sku=line.sku,
            )
        else:
            note = _(
                "Reimburses %(units)s unit(s) of %(sku)s, but the ledger shows "
                "%(linked)s of its %(losses)s not reimbursed yet: %(rest)s unit(s) "
                "stay unlinked.",
                units=units,
                sku=line.sku,
                linked=linked,
                losses=losses,
                rest=units - linked,
            )
        return {
            "amazon_fba_link": "partial" if linked else "unlinked",
            "amazon_fba_note": note,
        }
