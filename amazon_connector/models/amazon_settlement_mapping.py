# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from fnmatch import fnmatchcase

from odoo import api, fields, models
from odoo.tools.misc import clean_context

TREATMENT_SELECTION = [
    ("customer", "Paid by the buyer"),
    ("fee", "Amazon fee"),
    ("facilitator_tax", "Tax withheld by Amazon"),
    ("reserve", "Reserve"),
    ("suspense", "Suspense"),
]
FEE_TYPE_SELECTION = [
    ("commission", "Commission"),
    ("fba", "FBA fees"),
    ("shipping_label", "Shipping labels"),
    ("subscription", "Subscription"),
    ("advertising", "Advertising"),
    ("digital_services", "Digital services"),
    ("other", "Other fees"),
]
#: The expense account made for each fee type when the company has none yet
#: (code, name): one per type, so the profit and loss shows them apart.
FEE_ACCOUNTS = {
    "commission": ("AMZCOM", "Amazon Commissions"),
    "fba": ("AMZFBA", "Amazon FBA Fees"),
    "shipping_label": ("AMZSHIP", "Amazon Shipping Labels"),
    "subscription": ("AMZSUB", "Amazon Subscription"),
    "advertising": ("AMZADS", "Amazon Advertising"),
    "digital_services": ("AMZDST", "Amazon Digital Services Fees"),
    "other": ("AMZFEE", "Amazon Other Fees"),
}
#: The mapping every company starts with: (transaction type, amount type,
#: description, treatment, fee type). Empty means any; ``*`` and ``?`` are
#: wildcards; the most specific rule wins.
DEFAULT_RULES = (
    ("", "ItemPrice", "", "customer", False),
    ("", "Promotion", "", "customer", False),
    ("", "ItemWithheldTax", "", "facilitator_tax", False),
    ("", "ItemFees", "", "fee", "other"),
    ("", "ItemFees", "*Commission", "fee", "commission"),
    ("", "ItemFees", "*ClosingFee", "fee", "commission"),
    ("", "ItemFees", "FBA*", "fee", "fba"),
    ("", "ItemFees", "DigitalServicesFee*", "fee", "digital_services"),
    ("", "ItemFees", "ShippingHB", "fee", "shipping_label"),
    ("", "ItemFees", "ShippingChargeback", "fee", "shipping_label"),
    ("", "other-transaction", "Current Reserve Amount", "reserve", False),
    ("", "other-transaction", "Previous Reserve Amount Balance", "reserve", False),
    ("", "other-transaction", "Subscription Fee", "fee", "subscription"),
    ("", "other-transaction", "月額登録料", "fee", "subscription"),
    ("", "other-transaction", "Shipping label purchase*", "fee", "shipping_label"),
    ("", "other-transaction", "DigitalServicesFee*", "fee", "digital_services"),
    ("", "other-transaction", "Storage Fee", "fee", "fba"),
    ("", "other-transaction", "StorageRenewalBilling", "fee", "fba"),
    ("", "other-transaction", "FBA*", "fee", "fba"),
    ("", "Cost of Advertising", "", "fee", "advertising"),
    ("ServiceFee", "", "", "fee", "other"),
)


