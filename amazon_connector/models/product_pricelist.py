# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class ProductPricelist(models.Model):
    _inherit = "product.pricelist"

    amazon_marketplace_id = fields.Many2one(
        "amazon.marketplace",
        index="btree_not_null",
        help="Pricelist of the Amazon orders of this marketplace.",
    )
