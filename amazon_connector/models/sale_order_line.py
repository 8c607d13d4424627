# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    amazon_order_item_id = fields.Char(index="btree_not_null", copy=False)

    @api.depends("qty_invoiced", "qty_delivered", "product_uom_qty", "state")
    def _compute_qty_to_invoice(self):
        # Amazon charges the buyer for what shipped: an Amazon order's goods are
        # invoiced as delivered, whatever the product's own invoicing policy.
        result = super()._compute_qty_to_invoice()
        for line in self:
            if (
                line.state == "sale"
                and line.order_id.amazon_account_id
                and line.amazon_order_item_id
                and line.product_id.type == "consu"
            ):
                line.qty_to_invoice = line.qty_delivered - line.qty_invoiced
        return result
