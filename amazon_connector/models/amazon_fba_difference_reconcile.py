# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Reconcile: the inventory adjustment that gives Odoo Amazon's FBA quantity
of one difference, once Amazon's ledger is read past the day it was first seen,
by a stock or Amazon manager of the difference's company."""

from odoo import models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_is_zero

#: Who may reconcile: Odoo's stock managers and the connector's managers.
RECONCILE_GROUPS = (
    "stock.group_stock_manager",
    "amazon_connector.group_amazon_manager",
)


class AmazonFbaDifference(models.Model):
    """The reconciliation of a difference with Amazon's quantity."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.fba.difference"

    def action_reconcile(self):
        """Make the inventory adjustment that gives Odoo Amazon's quantity, with
        the reason: a done move between the FBA (or FBA Unsellable) location and
        the account's Amazon Inventory Loss location. Reconciled differences are
        left as they are; one whose Odoo quantity moved since the comparison is
        refused (compare again), so is one Amazon's ledger may not show yet
        (see ``reconcilable``)."""
        if not any(self.env.user.has_group(group) for group in RECONCILE_GROUPS):
            raise AccessError(
                self.env._(
                    "Only stock managers and Amazon managers reconcile FBA "
                    "quantities with Amazon's."
                )
            )
        self._amazon_check_rules()
        for difference in self.sudo().filtered(lambda d: d.state == "open"):
            difference._amazon_reconcile()
        return True

    def _amazon_check_rules(self):
        """The user's record rules (its companies) on the differences, as for
        writing them: the reconciliation itself runs as superuser. (Stock
        managers may reconcile with read access only: the groups above.)"""
        Rule = self.env["ir.rule"]
        domain = Rule._compute_domain(self._name, "write")
        if domain and (forbidden := self - self.sudo().filtered_domain(domain)):
            raise Rule._make_access_error("write", forbidden)

    def _amazon_reconcile(self):
        """The adjustment of one open difference."""
        self.ensure_one()
        account = self.account_id
        product = self.product_id
        rounding = product.uom_id.rounding
        now_qty = self._amazon_odoo_quantities(account, product)[
            (product.id, self.location_kind)
        ]
        if float_compare(now_qty, self.odoo_qty, precision_rounding=rounding):
            raise UserError(
                self.env._(
                    "%(product)s: Odoo's FBA quantity changed since the comparison "
                    "(%(then)s then, %(now)s now). Compare again (Sync FBA "
                    "Inventory) before reconciling.",
                    product=product.display_name,
                    then=f"{self.odoo_qty:g}",
                    now=f"{now_qty:g}",
                )
            )
        if not self.reconcilable:
            read_until = account.fba_ledger_fetched_until
            raise UserError(
                self.env._(
                    "%(product)s: Amazon's ledger may not show this movement yet: "
                    "it is read up to %(day)s; reconcile after the next run if the "
                    "difference is still there.",
                    product=product.display_name,
                    day=read_until or self.env._("no day yet"),
                )
            )
        if float_compare(self.amazon_qty, 0, precision_rounding=rounding) < 0:
            raise UserError(
                self.env._(
                    "%s: Amazon's figure is negative; Odoo cannot hold it. Check "
                    "the summary in Seller Central.",
                    product.display_name,
                )
            )
        if float_is_zero(self.difference, precision_rounding=rounding):
            self.state = "reconciled"
            return
        self.write({"state": "reconciled", "move_id": self._amazon_adjust().id})

    def _amazon_adjust(self):
        """The done inventory move of the difference: units Amazon has more
        come from the loss location, units it has less go there."""
        account = self.account_id.with_company(self.company_id)
        fba = (
            account._amazon_fba_location()
            if self.location_kind == "sellable"
            else account._amazon_fba_unsellable_location()
        )
        loss = account._amazon_fba_loss_location()
        source, destination = (loss, fba) if self.difference > 0 else (fba, loss)
        reason = self.env._(
            "Reconciled with Amazon's inventory summary (Amazon %(amazon)s, Odoo "
            "%(odoo)s)",
            amazon=f"{self.amazon_qty:g}",
            odoo=f"{self.odoo_qty:g}",
        )
        if self.explanation:
            reason = f"{reason}: {self.explanation}"
        quantity = abs(self.difference)
        move = (
            self.env["stock.move"]
            .with_company(self.company_id)
            .create(
                {
                    "name": reason[:256],
                    "origin": account.name,
                    "product_id": self.product_id.id,
                    "product_uom": self.product_id.uom_id.id,
                    "product_uom_qty": quantity,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "company_id": self.company_id.id,
                    "is_inventory": True,
                    "amazon_ledger_account_id": account.id,
                    "amazon_ledger_reason": reason,
                }
            )
        )
        move._action_confirm()
        move.quantity = quantity
        move.picked = True
        move._action_done()
        return move
