# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import logging

from odoo import _, fields, models

_logger = logging.getLogger(__name__)


class AccountMove(models.Model):
    _inherit = "account.move"

    amazon_account_id = fields.Many2one(
        "amazon.account",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The invoice of an Amazon order: the account's settlements pay it.",
    )
    amazon_settlement_id = fields.Many2one(
        "amazon.settlement",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The settlement this journal entry books.",
    )

    def _reverse_moves(self, default_values_list=None, cancel=False):
        # A credit note of an Amazon invoice is Amazon's too: its settlement pays it.
        reverses = super()._reverse_moves(default_values_list, cancel)
        for move, reverse in zip(self, reverses, strict=False):
            if move.amazon_account_id and not reverse.amazon_account_id:
                reverse.amazon_account_id = move.amazon_account_id
        return reverses

    def _post(self, soft=True):
        posted = super()._post(soft)
        # A refund in a settlement waits for its order's invoice: made now.
        posted.filtered(
            lambda m: m.move_type == "out_invoice" and m.amazon_account_id
        )._amazon_match_waiting_refunds()
        return posted

    def _amazon_match_waiting_refunds(self):
        """Make and match the credit notes of the settlement refunds that waited
        for the orders of these Amazon invoices."""
        orders = self.line_ids.sale_line_ids.order_id
        if not orders:
            return
        waiting = (
            self.env["amazon.settlement.line"]
            .sudo()
            .search(
                [
                    ("sale_order_id", "in", orders.ids),
                    ("kind", "=", "refund"),
                    ("treatment", "=", "customer"),
                    ("status", "=", "unmatched"),
                    ("settlement_id.state", "=", "posted"),
                ]
            )
        )
        for settlement, lines in waiting.grouped("settlement_id").items():
            # Never the invoice's posting to fail: the refund stays listed, the
            # settlement says why.
            try:
                with self.env.cr.savepoint():
                    settlement._amazon_match(lines)
            except Exception as error:  # pylint: disable=broad-except
                _logger.exception(
                    "Amazon settlement %s: waiting refunds not matched",
                    settlement.settlement_ref,
                )
                settlement.last_error = _(
                    "The refunds waiting for invoice %(invoices)s could not be "
                    "matched: %(error)s",
                    invoices=", ".join(self.mapped("name")),
                    error=error,
                )
