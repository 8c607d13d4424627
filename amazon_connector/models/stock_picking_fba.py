# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class StockPicking(models.Model):
    """A transfer that sends stock to Amazon (its account's *Send to Amazon*
    type), with Amazon's inbound shipment id, or the receipt of units Amazon
    removed and sends back."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "stock.picking"

    amazon_fba_account_id = fields.Many2one(
        "amazon.account",
        string="Amazon FBA Account",
        readonly=True,
        index="btree_not_null",
        copy=False,
    )
    amazon_inbound_shipment_id = fields.Char(
        string="Amazon Shipment ID",
        copy=False,
        index="btree_not_null",
        help="Amazon's inbound shipment (FBA15…): its receipts in the ledger move "
        "these units into the FBA stock.",
    )
    amazon_removal_order_id = fields.Char(
        string="Amazon Removal Order", readonly=True, copy=False
    )

    def _amazon_fba_inbound_check(self, account, summaries):
        """Flag the Send to Amazon transfers of ``account`` whose shipment Amazon
        has closed (no unit of it inbound any more in ``summaries``, a list of
        ``FbaSummary``) with units never received. Called after each
        comparison."""
        raise NotImplementedError("issue 22: inbound shipments")
