# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import logging
from collections import defaultdict
from datetime import timezone

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..amazon.settlement_report import (
    InvalidSettlement,
    parse_settlement,
)
from .amazon_settlement_line import REVIEW_STATUSES

_logger = logging.getLogger(__name__)


class AmazonSettlement(models.Model):
    """One settlement report of Amazon: what it paid out (or charged) for a period,
    amount by amount, and the journal entry that books it.

    Imported once per settlement id (a listing seen twice, a file uploaded again
    change nothing); booked by :meth:`action_post` (see ``amazon_settlement_entry``).
    """

    _name = "amazon.settlement"
    _description = "Amazon Settlement"
    _inherit = ["mail.thread"]
    _order = "deposit_date desc, id desc"
    _rec_name = "settlement_ref"
    _check_company_auto = True

    account_id = fields.Many2one(
        "amazon.account",
        string="Amazon Account",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, readonly=True
    )
    marketplace_id = fields.Many2one("amazon.marketplace", readonly=True)
    settlement_ref = fields.Char(
        string="Settlement ID", required=True, readonly=True, index=True
    )
    report_ref = fields.Char(
        string="Report Document",
        readonly=True,
        index="btree_not_null",
        help="Amazon's id of the report document it came from (empty when uploaded).",
    )
    start_date = fields.Datetime(readonly=True)
    end_date = fields.Datetime(readonly=True)
    deposit_date = fields.Datetime(readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    total_amount = fields.Monetary(
        readonly=True, help="What Amazon pays out: negative when it charges the seller."
    )
    difference = fields.Monetary(
        readonly=True,
        help="The total amount less the sum of the lines: a settlement that does not "
        "balance is not booked.",
    )
    problems = fields.Text(readonly=True)
    state = fields.Selection(
        [("draft", "To Book"), ("posted", "Booked"), ("error", "Error")],
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
    )
    blocked = fields.Boolean(
        readonly=True,
        help="The file could not be read in full or does not balance: never booked.",
    )
    journal_id = fields.Many2one("account.journal", readonly=True, check_company=True)
    move_id = fields.Many2one(
        "account.move",
        string="Journal Entry",
        readonly=True,
        copy=False,
        ondelete="set null",
        index="btree_not_null",
        groups="account.group_account_invoice",
    )
    move_state = fields.Selection(related="move_id.state", string="Entry Status")
    line_ids = fields.One2many("amazon.settlement.line", "settlement_id", readonly=True)
    review_line_ids = fields.One2many(
        "amazon.settlement.line",
        "settlement_id",
        domain=[("status", "in", REVIEW_STATUSES)],
        readonly=True,
        string="Lines To Review",
    )
    line_count = fields.Integer(compute="_compute_counts")
    unmatched_count = fields.Integer(
        compute="_compute_line_stats",
        store=True,
        string="To Review",
        help="Orders without an invoice, amounts that differ from their invoice, "
        "amounts no rule explains (booked to suspense).",
    )
    order_count = fields.Integer(compute="_compute_counts", string="Orders")
    amount_sales = fields.Monetary(
        compute="_compute_line_stats", string="Sales", store=True
    )
    amount_refunds = fields.Monetary(
        compute="_compute_line_stats", string="Refunds", store=True
    )
    amount_fees = fields.Monetary(
        compute="_compute_line_stats", string="Fees", store=True
    )
    amount_withheld_tax = fields.Monetary(
        compute="_compute_line_stats", string="Tax Withheld", store=True
    )
    amount_reserve = fields.Monetary(
        compute="_compute_line_stats", string="Reserve", store=True
    )
    amount_suspense = fields.Monetary(
        compute="_compute_line_stats", string="Suspense", store=True
    )
    last_error = fields.Text(readonly=True, copy=False)

    _sql_constraints = [
        (
            "settlement_ref_uniq",
            "unique(account_id, settlement_ref)",
            "A settlement is imported once per Amazon account.",
        ),
    ]

    @api.depends("blocked", "move_id", "move_id.state")
    def _compute_state(self):
        for settlement in self:
            move = settlement.sudo().move_id
            if settlement.blocked:
                settlement.state = "error"
            elif move.state == "posted":
                settlement.state = "posted"
            else:
                settlement.state = "draft"

    @api.depends(
        "line_ids.treatment",
        "line_ids.kind",
        "line_ids.amount",
        "line_ids.status",
    )
    def _compute_line_stats(self):
        totals = defaultdict(float)
        for settlement, treatment, kind, amount in self.env[
            "amazon.settlement.line"
        ]._read_group(
            [("settlement_id", "in", self.ids)],
            ["settlement_id", "treatment", "kind"],
            ["amount:sum"],
        ):
            key = kind if treatment == "customer" else treatment
            totals[settlement, key] += amount
        for settlement in self:
            settlement.amount_sales = totals[settlement, "sale"]
            settlement.amount_refunds = totals[settlement, "refund"]
            settlement.amount_fees = totals[settlement, "fee"]
            settlement.amount_withheld_tax = totals[settlement, "facilitator_tax"]
            settlement.amount_reserve = totals[settlement, "reserve"]
            settlement.amount_suspense = totals[settlement, "suspense"]
            settlement.unmatched_count = settlement._amazon_review_count()

    def _compute_counts(self):
        counts = {
            settlement: (count, orders)
            for settlement, count, orders in self.env[
                "amazon.settlement.line"
            ]._read_group(
                [("settlement_id", "in", self.ids)],
                ["settlement_id"],
                ["__count", "order_ref:count_distinct"],
            )
        }
        for settlement in self:
            settlement.line_count, settlement.order_count = counts.get(
                settlement, (0, 0)
            )

    def _amazon_review_count(self):
        """How many orders and amounts need the accountant: an order counts once
        however many lines it has, an unexplained amount once per line."""
        self.ensure_one()
        if not self.id:
            return 0
        self.env["amazon.settlement.line"].flush_model(
            ["settlement_id", "status", "order_ref"]
        )
        self.env.cr.execute(
            """
            SELECT COUNT(DISTINCT COALESCE(order_ref, 'line:' || id::text))
              FROM amazon_settlement_line
             WHERE settlement_id = %s
               AND status IN ('unmatched', 'mismatch', 'suspense')
            """,
            [self.id],
        )
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------ import

    @api.model
    def create_from_report(
        self, account, data, *, charset=None, report_ref=None, marketplace=None
    ):
        """Import a V2 settlement flat file (the bytes Amazon serves, ungzipped)
        into ``account`` and book it when it balances.

        Returns the settlement, or the one already imported under this settlement
        id (nothing changes then). Raises UserError for a file that is not a
        settlement, or one of another account or marketplace: nothing is created.
        """
        account.ensure_one()
        report = self._amazon_parse(account, data, charset, marketplace)
        existing = self.sudo().search(
            [("settlement_ref", "=", report.settlement_ref)], limit=1
        )
        if existing and existing.account_id != account:
            if existing.account_id.seller_id != account.seller_id:
                raise UserError(
                    _(
                        "Settlement %(ref)s belongs to the Amazon account "
                        "%(other)s (seller %(seller)s), not to %(account)s.",
                        ref=report.settlement_ref,
                        other=existing.account_id.name,
                        seller=existing.account_id.seller_id,
                        account=account.name,
                    )
                )
            return existing
        if existing and not (
            existing.blocked and not report.problems and report.balanced
        ):
            return existing
        marketplace = self._amazon_marketplace(account, report, marketplace)
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", report.currency)], limit=1)
        )
        if not currency:
            raise UserError(
                _(
                    "Settlement %(ref)s is in %(currency)s, a currency Odoo does not "
                    "know.",
                    ref=report.settlement_ref,
                    currency=report.currency,
                )
            )
        problems = list(report.problems)
        if not report.balanced:
            problems.insert(
                0,
                _(
                    "The lines sum to %(lines)s %(currency)s but the settlement's "
                    "total is %(total)s %(currency)s (difference %(difference)s): "
                    "nothing is booked until Amazon's file balances.",
                    lines=report.total_amount - report.difference,
                    total=report.total_amount,
                    difference=report.difference,
                    currency=report.currency,
                ),
            )
        values = {
            "account_id": account.id,
            "marketplace_id": marketplace.id,
            "settlement_ref": report.settlement_ref,
            "report_ref": report_ref,
            "start_date": _naive(report.start),
            "end_date": _naive(report.end),
            "deposit_date": _naive(report.deposit_date),
            "currency_id": currency.id,
            "total_amount": float(report.total_amount),
            "difference": float(report.difference),
            "problems": "\n".join(problems) or False,
            "blocked": bool(problems),
        }
        if existing:
            # A settlement kept in error, imported again from a file that reads
            # and balances: the new file replaces the old one's lines.
            settlement = existing.sudo()
            settlement.line_ids.unlink()
            settlement.write(
                {**values, "report_ref": report_ref or existing.report_ref}
            )
        else:
            settlement = self.sudo().create(values)
        self.env["amazon.settlement.line"].sudo()._amazon_create_lines(
            settlement, report.lines
        )
        settlement.message_post(
            body=_(
                "Imported from %(origin)s: %(count)s amounts, total %(total)s "
                "%(currency)s.",
                origin=report_ref or _("an uploaded file"),
                count=len(report.lines),
                total=report.total_amount,
                currency=report.currency,
            ),
            attachments=[(f"{report.settlement_ref}.txt", data)],
        )
        if not settlement.blocked and account.settlement_auto_post:
            settlement._amazon_book_quietly()
        return settlement.with_env(self.env)

    @api.model
    def _amazon_parse(self, account, data, charset, marketplace):
        """Read the file as the marketplace given writes it, else as any of the
        account's marketplaces does (the UK's day-first dates, Japan's encoding
        when the download declared none): the first reading that works."""
        candidates = [marketplace.marketplace_id if marketplace else None]
        candidates += [
            m.marketplace_id
            for m in account.marketplace_ids
            if m.marketplace_id not in candidates
        ]
        first_error = None
        for marketplace_id in candidates:
            try:
                return parse_settlement(
                    data, charset=charset, marketplace_id=marketplace_id
                )
            except InvalidSettlement as error:
                first_error = first_error or error
        raise UserError(
            _("This file cannot be imported as an Amazon settlement: %s", first_error)
        )

    @api.model
    def _amazon_marketplace(self, account, report, marketplace=None):
        """The marketplace of ``report``: the one its lines name, else the one given
        (upload, listing), else the account's only one in its currency. A
        marketplace the account does not sell on is refused."""
        marketplace = marketplace or self.env["amazon.marketplace"]
        names = set(report.marketplace_names)
        named = (
            self.env["amazon.marketplace"].search(
                ["|", ("name", "in", list(names)), ("domain", "in", list(names))]
            )
            if names
            else self.env["amazon.marketplace"]
        )
        if named:
            foreign = named - account.marketplace_ids
            if foreign:
                raise UserError(
                    _(
                        "Settlement %(ref)s is of %(marketplaces)s, where the Amazon "
                        "account %(account)s does not sell: import it into the "
                        "account of that marketplace.",
                        ref=report.settlement_ref,
                        marketplaces=", ".join(foreign.mapped("name")),
                        account=account.name,
                    )
                )
            return marketplace if marketplace and marketplace in named else named[0]
        if marketplace:
            if marketplace not in account.marketplace_ids:
                raise UserError(
                    _(
                        "The Amazon account %(account)s does not sell on "
                        "%(marketplace)s.",
                        account=account.name,
                        marketplace=marketplace.name,
                    )
                )
            return marketplace
        in_currency = account.marketplace_ids.filtered(
            lambda m: m.currency_id.name == report.currency
        )
        if not in_currency:
            raise UserError(
                _(
                    "Settlement %(ref)s is in %(currency)s, but no marketplace of the "
                    "Amazon account %(account)s is: is it another seller's?",
                    ref=report.settlement_ref,
                    currency=report.currency,
                    account=account.name,
                )
            )
        return in_currency[0]

    def _amazon_book_quietly(self):
        """Book a settlement just imported; what prevents it is kept on it (last
        error, chatter) for the accountant, the import itself stays."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self.action_post()
        except UserError as error:
            self.last_error = str(error)
            self.message_post(
                body=_("Not booked: %s", error), subtype_xmlid="mail.mt_note"
            )
            _logger.info("Settlement %s not booked: %s", self.settlement_ref, error)

    # ------------------------------------------------------------------ actions

    def action_view_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.sudo().move_id.id,
            "view_mode": "form",
        }

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_settlement_line"
        )
        action["domain"] = [("settlement_id", "=", self.id)]
        action["context"] = {"search_default_group_order": 1}
        return action

    def action_view_review(self):
        action = self.action_view_lines()
        action["context"] = {"search_default_to_review": 1}
        return action


def _naive(value):
    """A timezone-aware datetime as Odoo keeps them (UTC, naive)."""
    if value is None:
        return False
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value
