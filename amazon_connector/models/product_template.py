# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models

# Product fields whose change can change a price sent to Amazon.
PRICE_FIELDS = {"list_price", "taxes_id", "sale_delay"}


class ProductTemplate(models.Model):
    _inherit = "product.template"

    amazon_backorderable = fields.Boolean(
        string="Backorderable on Amazon",
        help="Sold on Amazon whatever the stock: sent with the Amazon account's "
        "quantity of unlimited items (1000 by default).",
    )
    amazon_offer_count = fields.Integer(
        compute="_compute_amazon_offer_count", string="Amazon Offers"
    )

    def _compute_amazon_offer_count(self):
        counts = dict(
            self.env["amazon.offer"]._read_group(
                [("product_id.product_tmpl_id", "in", self.ids)],
                ["product_id"],
                ["__count"],
            )
        )
        for template in self:
            template.amazon_offer_count = sum(
                count
                for product, count in counts.items()
                if product.product_tmpl_id == template
            )

    def action_view_amazon_offers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_offer"
        )
        action["domain"] = [("product_id.product_tmpl_id", "=", self.id)]
        if len(self.product_variant_ids) == 1:
            action["context"] = {"default_product_id": self.product_variant_id.id}
        return action

    def write(self, vals):
        result = super().write(vals)
        if "amazon_backorderable" in vals:
            self.env["amazon.offer"]._amazon_stock_changed(self.product_variant_ids)
        elif PRICE_FIELDS & set(vals):
            self.env["amazon.offer"]._amazon_prices_changed(self.product_variant_ids)
        return result
