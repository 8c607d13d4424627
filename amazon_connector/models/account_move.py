# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


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
