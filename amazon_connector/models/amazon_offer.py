# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class AmazonOffer(models.Model):
    """A seller SKU of an Amazon account, bound to the Odoo product it sells."""

    _name = "amazon.offer"
    _description = "Amazon Offer"
    _order = "sku"
    _check_company_auto = True

    account_id = fields.Many2one(
        "amazon.account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    marketplace_id = fields.Many2one(
        "amazon.marketplace",
        help="Leave empty when the SKU is sold the same way in every marketplace of "
        "the account.",
    )
    sku = fields.Char(string="SKU", required=True, index=True)
    asin = fields.Char(string="ASIN")
    product_id = fields.Many2one(
        "product.product", required=True, ondelete="restrict", check_company=True
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "sku_uniq",
            "unique(account_id, marketplace_id, sku)",
            "An Amazon account has one offer per SKU and marketplace.",
        ),
    ]
