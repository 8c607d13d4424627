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
    prices_include_tax = fields.Boolean(
        help="Amazon's prices include the tax (EU, UK, JP...): orders get "
        "tax-included taxes so their totals match Amazon's to the cent.",
    )
    facilitator_tax = fields.Boolean(
        string="Marketplace Facilitator Tax",
        help="Amazon collects and remits the sales tax (US): the tax is booked to a "
        "clearing account, never as the seller's revenue.",
    )

    def _amazon_pricelist(self, company, currency=None, create=True):
        """The company's pricelist for this marketplace in ``currency`` (default: the
        marketplace's), created when missing (the currency activated if needed)
        unless ``create`` is false."""
        self.ensure_one()
        currency = currency or self.currency_id
        Pricelist = self.env["product.pricelist"].sudo()
        pricelist = Pricelist.with_context(active_test=False).search(
            [
                ("amazon_marketplace_id", "=", self.id),
                ("company_id", "=", company.id),
                ("currency_id", "=", currency.id),
            ],
            limit=1,
        )
        if pricelist or not create:
            return pricelist
        if not currency.active:
            currency.sudo().active = True
        return Pricelist.create(
            {
                "name": f"{self.name} ({currency.name})",
                "currency_id": currency.id,
                "company_id": company.id,
                "amazon_marketplace_id": self.id,
            }
        )

    _sql_constraints = [
        (
            "marketplace_id_uniq",
            "unique(marketplace_id)",
            "Marketplace IDs are unique.",
        ),
        ("code_uniq", "unique(code)", "Marketplace codes are unique."),
    ]
