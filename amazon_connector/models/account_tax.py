# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import api, models


class AccountTax(models.Model):
    _inherit = "account.tax"

    @api.model
    def _amazon_sale_tax(self, company, rate, price_include):
        """A sales tax of ``rate`` percent, included in the price or not: the
        company's own when it has one, else one created for Amazon orders.

        Taking the company's tax keeps the tax reports right; creating one only fills
        a gap (a rate the company has no tax for).
        """
        tax = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("type_tax_use", "=", "sale"),
                ("amount_type", "=", "percent"),
                ("amount", "=", float(rate)),
                ("price_include", "=", bool(price_include)),
            ],
            limit=1,
        )
        if tax:
            return tax
        label = self.env._("incl.") if price_include else self.env._("excl.")
        return (
            self.sudo()
            .with_company(company)
            .create(
                {
                    "name": f"Amazon {rate:g}% {label}",
                    "company_id": company.id,
                    "type_tax_use": "sale",
                    "amount_type": "percent",
                    "amount": float(rate),
                    "price_include_override": (
                        "tax_included" if price_include else "tax_excluded"
                    ),
                }
            )
        )
