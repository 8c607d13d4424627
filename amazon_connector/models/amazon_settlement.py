# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import logging
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..const import SETTLEMENT_REVIEW_STATUSES, SETTLEMENT_STATE_SELECTION

_logger = logging.getLogger(__name__)


class AmazonSettlement(models.Model):
    """One settlement report of Amazon: what it paid out (or charged) for a period,
    amount by amount, and the journal entry that books it.

    Imported once per settlement id (a listing seen twice, a file uploaded again
    change nothing); booked by :meth:`action_post`. The model's other files hold
    its other parts: ``amazon_settlement_import`` (reading a report into a
    settlement), ``amazon_settlement_journal_entry`` (the entry that books it),
    ``amazon_settlement_matching`` (the orders and invoices it pays) and
    ``amazon_settlement_rules`` (Match Again: amounts the mapping explains now)
    and ``amazon_settlement_fetch`` (Amazon's settlement reports, as the owner of
    their ``amazon.report``).
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
        SETTLEMENT_STATE_SELECTION,
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
        domain=[("status", "in", SETTLEMENT_REVIEW_STATUSES)],
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
               AND status IN %s
            """,
            [self.id, SETTLEMENT_REVIEW_STATUSES],
        )
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------ import

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
