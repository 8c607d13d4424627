# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from datetime import timezone

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..amazon.settlement_vocabulary import is_multichannel, is_refund
from ..const import (
    SETTLEMENT_LINE_STATUS_SELECTION,
    SETTLEMENT_REVIEW_STATUSES,
    SETTLEMENT_UNPAID_STATUSES,
)
from .amazon_settlement_mapping import FEE_TYPE_SELECTION, TREATMENT_SELECTION


class AmazonSettlementLine(models.Model):
    """One amount of a settlement, as Amazon wrote it, and how it was booked."""

    _name = "amazon.settlement.line"
    _description = "Amazon Settlement Line"
    _order = "settlement_id, sequence, id"

    settlement_id = fields.Many2one(
        "amazon.settlement", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="settlement_id.company_id", store=True)
    currency_id = fields.Many2one(related="settlement_id.currency_id", store=True)
    account_id = fields.Many2one(
        related="settlement_id.account_id", string="Amazon Account", store=True
    )
    sequence = fields.Integer(string="Line", help="The line in Amazon's file.")
    transaction_type = fields.Char(readonly=True)
    order_ref = fields.Char(string="Amazon Order", readonly=True, index=True)
    merchant_order_ref = fields.Char(string="Merchant Order", readonly=True)
    adjustment_ref = fields.Char(string="Adjustment", readonly=True)
    shipment_ref = fields.Char(string="Shipment", readonly=True)
    marketplace_name = fields.Char(readonly=True)
    amount_type = fields.Char(readonly=True)
    amount_description = fields.Char(string="Description", readonly=True)
    amount = fields.Monetary(readonly=True)
    fulfillment_channel = fields.Char(readonly=True)
    posted_date = fields.Datetime(readonly=True)
    date = fields.Date(
        readonly=True,
        help="The posted date, else the settlement's end: the month fees count in.",
    )
    order_item_code = fields.Char(readonly=True)
    sku = fields.Char(string="SKU", readonly=True)
    quantity = fields.Integer(readonly=True)
    promotion_ref = fields.Char(string="Promotion", readonly=True)
    mapping_id = fields.Many2one(
        "amazon.settlement.mapping", string="Rule", readonly=True, ondelete="set null"
    )
    treatment = fields.Selection(TREATMENT_SELECTION, readonly=True, index=True)
    fee_type = fields.Selection(FEE_TYPE_SELECTION, readonly=True)
    kind = fields.Selection(
        [("sale", "Sale"), ("refund", "Refund"), ("other", "Other")],
        readonly=True,
        help="For amounts paid by the buyer: a sale or a refund of the order.",
    )
    status = fields.Selection(
        SETTLEMENT_LINE_STATUS_SELECTION, default="pending", readonly=True, index=True
    )
    note = fields.Char(readonly=True, help="Why the line needs a look.")
    sale_order_id = fields.Many2one(
        "sale.order", string="Sales Order", readonly=True, index="btree_not_null"
    )
    invoice_id = fields.Many2one(
        "account.move",
        readonly=True,
        index="btree_not_null",
        help="The invoice (or credit note) this amount paid, with the others of the "
        "order.",
    )
    invoice_amount = fields.Monetary(
        readonly=True,
        help="What the invoice(s) of the order still had to be paid, when it differs.",
    )
    matched = fields.Boolean(
        compute="_compute_matched",
        store=True,
        help="Reconciled with the order's invoice or credit note.",
    )
    to_review = fields.Boolean(
        compute="_compute_to_review",
        search="_search_to_review",
        help="Differs from its invoice, not invoiced, or in suspense: the "
        "accountant has to look at it.",
    )
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Journal Item",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
        groups="account.group_account_invoice",
    )

    @api.depends("status")
    def _compute_matched(self):
        for line in self:
            line.matched = line.status == "matched"

    @api.depends("status")
    def _compute_to_review(self):
        for line in self:
            line.to_review = line.status in SETTLEMENT_REVIEW_STATUSES

    def _search_to_review(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(f"to_review {operator} {value!r}")
        wanted = (operator == "=") == value
        return [("status", "in" if wanted else "not in", SETTLEMENT_REVIEW_STATUSES)]

    # ------------------------------------------------------------------ import

    @api.model
    def _amazon_create_lines(self, settlement, lines):
        """Create the lines of ``settlement`` from the report's lines, each with the
        company's rule that explains it (none: suspense)."""
        match = (
            self.env["amazon.settlement.mapping"]
            ._amazon_rules(settlement.company_id)
            ._amazon_matcher()
        )
        default_date = fields.Date.to_date(settlement.end_date)
        values = []
        for line in lines:
            rule = match(
                line.transaction_type, line.amount_type, line.amount_description
            )
            posted = line.posted_at
            if posted is not None and posted.tzinfo is not None:
                posted = posted.astimezone(timezone.utc).replace(tzinfo=None)
            booking = self._amazon_booking(
                rule,
                line.transaction_type,
                line.order_ref,
                line.marketplace_name,
            )
            values.append(
                {
                    "settlement_id": settlement.id,
                    "sequence": line.line,
                    "transaction_type": line.transaction_type,
                    "order_ref": line.order_ref,
                    "merchant_order_ref": line.merchant_order_ref,
                    "adjustment_ref": line.adjustment_ref,
                    "shipment_ref": line.shipment_ref,
                    "marketplace_name": line.marketplace_name,
                    "amount_type": line.amount_type,
                    "amount_description": line.amount_description,
                    "amount": float(line.amount),
                    "fulfillment_channel": line.fulfillment_id,
                    "posted_date": posted or False,
                    "date": posted.date() if posted else default_date,
                    "order_item_code": line.order_item_code,
                    "sku": line.sku,
                    "quantity": line.quantity or 0,
                    "promotion_ref": line.promotion_ref,
                    "mapping_id": rule.id,
                    **booking,
                }
            )
        return self.create(values)

    @api.model
    def _amazon_booking(self, rule, transaction_type, order_ref, marketplace_name):
        """How an amount ``rule`` matched is booked: the line's treatment, fee
        type, kind, status and note."""
        treatment = rule.treatment if rule else "suspense"
        note = False
        if not rule:
            note = _("No rule of the settlement mapping explains this amount.")
        elif treatment == "customer" and is_multichannel(marketplace_name):
            # Multi-Channel Fulfillment: the order was sold elsewhere, Amazon
            # only fulfilled it; no buyer of Amazon paid this.
            treatment, note = (
                "suspense",
                _(
                    "A Multi-Channel Fulfillment order (%s): Amazon collects no "
                    "buyer's payment for it.",
                    marketplace_name,
                ),
            )
        elif treatment == "customer" and not order_ref:
            treatment, note = (
                "suspense",
                _("Paid by a buyer, but Amazon names no order."),
            )
        elif treatment == "fee_tax" and not rule._amazon_fee_tax():
            treatment, note = (
                "suspense",
                _(
                    "VAT on an Amazon fee, but the rule names no purchase tax and "
                    "the company has no default one."
                ),
            )
        kind = "other"
        if treatment == "customer":
            kind = "refund" if is_refund(transaction_type) else "sale"
        fee_type = False
        if treatment == "fee":
            fee_type = "fba" if is_multichannel(marketplace_name) else rule.fee_type
        return {
            "treatment": treatment,
            "fee_type": fee_type,
            "kind": kind,
            "status": "suspense" if treatment == "suspense" else "pending",
            "note": note,
        }

    # ------------------------------------------------------------------ actions

    def _amazon_order_lines(self):
        """These lines with the other lines of the same order and kind in their
        settlement: what was booked as one amount."""
        domain = [("id", "in", self.ids)]
        for line in self.filtered("order_ref"):
            domain = [
                "|",
                "&",
                "&",
                ("settlement_id", "=", line.settlement_id.id),
                ("order_ref", "=", line.order_ref),
                ("kind", "=", line.kind),
                *domain,
            ]
        return self.search(domain)

    def action_invoice_now(self):
        """Invoice the order of these unmatched sale lines, then pay the invoice with
        the settlement's credit."""
        self._amazon_check_accountant()
        lines = self._amazon_order_lines().filtered(
            lambda li: li.status == "unmatched" and li.kind == "sale"
        )
        if not lines:
            raise UserError(_("These lines are not waiting for an invoice."))
        for order in lines.sale_order_id:
            order = order.with_company(order.company_id)
            if not order._get_invoiceable_lines():
                raise UserError(
                    _(
                        "Nothing of order %(order)s can be invoiced yet (Amazon "
                        "order %(ref)s): deliver it first, or book the amount to "
                        "suspense.",
                        order=order.name,
                        ref=order.amazon_order_ref,
                    )
                )
            order._create_invoices().action_post()
        if lines.filtered(lambda li: not li.sale_order_id):
            raise UserError(
                _("No order in Odoo has this Amazon order number: nothing to invoice.")
            )
        lines.settlement_id._amazon_match(lines)
        return True

    def action_book_to_suspense(self):
        """Move what these unmatched or differing lines credited to the customer to
        the suspense account, for the accountant to clear later."""
        self._amazon_check_accountant()
        lines = self._amazon_order_lines().filtered(
            lambda li: li.status in SETTLEMENT_UNPAID_STATUSES
        )
        if not lines:
            raise UserError(_("These lines are not waiting for an invoice."))
        lines.settlement_id._amazon_to_suspense(lines)
        return True

    def _amazon_check_accountant(self):
        if not self.env.su and not self.env.user.has_group(
            "account.group_account_invoice"
        ):
            raise UserError(
                _("Only accountants (Invoicing rights) can work Amazon settlements.")
            )
