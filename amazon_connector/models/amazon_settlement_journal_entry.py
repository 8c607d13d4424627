# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The journal entry of a settlement (the invoices it pays are matched by
``amazon_settlement_matching``).

One entry per settlement, in the company's "Amazon" journal of its currency. Every
amount of the report is on it (the sign turned: what Amazon paid the seller is a
credit):

- what buyers paid, one line per order on its customer's receivable, reconciled
  with the order's invoices (refunds: a debit, with its credit notes);
- fees, summed by account, tax and description, on the rules' expense accounts;
- the marketplace facilitator tax Amazon withheld, on the clearing account the
  invoices credited; reserves on the reserve account; unexplained amounts on the
  suspense account;
- the payout, what Amazon owes (a receivable from "Amazon Payments", matched by the
  bank transfer) or charges (a payable).
"""

from collections import defaultdict

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero

from ..amazon.settlement_vocabulary import FEE_PARTS, is_multichannel


class AmazonSettlement(models.Model):
    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.settlement"

    def _amazon_journal(self):
        self.ensure_one()
        company = self.company_id
        journal = self.account_id.settlement_journal_id
        if not journal:
            if not self.currency_id.active:
                self.currency_id.sudo().active = True
            journal = company._amazon_settlement_journal(self.currency_id)
        journal_currency = journal.currency_id or company.currency_id
        if journal_currency != self.currency_id:
            raise UserError(
                _(
                    "Settlement %(ref)s is in %(currency)s, but the journal "
                    "%(journal)s keeps its entries in %(journal_currency)s: choose "
                    "a journal in %(currency)s on the Amazon account %(account)s, or "
                    "none (an Amazon journal is made per currency).",
                    ref=self.settlement_ref,
                    currency=self.currency_id.name,
                    journal=journal.display_name,
                    journal_currency=journal_currency.name,
                    account=self.account_id.name,
                )
            )
        return journal

    def _amazon_rate(self, date):
        """The rate from the settlement's currency to the company's on ``date``,
        as Odoo converts the invoices it pays."""
        company = self.company_id
        if self.currency_id == company.currency_id:
            return 1.0
        return self.env["res.currency"]._get_conversion_rate(
            self.currency_id, company.currency_id, company, date
        )

    def _amazon_create_move(self):
        """Create the settlement's draft journal entry, and link every settlement
        line to the journal item that books it."""
        self.ensure_one()
        company = self.company_id
        journal = self._amazon_journal()
        date = fields.Date.to_date(self.deposit_date or self.end_date)
        rate = self._amazon_rate(date)
        lines = self.line_ids
        self._amazon_check_not_moved(lines)
        # Booked again (the entry was deleted): every amount starts afresh.
        lines.filtered(lambda li: li.treatment != "suspense").write(
            {"status": "pending", "note": False, "invoice_amount": 0.0}
        )
        documents = self._amazon_documents(lines)
        groups = self._amazon_entry_groups(lines, documents)
        values = self._amazon_move_line_values(groups, rate)
        move = self._amazon_new_entry(
            company,
            journal,
            date,
            _("Amazon settlement %s", self.settlement_ref),
            values,
            amazon_settlement_id=self.id,
        )
        self._amazon_link_items(move, groups)
        lines.filtered(lambda li: li.status == "pending").write({"status": "booked"})
        self.write({"move_id": move.id, "journal_id": journal.id})
        return move

    def _amazon_new_entry(self, company, journal, date, ref, line_values, **values):
        """A draft journal entry of the settlement's company with these lines
        (the settlement's amounts are not an invoice: no invoice sync)."""
        return (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .with_context(skip_invoice_sync=True)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": date,
                    "ref": ref,
                    "line_ids": [fields.Command.create(v) for v in line_values],
                    **values,
                }
            )
        )

    def _amazon_check_not_moved(self, lines):
        """Refuse to book ``lines`` again when Match Again moved some of their
        amounts out of suspense: they stand in an entry of their own, booking the
        settlement again would book them twice."""
        moved = lines.sudo().move_line_id.move_id.filtered(
            lambda m: m.state == "posted" and m != self.sudo().move_id
        )
        if moved:
            raise UserError(
                _(
                    "Amounts of Amazon settlement %(ref)s were moved out of suspense "
                    "by %(entries)s: reverse and delete those entries before the "
                    "settlement is booked again.",
                    ref=self.settlement_ref,
                    entries=", ".join(moved.mapped("name")),
                )
            )

    def _amazon_move_line_values(self, groups, rate):
        """The journal items of the entry: those of ``groups`` (the sign turned),
        then the payout that balances them, in the settlement's currency."""
        company_currency = self.company_id.currency_id
        currency = self.currency_id
        values = []
        for group in groups:
            amount = -group["amount"]
            values.extend(self._amazon_line_values(group, amount, rate))
        balance = sum(v["balance"] for v in values)
        payout = self._amazon_payout_values(-sum(v["amount_currency"] for v in values))
        if payout:
            payout["balance"] = company_currency.round(-balance)
            values.append(payout)
        elif values and not company_currency.is_zero(balance):
            values[-1]["balance"] = company_currency.round(
                values[-1]["balance"] - balance
            )
        for value in values:
            value["currency_id"] = currency.id
        return values

    def _amazon_link_items(self, move, groups):
        """Link the settlement lines of each group to the first journal item
        ``move`` made of it (the base, when a tax item follows)."""
        items = move.line_ids.sorted("id")
        position = 0
        by_item = defaultdict(list)
        for group in groups:
            item = items[position]
            position += 2 if group.get("tax") else 1
            by_item[item.id].extend(group["lines"].ids)
        for item_id, line_ids in by_item.items():
            self.env["amazon.settlement.line"].browse(line_ids).write(
                {"move_line_id": item_id}
            )

    def _amazon_line_values(self, group, amount, rate):
        """The journal items of one group: one, or a base and its tax."""
        currency = self.currency_id
        company_currency = self.company_id.currency_id
        base = {
            "name": group["name"],
            "account_id": group["account"].id,
            "partner_id": group.get("partner", self.env["res.partner"]).id,
        }
        if group.get("fee_tax"):
            return [self._amazon_fee_tax_values(base, group["fee_tax"], amount, rate)]
        tax = group.get("tax")
        if not tax:
            return [
                {
                    **base,
                    "amount_currency": currency.round(amount),
                    "balance": company_currency.round(amount * rate),
                }
            ]
        return self._amazon_taxed_values(base, tax, amount, rate)

    def _amazon_taxed_values(self, base, tax, amount, rate):
        """A fee whose amount includes ``tax``: its base and tax items, as Odoo's
        tax report reads them (tags, repartition line, base amount)."""
        currency = self.currency_id
        company_currency = self.company_id.currency_id
        if tax.amount_type != "percent":
            raise UserError(
                _(
                    "The tax %s of the Amazon settlement mapping is not a percentage: "
                    "only percentage taxes can be taken out of Amazon's fees.",
                    tax.display_name,
                )
            )
        refund = amount < 0
        repartition = (
            tax.refund_repartition_line_ids
            if refund
            else tax.invoice_repartition_line_ids
        )
        base_repartition = repartition.filtered(lambda r: r.repartition_type == "base")
        tax_repartition = repartition.filtered(lambda r: r.repartition_type == "tax")[
            :1
        ]
        base_amount = currency.round(amount / (1 + tax.amount / 100.0))
        tax_amount = currency.round(amount - base_amount)
        base_balance = company_currency.round(base_amount * rate)
        tax_balance = company_currency.round(amount * rate) - base_balance
        return [
            {
                **base,
                "amount_currency": base_amount,
                "balance": base_balance,
                "tax_ids": [(6, 0, tax.ids)],
                "tax_tag_ids": [(6, 0, base_repartition.tag_ids.ids)],
            },
            {
                **base,
                "name": f"{base['name']} ({tax.name})",
                "account_id": tax_repartition.account_id.id or base["account_id"],
                "amount_currency": tax_amount,
                "balance": tax_balance,
                "tax_repartition_line_id": tax_repartition.id,
                "tax_base_amount": abs(base_balance),
                "tax_tag_ids": [(6, 0, tax_repartition.tag_ids.ids)],
            },
        ]

    def _amazon_fee_tax_values(self, base, tax, amount, rate):
        """The VAT Amazon charged on its fees ("Tax on fee"): input VAT, a tax
        item of ``tax`` with its tax grid (its base is the fee, booked apart)."""
        currency = self.currency_id
        company_currency = self.company_id.currency_id
        repartition = (
            tax.refund_repartition_line_ids
            if amount < 0
            else tax.invoice_repartition_line_ids
        ).filtered(lambda r: r.repartition_type == "tax")[:1]
        balance = company_currency.round(amount * rate)
        return {
            **base,
            "account_id": repartition.account_id.id or base["account_id"],
            "amount_currency": currency.round(amount),
            "balance": balance,
            "tax_repartition_line_id": repartition.id,
            "tax_base_amount": company_currency.round(
                abs(balance) * 100.0 / tax.amount
            ),
            "tax_tag_ids": [(6, 0, repartition.tag_ids.ids)],
        }

    def _amazon_payout_values(self, amount):
        """The payout item: what Amazon owes (debit) or charges (credit)."""
        if self.currency_id.is_zero(amount):
            return None
        company = self.company_id
        partner = company._amazon_payments_partner(self.marketplace_id)
        partner_company = partner.with_company(company)
        account = (
            partner_company.property_account_receivable_id
            if amount > 0
            else partner_company.property_account_payable_id
        )
        return {
            "name": (
                _("Amazon payout %s", self.settlement_ref)
                if amount > 0
                else _("Charged by Amazon, settlement %s", self.settlement_ref)
            ),
            "account_id": account.id,
            "partner_id": partner.id,
            "amount_currency": self.currency_id.round(amount),
        }

    def _amazon_entry_groups(self, lines, documents):
        """The settlement lines summed into what the entry books, in order: each
        order's sale and refund, then fees, tax withheld, reserves, suspense."""
        company = self.company_id
        suspense = company._amazon_settlement_account("suspense")
        payments = company._amazon_payments_partner(
            self.marketplace_id
        ).commercial_partner_id
        # grouped(): unions one line at a time would cost the square of their number.
        grouped = lines.grouped(self._amazon_group_key(suspense, payments))
        customers = {k[1:]: v for k, v in grouped.items() if k[0] == "customer"}
        others = {k[1:]: v for k, v in grouped.items() if k[0] == "other"}
        groups = self._amazon_customer_groups(customers, documents, suspense)
        groups += self._amazon_other_groups(others, payments)
        return [
            group
            for group in groups
            if not float_is_zero(group["amount"], precision_digits=6)
            or group["lines"].filtered(lambda li: li.treatment == "customer")
        ]

    def _amazon_group_key(self, suspense, payments):
        """The key that puts a settlement line with those booked on one item:
        ``("customer", order, kind)`` for what a buyer paid, else ``("other",
        treatment, account, tax, label)``."""
        company = self.company_id
        fee_types = dict(
            self.env["amazon.settlement.line"]
            ._fields["fee_type"]
            ._description_selection(self.env)
        )
        accounts = {}

        def key(line):
            if line.treatment == "customer":
                return ("customer", line.order_ref, line.kind)
            if line.treatment == "suspense":
                label = " / ".join(
                    filter(
                        None,
                        (
                            line.transaction_type,
                            line.amount_type,
                            line.amount_description,
                        ),
                    )
                )
                return ("other", "suspense", suspense, False, label)
            rule = line.mapping_id
            if line.treatment == "amazon":
                account = payments.with_company(company).property_account_receivable_id
                label = line.amount_description or line.amount_type
                return ("other", "amazon", account, False, label)
            if rule not in accounts:
                accounts[rule] = rule._amazon_account() if rule else suspense
            tax = False
            if line.treatment == "fee":
                tax = rule.tax_id
            elif line.treatment == "fee_tax":
                tax = rule._amazon_fee_tax()
            label = self._amazon_group_label(line, fee_types)
            return ("other", line.treatment, accounts[rule], tax, label)

        return key

    def _amazon_group_label(self, line, fee_types):
        """How the item of a fee, reimbursement, reserve... names what it sums."""
        label = line.amount_description or line.amount_type
        if label in FEE_PARTS and line.amount_type:
            # The newer fee layout: the fee is the amount type.
            label = line.amount_type
        if line.treatment == "fee":
            if is_multichannel(line.marketplace_name):
                label = self.env._("Multi-Channel Fulfillment, %s", label)
            label = f"{fee_types[line.fee_type or 'other']} ({label})"
        elif "retrocharge" in (line.transaction_type or "").casefold():
            # Order_Retrocharge and Refund_Retrocharge on one item: a pair
            # leaves nothing.
            label = self.env._("Retrocharge (%s)", label)
        return label

    def _amazon_customer_groups(self, customers, documents, suspense):
        """One group per order's sale or refund (``customers``: its lines by
        order and kind), on its customer's receivable; an order Odoo does not
        have goes to ``suspense``, its lines said unmatched."""
        groups = []
        unmatched_ids = []
        for (ref, kind), order_lines in customers.items():
            found = documents.get(ref, {})
            account, partner = self._amazon_receivable(found, kind)
            if account is None:
                account, partner = suspense, self.env["res.partner"]
                unmatched_ids += order_lines.ids
            name = (
                _("Amazon order %s: refund", ref)
                if kind == "refund"
                else _("Amazon order %s", ref)
            )
            # Chargebacks and A-to-z Guarantee claims are refunds under their
            # own name.
            other_types = sorted(
                set(order_lines.mapped("transaction_type")) - {"Order", "Refund"}
            )
            if other_types:
                name = f"{name} ({', '.join(other_types)})"
            groups.append(
                {
                    "name": name,
                    "account": account,
                    "partner": partner,
                    "amount": sum(order_lines.mapped("amount")),
                    "lines": order_lines,
                }
            )
        Line = self.env["amazon.settlement.line"]
        for ref, unmatched in Line.browse(unmatched_ids).grouped("order_ref").items():
            unmatched.write(
                {"status": "unmatched", "note": self._amazon_no_order_note(ref)}
            )
        return groups

    def _amazon_receivable(self, found, kind):
        """``(account, partner)`` an order's sale or refund is booked on, from
        ``found`` (its order and invoices): ``(None, None)`` without an order."""
        # A refund goes on its credit note's receivable, else its invoice's.
        invoices = found.get("invoices")
        documents_of_kind = (kind == "refund" and found.get("refunds")) or invoices
        order = found.get("order")
        if documents_of_kind:
            receivable = documents_of_kind.line_ids.filtered(
                lambda li: li.account_type == "asset_receivable"
            )[:1]
            return receivable.account_id, receivable.partner_id
        if order:
            partner = order.partner_invoice_id.commercial_partner_id
            company = self.company_id
            return partner.with_company(company).property_account_receivable_id, partner
        return None, None

    def _amazon_other_groups(self, others, payments):
        """One group per treatment, account, tax and label (``others``: their
        lines): fees, VAT on fees, reimbursements, tax withheld, reserves..."""
        labels = {
            "fee": _("Amazon fees"),
            "fee_tax": _("VAT on Amazon fees"),
            "reimbursement": _("Amazon reimbursements"),
            "liquidation": _("Amazon liquidations"),
            "amazon": _("Amazon"),
            "facilitator_tax": _("Tax withheld by Amazon"),
            "reserve": _("Amazon reserve"),
            "suspense": _("Unexplained"),
        }
        groups = []
        for (treatment, account, tax, label), group_lines in others.items():
            group = {
                "name": f"{labels[treatment]}: {label}",
                "account": account,
                "amount": sum(group_lines.mapped("amount")),
                "lines": group_lines,
            }
            if treatment == "fee_tax":
                group["fee_tax"] = tax
            else:
                group["tax"] = tax
            if treatment == "amazon":
                group["partner"] = payments
            groups.append(group)
        return groups
