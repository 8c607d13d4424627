# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class AmazonShipmentPackageItem(models.Model):
    """Units of one Amazon order item in a package told to Amazon."""

    _name = "amazon.shipment.package.item"
    _description = "Amazon Shipment Package Item"
    _order = "package_id, id"

    package_id = fields.Many2one(
        "amazon.shipment.package", required=True, ondelete="cascade", index=True
    )
    amazon_order_item_id = fields.Char(required=True)
    sale_line_id = fields.Many2one(
        "sale.order.line", string="Sales Order Line", ondelete="set null"
    )
    quantity = fields.Integer(required=True)

    def _amazon_product_label(self):
        product = self.sale_line_id.product_id
        return product.default_code or product.name or "?"
