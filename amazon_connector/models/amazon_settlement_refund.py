# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The credit note of a refund in a settlement: one posted credit note of the
order's invoice per refund (order, kind "refund") for exactly what Amazon gave
back, item by item, read by ``amazon/refund.py``:

- each refunded item on a copy of its invoice line (product, account, taxes,
  order line) with the units and amounts Amazon refunded;
- shipping, gift wrap and promotions taken back on lines like the invoice's;
- a goodwill amount on a line of its own, a restocking fee the seller kept on a
  negative line (both on the item's income account, with its taxes when its
  prices include them);
- taxes as on the invoice lines; where Odoo's tax differs from Amazon's, Amazon's
  wins: the credit note totals the refund to the cent.

A refund larger than what the invoice can still be credited is capped at that.
"""

from dataclasses import replace
from decimal import Decimal
from typing import NamedTuple

from odoo import Command, _, fields, models

from ..amazon.money import currency_decimals
from ..amazon.refund import RefundRow, read_refund, unit_prices

#: The amounts of a refunded item, the invoice line they follow and its tax.
_COMPONENTS = (
    ("principal", "goods", "tax"),
    ("shipping", "shipping", "shipping_tax"),
    ("gift_wrap", "gift_wrap", "gift_wrap_tax"),
    ("promotion", "discount", "promotion_tax"),
    ("shipping_promotion", "shipping_discount", None),
)
#: Amounts on a line of their own (the item's income account).
_OWN_LINES = ("goodwill", "restocking_fee", "other")


class RefundDocuments(NamedTuple):
    """What pays a refund: its credit notes (None: none), whether Amazon refunded
    more than they hold, and when none could be made the lines' status and why."""

    moves: object
    capped: bool
    status: str | None = None
    note: str | None = None


