# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from fnmatch import fnmatchcase

from odoo import api, fields, models
from odoo.tools.misc import clean_context

from ..amazon.settlement_vocabulary import DEFAULT_RULES as VOCABULARY_RULES

TREATMENT_SELECTION = [
    ("customer", "Paid by the buyer"),
    ("fee", "Amazon fee"),
    ("fee_tax", "VAT on an Amazon fee"),
    ("facilitator_tax", "Tax withheld by Amazon"),
    ("reserve", "Reserve"),
    ("reimbursement", "Amazon reimbursement"),
    ("liquidation", "Liquidation (sale of the units)"),
    ("amazon", "Amazon's receivable"),
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
#: description, treatment, fee type), from the vocabulary of Amazon's files
#: (``amazon/settlement_vocabulary.py``, each rule with its source). Empty means
#: any; ``*`` and ``?`` are wildcards; the most specific rule wins.
DEFAULT_RULES = tuple(
    (
        rule.transaction_type,
        rule.amount_type,
        rule.description,
        rule.treatment,
        rule.fee_type or False,
    )
    for rule in VOCABULARY_RULES
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
        "account below. VAT on an Amazon fee: input VAT, a tax line of the tax "
        "below (else the company's purchase tax). Tax withheld by Amazon: clears "
        "the marketplace facilitator tax the invoices booked. Reserve: the "
        "balance-sheet reserve account. Amazon reimbursement: the Amazon "
        "Reimbursements income account. Liquidation: the Amazon Liquidations sales "
        "account. Amazon's receivable: where the payout is (debt adjustments, "
        "transfers). Suspense: the suspense account, listed on the settlement.",
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
        return self._amazon_add_default_rules(company)

    @api.model
    def _amazon_add_default_rules(self, company, skip=()):
        """Make the default rules the company has no rule for yet (same transaction
        type, amount type and description, archived ones included), except those
        keyed as in ``skip``: all of them for a new company; on an upgrade, the new
        vocabulary's (the previous version's defaults are skipped, so one the
        accountant deleted or re-keyed does not come back). A rule the accountant
        changed or archived is never touched."""
        existing = set(skip) | {
            (
                rule.transaction_type or "",
                rule.amount_type or "",
                rule.amount_description or "",
            )
            for rule in self.with_context(active_test=False).search(
                [("company_id", "=", company.id)]
            )
        }
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
                if (transaction or "", amount_type or "", description or "")
                not in existing
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
        if self.treatment in ("reserve", "reimbursement", "liquidation"):
            return company._amazon_settlement_account(self.treatment)
        if self.treatment == "fee_tax":
            tax = self._amazon_fee_tax()
            return tax.invoice_repartition_line_ids.filtered(
                lambda r: r.repartition_type == "tax"
            )[:1].account_id or company._amazon_settlement_account("suspense")
        if self.treatment == "fee":
            return company._amazon_settlement_account(self.fee_type or "other")
        if self.treatment == "facilitator_tax":
            return company._amazon_facilitator_account()
        return company._amazon_settlement_account("suspense")

    def _amazon_fee_tax(self):
        """The purchase tax of a "VAT on an Amazon fee" rule: its own, else the
        company's default purchase tax (a percentage); none: suspense."""
        self.ensure_one()
        tax = self.tax_id or self.company_id.account_purchase_tax_id
        if tax and tax.amount_type == "percent" and tax.amount:
            return tax
        return self.env["account.tax"]
