# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class ProductPricelist(models.Model):
    _inherit = "product.pricelist"

    amazon_marketplace_id = fields.Many2one(
        "amazon.marketplace",
        index="btree_not_null",
        help="Pricelist of the Amazon orders of this marketplace.",
    )

    def _amazon_pricelist_changed(self):
        """The prices of an Amazon marketplace's pricelist changed: export soon."""
        if self.filtered("amazon_marketplace_id"):
            self.env["amazon.offer"]._amazon_prices_changed()
