# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class StockMove(models.Model):
    """A move made from a row of Amazon's Inventory Ledger carries that row's
    key, once per account."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "stock.move"

    amazon_ledger_account_id = fields.Many2one(
        "amazon.account", readonly=True, index="btree_not_null", copy=False
    )
    amazon_ledger_key = fields.Char(readonly=True, copy=False)
    amazon_ledger_reason = fields.Char(
        string="Amazon Reason",
        readonly=True,
        copy=False,
        help="The ledger's event and Amazon's reason for it.",
    )

    _sql_constraints = [
        (
            "amazon_ledger_key_unique",
            "unique(amazon_ledger_account_id, amazon_ledger_key)",
            "A ledger row of an Amazon account is moved once.",
        ),
    ]
