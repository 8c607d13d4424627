# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import api, models


class ProductPricelistItem(models.Model):
    """A rule of an Amazon marketplace's pricelist changed: its offers' prices
    are checked at the next export, which runs soon."""

    _inherit = "product.pricelist.item"

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        items._amazon_pricelist_changed()
        return items

    def write(self, vals):
        result = super().write(vals)
        self._amazon_pricelist_changed()
        return result

    def unlink(self):
        pricelists = self.pricelist_id
        result = super().unlink()
        pricelists._amazon_pricelist_changed()
        return result

    def _amazon_pricelist_changed(self):
        self.pricelist_id._amazon_pricelist_changed()
