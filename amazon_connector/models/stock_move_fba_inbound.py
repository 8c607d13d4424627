# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import api, fields, models


class StockMove(models.Model):
    """A line of a Send to Amazon transfer: the units of its product Amazon
    received, beside the units sent."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "stock.move"

    amazon_fba_received_qty = fields.Integer(
        string="Received by Amazon",
        compute="_compute_amazon_fba_received_qty",
        help="The units of this product the ledger's receipts of the transfer's "
        "shipment brought into Amazon's stock.",
    )

    @api.depends(
        "product_id",
        "picking_id.amazon_inbound_status",
        "picking_id.amazon_fba_event_ids.quantity",
    )
    def _compute_amazon_fba_received_qty(self):
        received_by_picking = {}
        for move in self:
            picking = move.picking_id
            if picking.amazon_inbound_status and picking not in received_by_picking:
                received_by_picking[picking] = picking._amazon_inbound_units()[1]
            move.amazon_fba_received_qty = received_by_picking.get(picking, {}).get(
                move.product_id, 0
            )
