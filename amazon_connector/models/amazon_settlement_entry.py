# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The journal entry of a settlement, and the invoices it pays.

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

from ..amazon.settlement_vocabulary import (
    FEE_PARTS,
    is_amazon_order_id,
    is_multichannel,
)


class AmazonSettlement(models.Model):
    _inherit = "amazon.settlement"

    def action_post(self):
        """Book the settlements (one journal entry each) and pay the invoices they
        settle. A booked settlement is left as it is; one whose entry an accountant
        deleted is booked again; a draft entry is posted as it stands."""
        self.env["amazon.settlement.line"]._amazon_check_accountant()
        for settlement in self.sudo():
            if settlement.state == "posted":
                continue
            if settlement.blocked:
                raise UserError(
                    _(
                        "Settlement %(ref)s cannot be booked: %(problems)s",
                        ref=settlement.settlement_ref,
                        problems=settlement.problems,
                    )
                )
            move = settlement.move_id
            if move.state == "cancel":
                move = move.browse()
            if not move:
                move = settlement._amazon_create_move()
            if move.state == "draft":
                move.action_post()
            settlement._amazon_match()
            settlement.last_error = False
            settlement.message_post(
                body=_(
                    "Booked in %(entry)s. %(review)s",
                    entry=move._get_html_link(),
                    review=_("%s to review.", settlement.unmatched_count)
                    if settlement.unmatched_count
                    else _("Every amount is explained."),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_match(self):
        """Match Again: book by the mapping as it is now the amounts no rule
        explained (a rule added since applies to the settlements still open),
        and look again for the invoices of the orders not matched yet (invoiced
        since, credit notes made)."""
        self.env["amazon.settlement.line"]._amazon_check_accountant()
        for settlement in self.sudo():
            settlement._amazon_apply_rules()
            if settlement.state == "posted":
                settlement._amazon_match()
        return True

    def _amazon_apply_rules(self):
        """Give the amounts no rule explained (in suspense for that reason) the
        rule that explains them now. On a booked settlement an entry moves them
        from the suspense account to theirs; a draft entry is dropped, to be made
        again when booked. Returns the lines changed."""
        self.ensure_one()
        Line = self.env["amazon.settlement.line"]
        lines = self.line_ids.filtered(
            lambda li: (
                li.status == "suspense"
                and li.treatment == "suspense"
                and (not li.mapping_id or li.mapping_id.treatment == "suspense")
            )
        )
        move = self.sudo().move_id
        if move.state == "posted":
            # An amount whose suspense item was cleared by hand meanwhile is the
            # accountant's: moving it again would book it twice.
            lines = lines.filtered(
                lambda li: (
                    not (
                        li.sudo().move_line_id.matched_debit_ids
                        or li.sudo().move_line_id.matched_credit_ids
                    )
                )
            )
        if not lines:
            return Line
        match = (
            self.env["amazon.settlement.mapping"]
            ._amazon_rules(self.company_id)
            ._amazon_matcher()
        )
        changed = Line
        for line in lines:
            rule = match(
                line.transaction_type, line.amount_type, line.amount_description
            )
            if not rule or rule.treatment == "suspense":
                continue
            booking = Line._amazon_booking(
                rule, line.transaction_type, line.order_ref, line.marketplace_name
            )
            if booking["treatment"] == "suspense":
                continue
            line.write({"mapping_id": rule.id, **booking})
            changed |= line
        if not changed:
            return changed
        if move.state == "posted":
            self._amazon_reclassify(changed)
        elif move.state == "draft":
            move.unlink()
        return changed

    def _amazon_reclassify(self, lines):
        """Move the amounts of ``lines``, booked to suspense by the settlement's
        entry, to the accounts their rules name now: one entry, its suspense
        item reconciled with theirs."""
        self.ensure_one()
        company = self.company_id
        currency = self.currency_id
        suspense = company._amazon_settlement_account("suspense")
        old_items = lines.sudo().move_line_id.filtered(
            lambda li: li.account_id == suspense and not li.reconciled
        )
        rate = self._amazon_rate(self.move_id.date)
        groups = self._amazon_entry_groups(lines, self._amazon_documents(lines))
        values, counts = [], []
        for group in groups:
            group_values = self._amazon_line_values(group, -group["amount"], rate)
            counts.append(len(group_values))
            values += group_values
        values.append(
            {
                "name": _("Amazon settlement %s: explained", self.settlement_ref),
                "account_id": suspense.id,
                "amount_currency": -sum(v["amount_currency"] for v in values),
                "balance": company.currency_id.round(
                    -sum(v["balance"] for v in values)
                ),
            }
        )
        for value in values:
            value["currency_id"] = currency.id
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .with_context(skip_invoice_sync=True)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": self.move_id.journal_id.id,
                    "date": fields.Date.context_today(self),
                    "ref": _(
                        "Amazon settlement %s: amounts explained by the mapping",
                        self.settlement_ref,
                    ),
                    "line_ids": [(0, 0, value) for value in values],
                }
            )
        )
        move.action_post()
        items = move.line_ids.sorted("id")
        position = 0
        for group, count in zip(groups, counts, strict=True):
            group["lines"].write({"move_line_id": items[position].id})
            position += count
        lines.filtered(lambda li: li.status == "pending").write({"status": "booked"})
        cleared = old_items | items[-1]
        if currency.is_zero(sum(cleared.mapped("amount_residual_currency"))):
            cleared.reconcile()
        self.message_post(
            body=_(
                "%(count)s amount(s) booked by the mapping in %(entry)s.",
                count=len(lines),
                entry=move._get_html_link(),
            ),
            subtype_xmlid="mail.mt_note",
        )

    # ------------------------------------------------------------------ entry

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
        # Amounts Match Again moved out of suspense stand in an entry of their own:
        # booking the settlement again would book them twice.
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
        # Booked again (the entry was deleted): every amount starts afresh.
        lines.filtered(lambda li: li.treatment != "suspense").write(
            {"status": "pending", "note": False, "invoice_amount": 0.0}
        )
        documents = self._amazon_documents(lines)
        groups = self._amazon_entry_groups(lines, documents)
        company_currency = company.currency_id
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
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .with_context(skip_invoice_sync=True)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": date,
                    "ref": _("Amazon settlement %s", self.settlement_ref),
                    "amazon_settlement_id": self.id,
                    "line_ids": [(0, 0, value) for value in values],
                }
            )
        )
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
        lines.filtered(lambda li: li.status == "pending").write({"status": "booked"})
        self.write({"move_id": move.id, "journal_id": journal.id})
        return move

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
        fee_types = dict(
            self.env["amazon.settlement.line"]
            ._fields["fee_type"]
            ._description_selection(self.env)
        )
        accounts = {}
        payments = company._amazon_payments_partner(
            self.marketplace_id
        ).commercial_partner_id

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
            return ("other", line.treatment, accounts[rule], tax, label)

        # grouped(): unions one line at a time would cost the square of their number.
        grouped = lines.grouped(key)
        customers = {k[1:]: v for k, v in grouped.items() if k[0] == "customer"}
        others = {k[1:]: v for k, v in grouped.items() if k[0] == "other"}
        groups = []
        unmatched_ids = []
        for (ref, kind), order_lines in customers.items():
            found = documents.get(ref, {})
            # A refund goes on its credit note's receivable, else its invoice's.
            invoices = found.get("invoices")
            documents_of_kind = (kind == "refund" and found.get("refunds")) or invoices
            order = found.get("order")
            if documents_of_kind:
                receivable = documents_of_kind.line_ids.filtered(
                    lambda li: li.account_type == "asset_receivable"
                )[:1]
                account, partner = receivable.account_id, receivable.partner_id
            elif order:
                partner = order.partner_invoice_id.commercial_partner_id
                account = partner.with_company(company).property_account_receivable_id
            else:
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
        for ref, unmatched in lines.browse(unmatched_ids).grouped("order_ref").items():
            unmatched.write(
                {"status": "unmatched", "note": self._amazon_no_order_note(ref)}
            )
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
        return [
            group
            for group in groups
            if not float_is_zero(group["amount"], precision_digits=6)
            or group["lines"].filtered(lambda li: li.treatment == "customer")
        ]

    # ------------------------------------------------------------------ matching

    def _amazon_documents(self, lines):
        """The sales orders and posted customer invoices of the orders ``lines``
        name, by Amazon order number: only the account's company, and an invoice
        counts when it is the order's or its customer buys through this account
        (the customer's Amazon channel, the second key)."""
        self.ensure_one()
        account = self.account_id
        company = self.company_id
        refs = list(set(lines.filtered("order_ref").mapped("order_ref")))
        found = defaultdict(dict)
        if not refs:
            return found
        orders = (
            self.env["sale.order"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("amazon_account_id", "=", account.id),
                    ("amazon_order_ref", "in", refs),
                    ("company_id", "=", company.id),
                ]
            )
        )
        for order in orders:
            found[order.amazon_order_ref]["order"] = order
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    "|",
                    ("line_ids.sale_line_ids.order_id", "in", orders.ids),
                    "&",
                    ("ref", "in", refs),
                    ("commercial_partner_id.amazon_account_id", "=", account.id),
                ]
            )
        )
        # Read once for all: each order's invoices keep the prefetch of all.
        moves.line_ids.fetch(
            ["account_id", "partner_id", "reconciled", "amount_residual_currency"]
        )
        refs = set(refs)
        ids = defaultdict(list)
        for move in moves:
            ref = move.ref if move.ref in refs else None
            linked = move.line_ids.sale_line_ids.order_id & orders
            if linked:
                ref = linked[0].amazon_order_ref
            if ref:
                kind = "refunds" if move.move_type == "out_refund" else "invoices"
                ids[ref, kind].append(move.id)
        for (ref, kind), move_ids in ids.items():
            found[ref][kind] = moves.browse(move_ids).with_prefetch(moves._prefetch_ids)
        return found

    def _amazon_match(self, lines=None):
        """Reconcile each order's credit (debit for a refund) with its open invoices
        (credit notes) when the amounts are equal, and say on the lines and the
        orders what came of it."""
        self.ensure_one()
        Line = self.env["amazon.settlement.line"]
        lines = (lines or self.line_ids).filtered(
            lambda li: (
                li.settlement_id == self
                and li.treatment == "customer"
                and li.status
                in ("booked", "pending", "matched", "unmatched", "mismatch")
                and li.sudo().move_line_id
                and not li.sudo().move_line_id.reconciled
            )
        )
        if not lines:
            return
        documents = self._amazon_documents(lines)
        groups = lines.grouped(lambda li: (li.order_ref, li.kind))
        currency = self.currency_id
        outcome = defaultdict(list)
        order_texts = defaultdict(list)
        deposit = fields.Date.to_string(fields.Date.to_date(self.deposit_date))
        # Sales first: a credit note posted while its invoice is open would
        # pay it itself (Odoo reconciles a reversal with its invoice).
        for pass_kind in ("sale", "refund"):
            plans = []
            for (ref, kind), group in groups.items():
                if kind != pass_kind:
                    continue
                found = documents.get(ref, {})
                order = found.get("order", self.env["sale.order"])
                item = group.sudo().move_line_id[:1]
                settled = (
                    -item.amount_currency if kind == "sale" else item.amount_currency
                )
                docs = found.get("refunds" if kind == "refund" else "invoices")
                if kind == "refund" and not docs:
                    docs = self._amazon_credit_note(found, settled)
                docs = (docs or self.env["account.move"]).filtered(
                    lambda m: m.currency_id == currency
                )
                receivable = item.account_id
                open_items = docs.line_ids.filtered(
                    lambda li, receivable=receivable: (
                        li.account_type == "asset_receivable"
                        and not li.reconciled
                        and li.account_id == receivable
                    )
                )
                due = abs(sum(open_items.mapped("amount_residual_currency")))
                values = {"sale_order_id": order.id, "invoice_id": docs[:1].id}
                if docs and currency.compare_amounts(due, settled) == 0 and open_items:
                    plans.append(item | open_items)
                    values.update(status="matched", note=False, invoice_amount=0.0)
                    text = (
                        _(
                            "Refund paid back by Amazon settlement %(ref)s (deposit "
                            "%(date)s)",
                            ref=self.settlement_ref,
                            date=deposit,
                        )
                        if kind == "refund"
                        else _(
                            "Paid by Amazon settlement %(ref)s (deposit %(date)s)",
                            ref=self.settlement_ref,
                            date=deposit,
                        )
                    )
                elif docs:
                    difference = settled - due
                    text = _(
                        "Settlement differs from the invoice by %(amount)s %(currency)s",
                        amount=format(abs(difference), f".{currency.decimal_places}f"),
                        currency=currency.name,
                    )
                    if kind == "refund":
                        text = _(
                            "Settlement refund differs from the credit note by "
                            "%(amount)s %(currency)s",
                            amount=format(
                                abs(difference), f".{currency.decimal_places}f"
                            ),
                            currency=currency.name,
                        )
                    values.update(
                        status="mismatch",
                        invoice_amount=due,
                        note=_(
                            "%(text)s: Amazon paid %(settled)s, %(invoice)s is due.",
                            text=text,
                            settled=format(settled, f".{currency.decimal_places}f"),
                            invoice=format(due, f".{currency.decimal_places}f"),
                        ),
                    )
                else:
                    text = (
                        _(
                            "Refunded by Amazon settlement %s, no credit note yet",
                            self.settlement_ref,
                        )
                        if kind == "refund"
                        else _(
                            "Settled by Amazon settlement %s before it was invoiced",
                            self.settlement_ref,
                        )
                    )
                    note = (
                        _("No credit note of the order to match.")
                        if kind == "refund"
                        else _("The order has no posted invoice yet.")
                    )
                    if not order:
                        note = self._amazon_no_order_note(ref)
                    values.update(status="unmatched", invoice_amount=0.0, note=note)
                outcome[tuple(sorted(values.items()))] += group.ids
                if order:
                    order_texts[text].append(order.id)
            if plans:
                self.env["account.move.line"].sudo()._reconcile_plan(plans)
        for values, line_ids in outcome.items():
            Line.browse(line_ids).write(dict(values))
        for text, order_ids in order_texts.items():
            self.env["sale.order"].sudo().browse(order_ids).write(
                {"amazon_last_action": text}
            )

    def _amazon_no_order_note(self, ref):
        """Why the amounts of order ``ref``, which no order of Odoo has, are in
        suspense."""
        if is_amazon_order_id(ref):
            return _("No Amazon order of this number in Odoo: booked to suspense.")
        return _(
            "Not an Amazon order number (a Multi-Channel Fulfillment order?), and "
            "no order of Odoo has it: booked to suspense, not to a customer."
        )

    def _amazon_credit_note(self, found, amount):
        """The credit note of a refund, made from the order's invoice when the
        account asks for it and the refund is the whole invoice; else none."""
        invoices = found.get("invoices")
        if not invoices or not self.account_id.settlement_create_credit_notes:
            return None
        invoice = invoices.filtered(
            lambda m: self.currency_id.compare_amounts(m.amount_total, amount) == 0
        )[:1]
        if not invoice:
            return None
        credit_note = invoice._reverse_moves(
            [
                {
                    "ref": invoice.ref,
                    "invoice_date": fields.Date.to_date(self.deposit_date),
                    "date": fields.Date.to_date(self.deposit_date),
                }
            ]
        )
        credit_note.action_post()
        credit_note.message_post(
            body=_(
                "Made from the refund of Amazon settlement %s.", self.settlement_ref
            ),
            subtype_xmlid="mail.mt_note",
        )
        found["refunds"] = credit_note
        return credit_note

    def _amazon_to_suspense(self, lines):
        """Move the customer amounts of ``lines`` (one order's sale or refund each)
        to the suspense account: an entry that clears their journal items."""
        self.ensure_one()
        suspense = self.company_id._amazon_settlement_account("suspense")
        items = lines.sudo().move_line_id.filtered(lambda li: not li.reconciled)
        if not items:
            raise UserError(_("These amounts are already cleared."))
        values = []
        for item in items:
            values += [
                {
                    "name": item.name,
                    "account_id": item.account_id.id,
                    "partner_id": item.partner_id.id,
                    "amount_currency": -item.amount_residual_currency,
                    "balance": -item.amount_residual,
                    "currency_id": item.currency_id.id,
                },
                {
                    "name": _("%s: to explain", item.name),
                    "account_id": suspense.id,
                    "amount_currency": item.amount_residual_currency,
                    "balance": item.amount_residual,
                    "currency_id": item.currency_id.id,
                },
            ]
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": self.journal_id.id or self.move_id.journal_id.id,
                    "date": fields.Date.context_today(self),
                    "ref": _("Amazon settlement %s: to suspense", self.settlement_ref),
                    "line_ids": [(0, 0, value) for value in values],
                }
            )
        )
        move.action_post()
        for item in items:
            (
                item
                | move.line_ids.filtered(
                    lambda li, item=item: (
                        li.account_id == item.account_id
                        and li.partner_id == item.partner_id
                        and li.name == item.name
                    )
                )
            ).reconcile()
        lines.write(
            {
                "status": "suspense",
                "note": _("Booked to suspense by %s.", self.env.user.name),
            }
        )
        self.message_post(
            body=_(
                "Booked to suspense in %(entry)s: %(orders)s",
                entry=move._get_html_link(),
                orders=", ".join(sorted(set(lines.mapped("order_ref")))),
            ),
            subtype_xmlid="mail.mt_note",
        )