class AmazonSettlement(models.Model):
    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.settlement"

    def _amazon_refund_of(self, group):
        """The refund (``amazon/refund.py``) the customer lines ``group`` of one
        order hold."""
        digits = currency_decimals(self.currency_id.name)
        rows = [
            RefundRow(
                transaction_type=line.transaction_type or "",
                amount_type=line.amount_type or "",
                amount_description=line.amount_description or "",
                amount=Decimal(str(round(line.amount, digits))),
                sku=line.sku or None,
                order_item_code=line.order_item_code or None,
                quantity=line.quantity,
                adjustment_ref=line.adjustment_ref or None,
            )
            for line in group.sorted("sequence")
        ]
        return read_refund(group[:1].order_ref, rows)

    def _amazon_credit_note(self, found, group, amount):
        """The posted credit notes of the refund ``group`` (one order's refund
        lines, ``amount`` paid back), one per invoice of the order holding its
        items, when the account makes them and the order has a posted invoice in
        the settlement's currency: a :class:`RefundDocuments` (no credit note and
        why, when none is made)."""
        invoices = found.get("invoices")
        if not invoices or not self.account_id.settlement_create_credit_notes:
            return RefundDocuments(None, False)
        refund = self._amazon_refund_of(group)
        currency = self.currency_id
        invoices = invoices.filtered(lambda m: m.currency_id == currency)
        refused = self._amazon_no_credit_note(refund, invoices)
        if refused:
            return refused
        credit_notes = self.env["account.move"]
        capped = False
        for invoice, part, creditable in self._amazon_refund_by_invoice(
            invoices, refund
        ):
            if currency.compare_amounts(creditable, 0) <= 0 or part.total <= 0:
                capped = True
                continue
            credit_note, part_capped = self._amazon_invoice_credit_note(
                invoice, part, creditable, found
            )
            credit_notes |= credit_note
            capped = capped or part_capped
        if not credit_notes:
            digits = f".{currency.decimal_places}f"
            return RefundDocuments(
                None,
                False,
                "mismatch",
                _(
                    "Amazon refunded %(settled)s, the invoices could still be "
                    "credited %(due)s: no credit note made, the difference is to "
                    "explain.",
                    settled=format(amount, digits),
                    due=format(0.0, digits),
                ),
            )
        found["refunds"] = (found.get("refunds") or credit_notes) | credit_notes
        return RefundDocuments(credit_notes, capped)

    def _amazon_no_credit_note(self, refund, invoices):
        """Why ``refund`` makes no credit note of ``invoices`` (the order's, in
        the settlement's currency), as :class:`RefundDocuments`; None when it
        makes one."""
        currency = self.currency_id
        if refund.total <= 0:
            # A chargeback decided for the seller: the buyer gets nothing back.
            return RefundDocuments(
                None,
                False,
                "unmatched",
                _(
                    "The refund gives the buyer %(amount)s %(currency)s: nothing "
                    "to credit, no credit note made.",
                    amount=format(refund.total, f".{currency.decimal_places}f"),
                    currency=currency.name,
                ),
            )
        if not invoices:
            return RefundDocuments(
                None,
                False,
                "unmatched",
                _(
                    "The order's invoices are not in %s, the settlement's currency: "
                    "no credit note made.",
                    currency.name,
                ),
            )
        return None

    def _amazon_refund_by_invoice(self, invoices, refund):
        """``[(invoice, part of refund, what the invoice can still be credited)]``:
        each refunded item on the invoice holding its order item code, items no
        invoice holds on the first invoice that can still be credited."""
        invoices = invoices.sorted(lambda m: (m.invoice_date or m.date, m.id))
        creditable = {
            invoice: invoice.amount_total
            - sum(
                invoice.reversal_move_ids.filtered(
                    lambda m: m.state == "posted"
                ).mapped("amount_total")
            )
            for invoice in invoices
        }
        holders = {}
        for invoice in invoices:
            for code in invoice.invoice_line_ids.sale_line_ids.mapped(
                "amazon_order_item_id"
            ):
                holders.setdefault(code, invoice)
        open_invoices = invoices.filtered(
            lambda m: self.currency_id.compare_amounts(creditable[m], 0) > 0
        )
        fallback = open_invoices[:1] or invoices[:1]
        items = {}
        for item in refund.items:
            invoice = holders.get(item.order_item_code) or fallback
            items.setdefault(invoice, []).append(item)
        return [
            (invoice, replace(refund, items=tuple(parts)), creditable[invoice])
            for invoice, parts in items.items()
        ]

    def _amazon_invoice_credit_note(self, invoice, refund, creditable, found):
        """The posted credit note of ``invoice`` for ``refund`` (its items on it),
        capped at ``creditable``: ``(credit_note, capped)``. Its lines name no
        order line: Amazon's refund is the credit note, the order's quantities do
        not move with it (refunded units are never invoiced again)."""
        currency = invoice.currency_id
        earlier = invoice.reversal_move_ids.filtered(lambda m: m.state == "posted")
        total = float(refund.total)
        capped = currency.compare_amounts(total, creditable) > 0
        defaults = {
            "ref": invoice.ref,
            "payment_reference": self._amazon_refund_reference(invoice, refund),
            "invoice_date": fields.Date.to_date(self.deposit_date),
            "date": fields.Date.to_date(self.deposit_date),
            "amazon_account_id": invoice.amazon_account_id.id or self.account_id.id,
        }
        if not earlier and (
            capped or currency.compare_amounts(total, invoice.amount_total) == 0
        ):
            # The whole invoice: its exact reversal.
            credit_note = invoice._reverse_moves([defaults])
            credit_note.line_ids.write({"sale_line_ids": [Command.clear()]})
        else:
            credit_note = invoice._reverse_moves([{**defaults, "line_ids": []}])
            credit_note.invoice_line_ids = self._amazon_credit_note_lines(
                invoice, earlier, refund, capped
            )
            self._amazon_force_total(credit_note, creditable if capped else total)
        self._amazon_post_credit_note(credit_note, refund, found.get("order"))
        return credit_note, capped

    def _amazon_refund_reference(self, invoice, refund):
        """The credit note's payment reference: says a chargeback or an A-to-z
        Guarantee claim."""
        if refund.kind == "chargeback":
            return _("Chargeback %s", invoice.ref or "")
        if refund.kind == "guarantee_claim":
            return _("A-to-z Guarantee claim %s", invoice.ref or "")
        return _("Refund %s", invoice.ref or "")

    def _amazon_credit_note_lines(self, invoice, earlier, refund, capped):
        """The lines (commands) of the credit note of ``refund`` on ``invoice``;
        capped: all the invoice still holds (its lines less ``earlier`` credit
        notes')."""
        if capped:
            lines = [
                Command.create(self._amazon_copy_line(line, line.quantity))
                for line in invoice.invoice_line_ids
                if line.display_type == "product"
            ]
            return lines + [
                Command.create(self._amazon_copy_line(line, -line.quantity))
                for line in earlier.invoice_line_ids
                if line.display_type == "product"
            ]
        kinds = self._amazon_invoice_line_kinds(invoice)
        values = []
        for item in refund.items:
            values += self._amazon_item_values(invoice, kinds, item)
        return [Command.create(value) for value in values]

    def _amazon_copy_line(self, line, quantity, price_unit=None, **values):
        """The values of a credit note line like invoice line ``line``."""
        return {
            "product_id": line.product_id.id,
            "name": line.name,
            "account_id": line.account_id.id,
            "tax_ids": [Command.set(line.tax_ids.ids)],
            "quantity": quantity,
            "product_uom_id": line.product_uom_id.id,
            "price_unit": line.price_unit if price_unit is None else price_unit,
            "discount": line.discount if price_unit is None else 0.0,
            "analytic_distribution": line.analytic_distribution,
            **values,
        }

    def _amazon_invoice_line_kinds(self, invoice):
        """``{(order item id, kind): invoice line}`` of ``invoice``'s lines, kind
        as the order import made them: goods, shipping, shipping_discount,
        gift_wrap, discount, facilitator_tax."""
        company = invoice.company_id
        placeholders = {
            company.amazon_shipping_product_id: "shipping",
            company.amazon_gift_wrap_product_id: "gift_wrap",
            company.amazon_promotion_product_id: "discount",
            company.amazon_facilitator_tax_product_id: "facilitator_tax",
        }
        kinds = {}
        for line in invoice.invoice_line_ids:
            if line.display_type != "product":
                continue
            code = line.sale_line_ids[:1].amazon_order_item_id or False
            kind = placeholders.get(line.product_id, "goods")
            if kind == "shipping" and line.price_unit < 0:
                kind = "shipping_discount"
            kinds.setdefault((code, kind), line)
            if kind == "goods" and line.product_id.default_code:
                kinds.setdefault((line.product_id.default_code, "sku"), line)
        return kinds

    def _amazon_item_values(self, invoice, kinds, item):
        """The credit note lines of one refunded ``item``."""
        code = item.order_item_code or False
        goods = (
            kinds.get((code, "goods"))
            or kinds.get((item.sku, "sku"))
            or next((v for k, v in kinds.items() if k[1] == "goods"), None)
        )
        facilitator = kinds.get((code, "facilitator_tax"))
        values = []
        withheld = Decimal(0)
        parts = [
            [
                amount_name,
                kinds.get((code, kind)) or goods,
                getattr(item, amount_name),
                getattr(item, tax_name) if tax_name else Decimal(0),
            ]
            for amount_name, kind, tax_name in _COMPONENTS
        ]
        self._amazon_share_promotion_tax(parts)
        for amount_name, template, amount, tax in parts:
            if not template or (not amount and not tax):
                continue
            if facilitator:
                withheld += tax
            elif self._amazon_price_included(template):
                amount += tax
            if not amount:
                continue
            units = item.quantity if amount_name == "principal" else 0
            values += self._amazon_amount_values(template, amount, units)
        for amount_name in _OWN_LINES:
            amount = getattr(item, amount_name)
            if amount:
                values += self._amazon_own_line_values(goods, amount_name, amount)
        if withheld:
            values += self._amazon_amount_values(facilitator, withheld, 0)
        return values

    def _amazon_share_promotion_tax(self, parts):
        """Amazon's Tax row of an item holds the tax its promotions took off
        (they have no tax row of their own): on tax-included invoice lines each
        promotion takes its share back from it at its line's rate, so that each
        line keeps the invoice's price. ``parts``: ``[name, invoice line, amount,
        tax]`` of each component, the principal first (changed in place)."""
        principal = parts[0]
        if not principal[3] or not principal[1]:
            return
        if not self._amazon_price_included(principal[1]):
            return
        step = Decimal(1).scaleb(-currency_decimals(principal[1].currency_id.name))
        for part in parts[1:]:
            name, template, amount, tax = part
            if not name.endswith("promotion") or not amount or tax or not template:
                continue
            taxes = template.tax_ids
            if len(taxes) != 1 or not taxes.price_include:
                continue
            if taxes.amount_type != "percent":
                continue
            share = (amount * Decimal(str(taxes.amount)) / 100).quantize(step)
            part[3] = share
            principal[3] -= share

    def _amazon_price_included(self, line):
        """Whether the amounts of ``line`` hold their tax (no tax, or taxes
        included in the price): Amazon's tax row is then part of the line."""
        return all(tax.price_include for tax in line.tax_ids)

    def _amazon_amount_values(self, template, amount, units):
        """Lines like ``template`` worth ``amount``: ``units`` of it (none named:
        the invoice line's units when the amount is its whole price, else one
        price adjustment not counted as units of the order)."""
        if not template:
            return []
        digits = currency_decimals(template.currency_id.name)
        whole = (
            template.price_total
            if self._amazon_price_included(template)
            else template.price_subtotal
        )
        whole = Decimal(str(round(whole, digits)))
        quantity = units
        same_units = True
        if not quantity:
            quantity = round(template.quantity) if amount == whole else 0
        if not quantity or quantity < 0:
            quantity, same_units = 1, False
        values = []
        for count, price in unit_prices(abs(amount), quantity, digits):
            sign = 1 if amount >= 0 else -1
            line = self._amazon_copy_line(template, count, float(sign * price))
            if not same_units:
                line["name"] = _("Price adjustment: %s", template.name)
                if template.product_id.type == "consu":
                    # Counts no unit of the goods (the order's story).
                    line["product_id"] = False
            values.append(line)
        return values

    def _amazon_own_line_values(self, goods, amount_name, amount):
        """A goodwill, restocking fee or other amount on a line of its own: the
        item's income account, its taxes when its price includes them."""
        names = {
            "goodwill": _("Goodwill (Amazon)"),
            "restocking_fee": _("Restocking fee kept"),
            "other": _("Other refund (Amazon)"),
        }
        taxes = goods.tax_ids if goods and self._amazon_price_included(goods) else []
        return [
            {
                "name": names[amount_name],
                "account_id": goods.account_id.id if goods else False,
                "tax_ids": [Command.set(taxes.ids if taxes else [])],
                "quantity": 1,
                "price_unit": float(amount),
            }
        ]

    def _amazon_force_total(self, credit_note, total):
        """Make ``credit_note`` total ``total``: the difference (Odoo's tax
        against Amazon's) on its first tax group, as an accountant edits the tax
        of an invoice."""
        currency = credit_note.currency_id
        difference = currency.round(total - credit_note.amount_total)
        if currency.is_zero(difference):
            return
        totals = credit_note.tax_totals
        groups = [g for s in totals.get("subtotals", []) for g in s["tax_groups"]]
        if not groups:
            return
        groups[0]["tax_amount_currency"] += difference
        credit_note.tax_totals = totals

    def _amazon_post_credit_note(self, credit_note, refund, order):
        """Post ``credit_note``, keep it open for the settlement (Odoo would pay
        an open invoice with it) and link it to the order's returns."""
        credit_note.action_post()
        receivable = credit_note.line_ids.filtered(
            lambda li: li.account_type == "asset_receivable"
        )
        if receivable.matched_debit_ids:
            # The invoice is the sale's to be paid by Amazon, the credit note the
            # refund's.
            receivable.remove_move_reconcile()
        kinds = {
            "chargeback": _("a chargeback"),
            "guarantee_claim": _("an A-to-z Guarantee claim"),
        }
        body = _("Made from the refund of Amazon settlement %s.", self.settlement_ref)
        if refund.kind in kinds:
            body = _(
                "Made from %(kind)s in Amazon settlement %(ref)s.",
                kind=kinds[refund.kind],
                ref=self.settlement_ref,
            )
        credit_note.message_post(body=body, subtype_xmlid="mail.mt_note")
        if order:
            order._amazon_link_credit_note(credit_note)

    def _amazon_refund_documents(self, found, group, settled):
        """The :class:`RefundDocuments` the refund ``group`` (one order's refund
        lines, ``settled`` paid back) pays: the credit notes made of it before,
        else a credit note of the order no other refund paid whose open amount
        (or total) is the refund (made by hand), else the credit notes made now
        (no moves when none can be)."""
        currency = self.currency_id
        made = group.sudo().invoice_id.filtered(
            lambda m: m.move_type == "out_refund" and m.state == "posted"
        )
        if made:
            total = sum(made.mapped("amount_total"))
            return RefundDocuments(made, currency.compare_amounts(settled, total) > 0)
        invoices = found.get("invoices") or self.env["account.move"]
        free = (
            (found.get("refunds") or self.env["account.move"])
            | invoices.reversal_move_ids
        ).filtered(
            lambda m: (
                m.state == "posted"
                and m.move_type == "out_refund"
                and m.currency_id == currency
            )
        )
        if free:
            paid_by_others = (
                self.env["amazon.settlement.line"]
                .sudo()
                .search([("invoice_id", "in", free.ids), ("id", "not in", group.ids)])
                .invoice_id
            )
            free -= paid_by_others
            due = sum(
                free.line_ids.filtered(
                    lambda li: li.account_type == "asset_receivable"
                ).mapped("amount_residual_currency")
            )
            if free and currency.compare_amounts(-due, settled) == 0:
                return RefundDocuments(free, False)
            by_hand = self._amazon_hand_made_credit_note(free, invoices, settled)
            if by_hand:
                return RefundDocuments(by_hand, False)
        documents = self._amazon_credit_note(found, group, settled)
        if documents.moves or documents.status:
            return documents
        return RefundDocuments(free or None, False)

    def _amazon_hand_made_credit_note(self, free, invoices, settled):
        """The credit note of ``free`` (made by hand, no settlement line names it)
        whose total is the refund, freed from the order's ``invoices`` when Odoo
        reconciled it with them (as a new one is): the settlement pays it."""
        currency = self.currency_id
        for credit_note in free:
            if currency.compare_amounts(credit_note.amount_total, settled):
                continue
            receivable = credit_note.line_ids.filtered(
                lambda li: li.account_type == "asset_receivable"
            )
            partials = receivable.matched_debit_ids
            if partials.debit_move_id.move_id - invoices:
                continue  # paid otherwise (a bank refund): not the settlement's
            partials.unlink()
            return credit_note
        return None

    def _amazon_receivable(self, found, kind):
        # A refund of a canceled order without invoice is nobody's to pay back:
        # suspense, not the customer's receivable.
        order = found.get("order")
        if (
            kind == "refund"
            and order
            and order.state == "cancel"
            and not found.get("invoices")
        ):
            return None, None
        return super()._amazon_receivable(found, kind)
