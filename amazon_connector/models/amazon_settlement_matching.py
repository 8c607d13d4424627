# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The orders and invoices a settlement pays: each order's amount reconciled
with its invoices (credit notes for a refund), what differs or is not invoiced
said on the lines and the orders, and the amounts the accountant books to
suspense."""

from collections import defaultdict

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..amazon.settlement_vocabulary import is_amazon_order_id
from ..const import SETTLEMENT_MATCHABLE_STATUSES


class AmazonSettlement(models.Model):
    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.settlement"

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
        self._amazon_add_invoices(found, orders, refs)
        return found

    def _amazon_add_invoices(self, found, orders, refs):
        """Add to ``found`` the posted invoices and credit notes of ``orders``
        and of the Amazon order numbers ``refs``, by number and kind."""
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    "|",
                    ("line_ids.sale_line_ids.order_id", "in", orders.ids),
                    "&",
                    ("ref", "in", refs),
                    (
                        "commercial_partner_id.amazon_account_id",
                        "=",
                        self.account_id.id,
                    ),
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
                and li.status in SETTLEMENT_MATCHABLE_STATUSES
                and li.sudo().move_line_id
                and not li.sudo().move_line_id.reconciled
                # Partly paid already (a capped credit note): nothing to match.
                and not li.sudo().move_line_id.matched_debit_ids
                and not li.sudo().move_line_id.matched_credit_ids
            )
        )
        if not lines:
            return
        documents = self._amazon_documents(lines)
        groups = lines.grouped(lambda li: (li.order_ref, li.kind))
        outcome = defaultdict(list)
        order_texts = defaultdict(list)
        # Sales first: a credit note posted while its invoice is open would
        # pay it itself (Odoo reconciles a reversal with its invoice).
        for pass_kind in ("sale", "refund"):
            plans = []
            for (ref, kind), group in groups.items():
                if kind != pass_kind:
                    continue
                found = documents.get(ref, {})
                values, text, plan = self._amazon_match_order(ref, kind, group, found)
                if plan:
                    plans.append(plan)
                outcome[tuple(sorted(values.items()))] += group.ids
                if found.get("order"):
                    order_texts[text].append(found["order"].id)
            if plans:
                self.env["account.move.line"].sudo()._reconcile_plan(plans)
        for values, line_ids in outcome.items():
            Line.browse(line_ids).write(dict(values))
        for text, order_ids in order_texts.items():
            self.env["sale.order"].sudo().browse(order_ids).write(
                {"amazon_last_action": text}
            )
        # An order refunded tells its story: what was refunded, what came back.
        matched = Line.browse([i for ids in outcome.values() for i in ids])
        matched.filtered(
            lambda li: li.kind == "refund" and li.invoice_id.move_type == "out_refund"
        ).sale_order_id.sudo()._amazon_tell_return_story()

    def _amazon_match_order(self, ref, kind, group, found):
        """Match the lines ``group`` of order ``ref``'s sale or refund (``kind``)
        with the invoices or credit notes ``found``: ``(values, text, plan)``,
        the lines' values, what the order is told, and the journal items to
        reconcile (none unless the amounts are equal)."""
        currency = self.currency_id
        order = found.get("order", self.env["sale.order"])
        item = group.sudo().move_line_id[:1]
        settled = -item.amount_currency if kind == "sale" else item.amount_currency
        docs = found.get("invoices")
        capped = False
        if kind == "refund":
            documents = self._amazon_refund_documents(found, group, settled)
            if documents.status:
                # No credit note could be made: the lines say why.
                values = {
                    "sale_order_id": order.id,
                    "invoice_id": False,
                    "status": documents.status,
                    "invoice_amount": 0.0,
                    "note": documents.note,
                }
                return values, documents.note[:250], None
            docs, capped = documents.moves, documents.capped
        docs = (docs or self.env["account.move"]).filtered(
            lambda m: m.currency_id == currency
        )
        receivable = item.account_id
        open_items = docs.line_ids.filtered(
            lambda li: (
                li.account_type == "asset_receivable"
                and not li.reconciled
                and li.account_id == receivable
            )
        )
        due = abs(sum(open_items.mapped("amount_residual_currency")))
        values = {"sale_order_id": order.id, "invoice_id": docs[:1].id}
        if kind == "refund" and len(docs) > 1:
            # One credit note per invoice: each line names its item's.
            del values["invoice_id"]
            self._amazon_point_refund_lines(group, docs)
        if docs and currency.compare_amounts(due, settled) == 0 and open_items:
            values.update(status="matched", note=False, invoice_amount=0.0)
            return values, self._amazon_paid_text(kind), item | open_items
        if capped and open_items:
            # The credit note holds all the invoice could still be credited: it
            # is paid, what Amazon refunded beyond it stays listed.
            text, note = self._amazon_capped_texts(settled, due)
            values.update(status="mismatch", invoice_amount=due, note=note)
            return values, text, item | open_items
        if docs:
            text, note = self._amazon_mismatch_texts(kind, settled, due)
            values.update(status="mismatch", invoice_amount=due, note=note)
            return values, text, None
        text, note = self._amazon_unmatched_texts(ref, kind, order)
        values.update(status="unmatched", invoice_amount=0.0, note=note)
        return values, text, None

    def _amazon_point_refund_lines(self, group, credit_notes):
        """Name on each refund line of ``group`` the credit note of ``credit_notes``
        crediting the invoice of its order item (the first for the others)."""
        for line in group:
            credit_note = credit_notes.filtered(
                lambda m, line=line: (
                    line.order_item_code
                    in m.reversed_entry_id.invoice_line_ids.sale_line_ids.mapped(
                        "amazon_order_item_id"
                    )
                )
            )[:1]
            line.invoice_id = credit_note or credit_notes[:1]

    def _amazon_paid_text(self, kind):
        """What an order whose sale (refund) the settlement paid is told."""
        deposit = fields.Date.to_string(fields.Date.to_date(self.deposit_date))
        if kind == "refund":
            return _(
                "Refund paid back by Amazon settlement %(ref)s (deposit %(date)s)",
                ref=self.settlement_ref,
                date=deposit,
            )
        return _(
            "Paid by Amazon settlement %(ref)s (deposit %(date)s)",
            ref=self.settlement_ref,
            date=deposit,
        )

    def _amazon_mismatch_texts(self, kind, settled, due):
        """``(text, note)`` of a sale (refund) whose amount ``settled`` differs
        from what its invoices (credit notes) have ``due``: what the order is
        told, what its lines say."""
        currency = self.currency_id
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
                amount=format(abs(difference), f".{currency.decimal_places}f"),
                currency=currency.name,
            )
        note = _(
            "%(text)s: Amazon paid %(settled)s, %(invoice)s is due.",
            text=text,
            settled=format(settled, f".{currency.decimal_places}f"),
            invoice=format(due, f".{currency.decimal_places}f"),
        )
        return text, note

    def _amazon_unmatched_texts(self, ref, kind, order):
        """``(text, note)`` of a sale (refund) of order ``ref`` with no invoice
        (credit note) to pay: what the order is told, what its lines say."""
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
        elif kind == "refund" and order.state == "cancel":
            note = _(
                "A refund of a canceled order without invoice: booked to suspense, "
                "not to the customer."
            )
        return text, note

    def _amazon_capped_texts(self, settled, due):
        """``(text, note)`` of a refund larger than what its invoice could still
        be credited (``due``, the credit note made)."""
        currency = self.currency_id
        digits = f".{currency.decimal_places}f"
        text = _(
            "Amazon refunded %(amount)s %(currency)s more than the invoice",
            amount=format(settled - due, digits),
            currency=currency.name,
        )
        note = _(
            "Amazon refunded %(settled)s, the invoice could still be credited "
            "%(due)s: the credit note is capped at that, the difference is to "
            "explain.",
            settled=format(settled, digits),
            due=format(due, digits),
        )
        return text, note

    def _amazon_no_order_note(self, ref):
        """Why the amounts of order ``ref``, which no order of Odoo has, are in
        suspense."""
        if is_amazon_order_id(ref):
            return _("No Amazon order of this number in Odoo: booked to suspense.")
        return _(
            "Not an Amazon order number (a Multi-Channel Fulfillment order?), and "
            "no order of Odoo has it: booked to suspense, not to a customer."
        )

    def _amazon_to_suspense(self, lines):
        """Move the customer amounts of ``lines`` (one order's sale or refund each)
        to the suspense account: an entry that clears their journal items."""
        self.ensure_one()
        suspense = self.company_id._amazon_settlement_account("suspense")
        items = lines.sudo().move_line_id.filtered(lambda li: not li.reconciled)
        if not items:
            raise UserError(_("These amounts are already cleared."))
        values = self._amazon_suspense_values(items, suspense)
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

    def _amazon_suspense_values(self, items, suspense):
        """The journal items that clear each of ``items`` and put what it still
        has open on ``suspense``."""
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
        return values