class AmazonSettlementMapping(models.Model):
    """How an amount of a settlement report is booked: the accountant's rules.

    A settlement line takes the most specific rule its transaction type, amount
    type and description match (a rule naming all three beats one naming the amount
    type only); a line no rule matches goes to the suspense account, and is listed.
    """

    _name = "amazon.settlement.mapping"
    _description = "Amazon Settlement Mapping"
    _order = "company_id, sequence, amount_type, amount_description, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    transaction_type = fields.Char(
        help="As in the report (Order, Refund, ServiceFee...). Empty: any. The "
        "wildcards * and ? are allowed, case does not matter."
    )
    amount_type = fields.Char(
        help="As in the report (ItemPrice, ItemFees, other-transaction...). Empty: any."
    )
    amount_description = fields.Char(
        string="Description",
        help="As in the report (Principal, Commission, Subscription Fee...). Empty: "
        "any.",
    )
    treatment = fields.Selection(
        TREATMENT_SELECTION,
        required=True,
        default="fee",
        help="Paid by the buyer: credited to the customer of the order and "
        "reconciled with its invoice (debited for refunds). Amazon fee: the expense "
        "account below. Tax withheld by Amazon: clears the marketplace facilitator "
        "tax the invoices booked. Reserve: the balance-sheet reserve account. "
        "Suspense: the suspense account, listed on the settlement.",
    )
    fee_type = fields.Selection(FEE_TYPE_SELECTION)
    account_id = fields.Many2one(
        "account.account",
        check_company=True,
        help="Where fees and reserves are booked. Empty: the account made for the "
        "fee type (Amazon Commissions, Amazon Reserve...).",
    )
    tax_id = fields.Many2one(
        "account.tax",
        check_company=True,
        domain="[('type_tax_use', '=', 'purchase')]",
        help="The tax Amazon charges on this fee, included in the amount (e.g. the "
        "VAT of Amazon's fee invoices).",
    )

    @api.depends("transaction_type", "amount_type", "amount_description")
    def _compute_display_name(self):
        for rule in self:
            rule.display_name = " / ".join(
                part or "*"
                for part in (
                    rule.transaction_type,
                    rule.amount_type,
                    rule.amount_description,
                )
            )

    # ------------------------------------------------------------------ rules

    @api.model
    def _amazon_rules(self, company):
        """The company's rules, the defaults made first when it has none."""
        rules = self.search([("company_id", "=", company.id)])
        if rules or self.with_context(active_test=False).search_count(
            [("company_id", "=", company.id)], limit=1
        ):
            return rules
        # No default_* of the caller's context (an Amazon account's id as
        # default_account_id) may reach the rules' ledger account.
        Mapping = self.env(context=clean_context(self.env.context), su=True)[self._name]
        return Mapping.create(
            [
                {
                    "company_id": company.id,
                    "transaction_type": transaction or False,
                    "amount_type": amount_type or False,
                    "amount_description": description or False,
                    "treatment": treatment,
                    "fee_type": fee_type,
                }
                for transaction, amount_type, description, treatment, fee_type in (
                    DEFAULT_RULES
                )
            ]
        )

    def _amazon_matcher(self):
        """A function of (transaction type, amount type, description) returning the
        rule of these to apply, or an empty recordset. Cached per key: a settlement
        has thousands of lines but a few dozen kinds."""
        rules = sorted(
            (
                (
                    -sum(
                        bool(value)
                        for value in (
                            rule.transaction_type,
                            rule.amount_type,
                            rule.amount_description,
                        )
                    ),
                    rule.sequence,
                    rule.id,
                ),
                rule,
                tuple(
                    (value or "").strip().casefold()
                    for value in (
                        rule.transaction_type,
                        rule.amount_type,
                        rule.amount_description,
                    )
                ),
            )
            for rule in self
        )
        cache = {}
        empty = self.browse()

        def match(*key):
            key = tuple((value or "").strip().casefold() for value in key)
            if key not in cache:
                cache[key] = next(
                    (
                        rule
                        for _order, rule, patterns in rules
                        if all(
                            not pattern or fnmatchcase(value, pattern)
                            for pattern, value in zip(patterns, key, strict=True)
                        )
                    ),
                    empty,
                )
            return cache[key]

        return match

    def _amazon_account(self):
        """The account this rule books to (fees and reserves)."""
        self.ensure_one()
        if self.account_id:
            return self.account_id
        company = self.company_id
        if self.treatment == "reserve":
            return company._amazon_settlement_account("reserve")
        if self.treatment == "fee":
            return company._amazon_settlement_account(self.fee_type or "other")
        if self.treatment == "facilitator_tax":
            return company._amazon_facilitator_account()
        return company._amazon_settlement_account("suspense")
