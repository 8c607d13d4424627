# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class AmazonOrderCancellationItem(models.Model):
    """An Amazon order item a cancellation canceled, all its units."""

    _name = "amazon.order.cancellation.item"
    _description = "Amazon Seller Cancellation Item"

    cancellation_id = fields.Many2one(
        "amazon.order.cancellation", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="cancellation_id.company_id", store=True)
    order_item_id = fields.Char(string="Amazon Order Item", required=True)
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Order Line",
        ondelete="set null",
        help="The order line of the item (the first one when Odoo split the item).",
    )
    quantity = fields.Integer(
        string="Units",
        help="The units of the item canceled (its goods lines); 0 when not known "
        "(a cancellation of several items made before version 18.0.1.2.0).",
    )
