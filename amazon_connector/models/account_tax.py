# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountTax(models.Model):
    _inherit = "account.tax"

    amazon_excluded_tax_id = fields.Many2one(
        "account.tax",
        string="Price-included Twin Of",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="This tax was made for Amazon orders sent without tax: the same tax as "
        "this one, but included in the price.",
    )

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
        country = company.account_fiscal_country_id
        if not country:
            raise UserError(
                self.env._(
                    "The company %(company)s has no country, so no tax of %(rate)s%% "
                    "can be made for its Amazon orders: set its country (Settings > "
                    "Companies).",
                    company=company.name,
                    rate=format(rate, "g"),
                )
            )
        label = self.env._("incl.") if price_include else self.env._("excl.")
        return (
            self.sudo()
            .with_company(company)
            .create(
                {
                    "name": f"Amazon {rate:g}% {label}",
                    "company_id": company.id,
                    "tax_group_id": self._amazon_tax_group(company, country).id,
                    "country_id": country.id,
                    "type_tax_use": "sale",
                    "amount_type": "percent",
                    "amount": float(rate),
                    "price_include_override": (
                        "tax_included" if price_include else "tax_excluded"
                    ),
                }
            )
        )

    @api.model
    def _amazon_tax_group(self, company, country):
        """A tax group for the taxes made for Amazon orders: the company's first
        (its chart's), or one made when the company has none (no chart yet)."""
        Group = self.env["account.tax.group"].sudo()
        group = Group.search(
            [
                ("company_id", "=", company.id),
                ("country_id", "in", (country.id, False)),
            ],
            limit=1,
        )
        return group or Group.create(
            {
                "name": self.env._("Amazon taxes"),
                "company_id": company.id,
                "country_id": country.id,
            }
        )

    def _amazon_price_included(self):
        """These taxes as they apply to an amount that already includes them: each
        price-included tax as it is, each price-excluded percent tax replaced by
        its price-included twin (same rate, country, tax group, accounts and tax
        grids, so the tax reports are unchanged), found or made once. Other kinds
        (fixed amounts, groups) cannot be taken out of a total and are left out.
        """
        result = self.browse()
        for tax in self.sudo():
            if tax.price_include:
                result |= tax
            elif tax.amount_type == "percent":
                result |= tax._amazon_price_included_twin()
        return result.with_env(self.env)

    def _amazon_price_included_twin(self):
        self.ensure_one()
        twin = self.with_context(active_test=False).search(
            [
                ("amazon_excluded_tax_id", "=", self.id),
                ("company_id", "=", self.company_id.id),
            ],
            limit=1,
        )
        if twin:
            return twin
        return self.copy(
            {
                "name": self.env._("%s (incl.)", self.name),
                "price_include_override": "tax_included",
                "amazon_excluded_tax_id": self.id,
                "sequence": self.sequence,
            }
        )
