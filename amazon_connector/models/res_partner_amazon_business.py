# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import Command, api, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    """The company customer of an Amazon Business buyer: Amazon's company name and
    the buyer's VAT number, found again by VAT number or name within the account
    (by name, never a company with another VAT number; without a number, only a
    company without one in the same country)."""

    # pylint: disable=consider-merging-classes-inherited
    _inherit = "res.partner"

    @api.model
    def _amazon_business_customer(self, account, order, address_values):
        """The account's company customer of business ``order``, created when new
        with ``address_values`` (street, city, zip, country...). Return it and the
        VAT number Odoo refused (None when there was none to refuse): the company
        is then found or created without it."""
        name = order.buyer_company or order.buyer_legal_name
        country = self.env["res.country"].browse(address_values.get("country_id"))
        vat = order.buyer_vat
        refused = None
        if vat and not self._amazon_vat_accepted(vat, country):
            refused, vat = vat, None
        Partner = self.sudo().with_context(active_test=False)
        companies = [
            ("amazon_account_id", "=", account.id),
            ("parent_id", "=", False),
            ("is_company", "=", True),
        ]
        customer = Partner.browse()
        if vat:
            customer = Partner.search([*companies, ("vat", "=ilike", vat)], limit=1)
        if vat or refused:
            # Never another company of that name with another VAT number, whether
            # Odoo accepts Amazon's number or not.
            same_firm = ["|", ("vat", "=", False), ("vat", "=ilike", vat or refused)]
        else:
            # Without a number the name alone tells no firm from another: only a
            # company without a VAT number, in the same country.
            same_firm = [("vat", "=", False), ("country_id", "=", country.id)]
        if not customer:
            customer = Partner.search(
                [*companies, *same_firm, ("name", "=ilike", name)], limit=1
            )
        values = {
            **address_values,
            "name": name,
            "is_company": True,
            "amazon_account_id": account.id,
            "category_id": [
                Command.link(
                    self.env.ref("amazon_connector.partner_category_amazon").id
                )
            ],
            "company_id": account.company_id.id,
        }
        if not customer:
            customer, refused = self._amazon_create_with_vat(values, vat, refused)
        elif vat and not customer.vat:
            try:
                with self.env.cr.savepoint():
                    customer.vat = vat
            except ValidationError:
                refused = vat
        return customer, refused

    @api.model
    def _amazon_create_with_vat(self, values, vat, refused):
        """Create the partner of ``values`` with ``vat``; when Odoo's own check
        refuses it on save (base_vat's constraint), without it. Return the partner
        and the refused number."""
        Partner = self.sudo().with_context(active_test=False)
        if vat:
            try:
                with self.env.cr.savepoint():
                    return Partner.create({**values, "vat": vat}), refused
            except ValidationError:
                refused = vat
        return Partner.create(values), refused

    @api.model
    def _amazon_vat_accepted(self, vat, country):
        """Whether Odoo's own VAT check accepts ``vat`` for a company of
        ``country``: base_vat's syntax check where base_vat is installed
        (``_run_vat_test`` answers False for a wrong number); without it Odoo
        checks nothing and every number is accepted."""
        if not country:
            return True
        return self._run_vat_test(vat, country, partner_is_company=True) is not False
