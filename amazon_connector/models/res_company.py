# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    amazon_generic_product_id = fields.Many2one(
        "product.product",
        help="Used on order lines whose SKU matches no product: Amazon's line data is "
        "kept in the line description so staff can still work the order.",
    )
    amazon_shipping_product_id = fields.Many2one("product.product")
    amazon_gift_wrap_product_id = fields.Many2one("product.product")
    amazon_pending_partner_id = fields.Many2one(
        "res.partner",
        string="Amazon Pending Account",
        help="Customer of Amazon orders that are still Pending: Amazon withholds the "
        "buyer until the payment is verified.",
    )

    def _amazon_ensure_placeholders(self):
        """Create the company's missing Amazon placeholders and return them.

        The generic product is a goods product that is not tracked in stock: its SKU is
        unknown, so it must still create a delivery (staff ship it) without putting any
        real product's quantities wrong. Shipping and gift wrap are services: they are
        invoiced but never delivered.
        """
        self.ensure_one()
        company = self.sudo()
        product_values = {
            "amazon_generic_product_id": {
                "name": self.env._("Amazon Generic Product"),
                "type": "consu",
                "is_storable": False,
            },
            "amazon_shipping_product_id": {
                "name": self.env._("Amazon Shipping"),
                "type": "service",
            },
            "amazon_gift_wrap_product_id": {
                "name": self.env._("Amazon Gift Wrap"),
                "type": "service",
            },
        }
        updates = {}
        for field_name, values in product_values.items():
            if not company[field_name]:
                updates[field_name] = (
                    self.env["product.product"]
                    .sudo()
                    .create(
                        {
                            **values,
                            "company_id": company.id,
                            "purchase_ok": False,
                            "taxes_id": [(6, 0, [])],
                        }
                    )
                    .id
                )
        if not company.amazon_pending_partner_id:
            updates["amazon_pending_partner_id"] = (
                self.env["res.partner"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Amazon Pending Account"),
                        "company_id": company.id,
                        "is_company": True,
                    }
                )
                .id
            )
        if updates:
            company.write(updates)
        return company
