# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models

from .amazon_settlement_mapping import FEE_ACCOUNTS

#: The settlement's own accounts (code, name, type), made when the company has none.
SETTLEMENT_ACCOUNTS = {
    **{kind: (code, name, "expense") for kind, (code, name) in FEE_ACCOUNTS.items()},
    "reserve": ("AMZRES", "Amazon Reserve", "asset_current"),
    "reimbursement": ("AMZREI", "Amazon Reimbursements", "income_other"),
    "liquidation": ("AMZLIQ", "Amazon Liquidations", "income"),
    "suspense": ("AMZSUS", "Amazon Settlement Suspense", "asset_current"),
}


class ResCompany(models.Model):
    _inherit = "res.company"

    amazon_generic_product_id = fields.Many2one(
        "product.product",
        help="Used on order lines whose SKU matches no product: Amazon's line data is "
        "kept in the line description so staff can still work the order.",
    )
    amazon_shipping_product_id = fields.Many2one("product.product")
    amazon_gift_wrap_product_id = fields.Many2one("product.product")
    amazon_promotion_product_id = fields.Many2one(
        "product.product",
        help="Used on the negative lines of Amazon promotions and on rounding lines.",
    )
    amazon_facilitator_tax_product_id = fields.Many2one(
        "product.product",
        help="Carries the sales tax Amazon collects and remits itself (marketplace "
        "facilitator, US): booked to a clearing account, never to revenue.",
    )
    amazon_pending_partner_id = fields.Many2one(
        "res.partner",
        string="Amazon Pending Account",
        help="Customer of Amazon orders that are still Pending: Amazon withholds the "
        "buyer until the payment is verified.",
    )

    def _amazon_ensure_placeholders(self):
        """Create the company's missing Amazon placeholders and return them.

        The generic product is a goods product that is not tracked in stock: its SKU is
        unknown, so it must still create a delivery (staff ship it) without putting any
        real product's quantities wrong. Shipping and gift wrap are services: they are
        invoiced but never delivered. Promotions and the tax Amazon collects as
        marketplace facilitator are services too.
        """
        self.ensure_one()
        company = self.sudo()
        updates = {}
        for field_name, values in company._amazon_placeholder_products().items():
            if not company[field_name]:
                updates[field_name] = company._amazon_placeholder_product(
                    field_name, values
                ).id
        if not company.amazon_pending_partner_id:
            updates["amazon_pending_partner_id"] = (
                self.env["res.partner"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Amazon Pending Account"),
                        "company_id": company.id,
                        "is_company": True,
                    }
                )
                .id
            )
        if updates:
            company.write(updates)
        return company

    def _amazon_placeholder_products(self):
        """{company field: values} of each placeholder product."""
        return {
            "amazon_generic_product_id": {
                "name": self.env._("Amazon Generic Product"),
                "type": "consu",
                "is_storable": False,
            },
            "amazon_shipping_product_id": {
                "name": self.env._("Amazon Shipping"),
                "type": "service",
            },
            "amazon_gift_wrap_product_id": {
                "name": self.env._("Amazon Gift Wrap"),
                "type": "service",
            },
            "amazon_promotion_product_id": {
                "name": self.env._("Amazon Promotion"),
                "type": "service",
            },
            "amazon_facilitator_tax_product_id": {
                "name": self.env._("Amazon Marketplace Facilitator Tax"),
                "type": "service",
            },
        }

    def _amazon_placeholder_product(self, field_name, values):
        """Create the placeholder product of ``field_name``: the company's own,
        never bought, without default taxes (the import sets each line's)."""
        if field_name == "amazon_facilitator_tax_product_id":
            values["property_account_income_id"] = self._amazon_facilitator_account().id
        return (
            self.env["product.product"]
            .sudo()
            .with_company(self)
            .create(
                {
                    **values,
                    "company_id": self.id,
                    "purchase_ok": False,
                    "taxes_id": [(6, 0, [])],
                }
            )
        )

    def _amazon_facilitator_account(self):
        """The clearing account of the sales tax Amazon collects as marketplace
        facilitator: a current liability, cleared by the settlement where Amazon
        withholds that tax. None while the company has no chart of accounts."""
        self.ensure_one()
        Account = self.env["account.account"].sudo().with_company(self)
        if not Account.search_count([("company_ids", "in", self.id)], limit=1):
            return Account
        code = "AMZFT"
        account = Account.search(
            [("code", "=", code), ("company_ids", "in", self.id)], limit=1
        )
        return account or Account.create(
            {
                "code": code,
                "name": self.env._("Amazon Marketplace Facilitator Tax"),
                "account_type": "liability_current",
                "company_ids": [(6, 0, self.ids)],
            }
        )

    # ------------------------------------------------------------------ settlements

    def _amazon_settlement_account(self, kind):
        """The account of ``kind`` (a fee type, ``reserve`` or ``suspense``) the
        settlements book to when no rule names one: found by its code, else made."""
        self.ensure_one()
        code, name, account_type = SETTLEMENT_ACCOUNTS[kind]
        Account = self.env["account.account"].sudo().with_company(self)
        account = Account.search(
            [("code", "=", code), ("company_ids", "in", self.id)], limit=1
        )
        return account or Account.create(
            {
                "code": code,
                "name": name,
                "account_type": account_type,
                "reconcile": kind == "suspense",
                "company_ids": [(6, 0, self.ids)],
            }
        )

    def _amazon_settlement_journal(self, currency):
        """The company's "Amazon" journal of ``currency``, made when missing: the
        journal of the settlements' entries."""
        self.ensure_one()
        Journal = self.env["account.journal"].sudo().with_company(self)
        journal_currency = False if currency == self.currency_id else currency.id
        journal = Journal.search(
            [
                ("company_id", "=", self.id),
                ("type", "=", "general"),
                ("amazon_settlement", "=", True),
                ("currency_id", "=", journal_currency),
            ],
            limit=1,
        )
        if journal:
            return journal
        codes = set(
            Journal.with_context(active_test=False)
            .search([("company_id", "=", self.id)])
            .mapped("code")
        )
        code = next(
            candidate
            for candidate in ["AMZ"] + [f"AMZ{i}" for i in range(2, 100)]
            if candidate not in codes
        )
        # Odoo shows a journal's currency after its name: "Amazon (GBP)".
        return Journal.create(
            {
                "name": self.env._("Amazon"),
                "code": code,
                "type": "general",
                "company_id": self.id,
                "currency_id": journal_currency,
                "amazon_settlement": True,
            }
        )

    def _amazon_payments_partner(self, marketplace):
        """The partner Amazon pays the seller's payouts of ``marketplace`` as
        ("Amazon Payments (Amazon.de)"), made when missing, with the company's
        reconciliation model that proposes its payouts against Amazon's transfers."""
        self.ensure_one()
        Partner = self.env["res.partner"].sudo()
        partner = Partner.search(
            [
                ("amazon_payout_marketplace_id", "=", marketplace.id),
                ("company_id", "=", self.id),
            ],
            limit=1,
        )
        if not partner:
            partner = Partner.create(
                {
                    "name": self.env._("Amazon Payments (%s)", marketplace.name),
                    "is_company": True,
                    "company_id": self.id,
                    "amazon_payout_marketplace_id": marketplace.id,
                }
            )
        self._amazon_payout_reconcile_model()
        return partner

    def _amazon_payout_reconcile_model(self):
        """The bank reconciliation rule that proposes a settlement's payout for
        Amazon's bank transfer: an open payout whose amount is the transfer's and
        whose settlement id is in the transfer's label or reference."""
        self.ensure_one()
        Model = self.env["account.reconcile.model"].sudo().with_company(self)
        model = Model.with_context(active_test=False).search(
            [("company_id", "=", self.id), ("amazon_payouts", "=", True)], limit=1
        )
        return model or Model.create(
            {
                "name": self.env._("Amazon payouts"),
                "company_id": self.id,
                "amazon_payouts": True,
                "rule_type": "invoice_matching",
                "sequence": 5,
                "auto_reconcile": False,
                "match_nature": "both",
                "match_same_currency": True,
                "match_text_location_label": True,
                "match_text_location_reference": True,
                "match_text_location_note": True,
                "match_partner": False,
            }
        )
