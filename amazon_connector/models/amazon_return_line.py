# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class AmazonReturnLine(models.Model):
    """An item of an Amazon return: the product and the units that come back."""

    _name = "amazon.return.line"
    _description = "Amazon Return Item"

    return_id = fields.Many2one(
        "amazon.return", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="return_id.company_id", store=True)
    sku = fields.Char(string="SKU", readonly=True)
    asin = fields.Char(string="ASIN", readonly=True)
    amazon_order_item_id = fields.Char(readonly=True)
    product_id = fields.Many2one("product.product", readonly=True, index=True)
    sale_line_id = fields.Many2one(
        "sale.order.line", string="Order Line", readonly=True, ondelete="set null"
    )
    quantity = fields.Integer(readonly=True, help="The units Amazon reports back.")
    reason_code = fields.Char(related="return_id.reason_code", store=True)
    state = fields.Selection(related="return_id.state", store=True)
    move_id = fields.Many2one(
        "stock.move",
        string="Stock Move",
        readonly=True,
        ondelete="set null",
        help="FBA: the move that brought the unit back into the account's stock.",
    )
