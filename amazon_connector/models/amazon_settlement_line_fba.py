# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models

REIMBURSEMENT_LINKS = [
    ("linked", "Linked"),  # every unit it pays for has its loss in Odoo
    ("partial", "Partly Linked"),  # fewer losses found than units reimbursed
    ("unlinked", "Not Linked"),  # no loss found yet: listed for the seller
    ("none", "Pays for No Loss"),  # a reason the ledger records no loss for
]


class AmazonSettlementLine(models.Model):
    """An FBA Inventory Reimbursement of the settlement, and the ledger losses
    (or the Send to Amazon transfer) it pays for."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.settlement.line"

    amazon_fba_picking_id = fields.Many2one(
        "stock.picking",
        string="Transfer Reimbursed",
        readonly=True,
        index="btree_not_null",
        help="The Send to Amazon transfer whose missing units this "
        "MISSING_FROM_INBOUND reimbursement pays for; the removal receipt of a "
        "REMOVAL_ORDER_LOST one.",
    )
    amazon_fba_event_ids = fields.One2many(
        "amazon.fba.event",
        "reimbursement_line_id",
        string="Losses Reimbursed",
        readonly=True,
    )
    amazon_fba_link = fields.Selection(
        REIMBURSEMENT_LINKS,
        string="Loss Link",
        readonly=True,
        index="btree_not_null",
        help="Whether the FBA losses this reimbursement pays for are found.",
    )
    amazon_fba_note = fields.Char(
        string="Loss Link Note",
        readonly=True,
        help="Why the reimbursement is not linked, or not in full.",
    )
