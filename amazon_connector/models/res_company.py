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
    amazon_promotion_product_id = fields.Many2one(
        "product.product",
        help="Used on the negative lines of Amazon promotions and on rounding lines.",
    )
    amazon_facilitator_tax_product_id = fields.Many2one(
        "product.product",
        help="Carries the sales tax Amazon collects and remits itself (marketplace "
        "facilitator, US): booked to a clearing account, never to revenue.",
    )
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
        invoiced but never delivered. Promotions and the tax Amazon collects as
        marketplace facilitator are services too.
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
            "amazon_promotion_product_id": {
                "name": self.env._("Amazon Promotion"),
                "type": "service",
            },
            "amazon_facilitator_tax_product_id": {
                "name": self.env._("Amazon Marketplace Facilitator Tax"),
                "type": "service",
            },
        }
        updates = {}
        for field_name, values in product_values.items():
            if not company[field_name]:
                if field_name == "amazon_facilitator_tax_product_id":
                    values["property_account_income_id"] = (
                        company._amazon_facilitator_account().id
                    )
                updates[field_name] = (
                    self.env["product.product"]
                    .sudo()
                    .with_company(company)
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

    def _amazon_facilitator_account(self):
        """The clearing account of the sales tax Amazon collects as marketplace
        facilitator: a current liability, cleared by the settlement where Amazon
        withholds that tax. None while the company has no chart of accounts."""
        self.ensure_one()
        Account = self.env["account.account"].sudo().with_company(self)
        if not Account.search_count([("company_ids", "in", self.id)], limit=1):
            return Account
        code = "AMZFT"
        account = Account.search(
            [("code", "=", code), ("company_ids", "in", self.id)], limit=1
        )
        return account or Account.create(
            {
                "code": code,
                "name": self.env._("Amazon Marketplace Facilitator Tax"),
                "account_type": "liability_current",
                "company_ids": [(6, 0, self.ids)],
            }
        )
