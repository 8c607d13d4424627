# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models

from ..const import REGION_SELECTION


class AmazonMarketplace(models.Model):
    """One Amazon storefront (Amazon.de, Amazon.com...): shipped as data, read-only."""

    _name = "amazon.marketplace"
    _description = "Amazon Marketplace"
    _order = "region, name"

    name = fields.Char(required=True, help="Storefront name, e.g. Amazon.de.")
    code = fields.Char(required=True, help="Short code, e.g. DE.")
    marketplace_id = fields.Char(
        string="Marketplace ID", required=True, help="Amazon's id, e.g. A1PA6795UKMFR9."
    )
    region = fields.Selection(REGION_SELECTION, required=True)
    country_id = fields.Many2one("res.country", required=True)
    currency_id = fields.Many2one("res.currency", required=True)
    domain = fields.Char(string="Storefront Domain", help="e.g. amazon.de")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "marketplace_id_uniq",
            "unique(marketplace_id)",
            "Marketplace IDs are unique.",
        ),
        ("code_uniq", "unique(code)", "Marketplace codes are unique."),
    ]
