# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import logging
from collections import defaultdict
from datetime import timedelta, timezone

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.job import identity_exact

from ..amazon.errors import AmazonPermanentError, AmazonRetryableError
from ..amazon.settlement_report import REPORT_TYPE
from ..const import SETTLEMENT_REVIEW_STATUSES, SETTLEMENT_STATE_SELECTION
from .job_retry import retry_later

JOB_SESSION = {"max_wait": 5.0, "max_attempts": 3}
#: Amazon lists the reports of the last 90 days at most.
FETCH_HORIZON = timedelta(days=89, hours=23)
#: Reports are listed again from a day before the last listing: one created
#: while it ran is not missed (the ones known are skipped).
FETCH_OVERLAP = timedelta(days=1)

_logger = logging.getLogger(__name__)


class AmazonSettlement(models.Model):
    """One settlement report of Amazon: what it paid out (or charged) for a period,
    amount by amount, and the journal entry that books it.

    Imported once per settlement id (a listing seen twice, a file uploaded again
    change nothing); booked by :meth:`action_post`. The model's other files hold
    its other parts: ``amazon_settlement_import`` (reading a report into a
    settlement), ``amazon_settlement_journal_entry`` (the entry that books it),
    ``amazon_settlement_matching`` (the orders and invoices it pays) and
    ``amazon_settlement_rules`` (Match Again: amounts the mapping explains now).
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

    # ------------------------------------------------------------------ fetch

    @api.model
    def _amazon_fetch(self, account):
        """Job: list the account's settlement reports created since the last
        listing (90 days at most), and queue the import of each document not
        imported yet. Idempotent: a report already imported is skipped.

        The listing is the account's last settlements run (then each import
        is); a job that raises to be retried records nothing."""
        self = self.sudo()
        account = account.sudo()
        blocked = account._amazon_job_blocker()
        if blocked:
            return blocked
        now = fields.Datetime.now()
        since = max(
            (account.settlements_fetched_until or now) - FETCH_OVERLAP
            if account.settlements_fetched_until
            else now - FETCH_HORIZON,
            now - FETCH_HORIZON,
        )
        try:
            with account._amazon_session(**JOB_SESSION) as adapter:
                reports = list(
                    adapter.get_reports(
                        report_types=[REPORT_TYPE],
                        processing_statuses=["DONE"],
                        created_since=since.replace(tzinfo=timezone.utc),
                    )
                )
        except AmazonRetryableError as error:
            raise retry_later(error) from error
        except AmazonPermanentError as error:
            return self._amazon_fetch_failed(
                account, _("Amazon refused to list the settlement reports: %s", error)
            )
        documents = [
            r["reportDocumentId"] for r in reports if r.get("reportDocumentId")
        ]
        known = set(self.search([("report_ref", "in", documents)]).mapped("report_ref"))
        new = {}
        for report in reports:
            document = report.get("reportDocumentId")
            if document and document not in known:
                new.setdefault(document, report)
        # Recorded before the imports: under queue_job__no_delay they run here,
        # and each import's outcome is the last run then, as when queued.
        account._amazon_record_run(
            "settlements",
            _("%s new settlement report(s)", len(new))
            if new
            else _("No new settlement report"),
        )
        for document, report in new.items():
            job = self.with_delay(
                identity_key=identity_exact,
                description=_(
                    "Import Amazon settlement report %(report)s (%(account)s)",
                    report=document,
                    account=account.name,
                ),
            )._amazon_import_report(account, document, report.get("marketplaceIds"))
            if self.env.context.get("queue_job__no_delay"):
                _logger.info("Settlement report %s: %s", document, job.result)
        account.settlements_fetched_until = now
        return _(
            "%(new)s new settlement report(s) of %(listed)s listed since %(since)s.",
            new=len(new),
            listed=len(reports),
            since=fields.Datetime.to_string(since),
        )

    @api.model
    def _amazon_import_report(self, account, document, marketplace_ids=None):
        """Job: download one settlement report and import it into the account of
        its marketplace (this one, or another of the same seller). Idempotent.

        Its outcome (imported, booked or not, kept in error, refused) is the
        account's last settlements run; a report imported already records
        nothing."""
        self = self.sudo()
        account = account.sudo()
        blocked = account._amazon_job_blocker()
        if blocked:
            return blocked
        existing = self.search([("report_ref", "=", document)], limit=1)
        if existing:
            return _("Already imported: settlement %s.", existing.settlement_ref)
        try:
            with account._amazon_session(**JOB_SESSION) as adapter:
                download = adapter.download_report(document)
        except AmazonRetryableError as error:
            raise retry_later(error) from error
        except AmazonPermanentError as error:
            return self._amazon_fetch_failed(
                account,
                _(
                    "Amazon refused to give the settlement report %(report)s: "
                    "%(error)s",
                    report=document,
                    error=error,
                ),
            )
        marketplaces = self.env["amazon.marketplace"].search(
            [("marketplace_id", "in", marketplace_ids or [])]
        )
        target = account
        if marketplaces and not marketplaces & account.marketplace_ids:
            target = (
                self.env["amazon.account"].search(
                    [
                        ("seller_id", "=", account.seller_id),
                        ("company_id", "=", account.company_id.id),
                        ("marketplace_ids", "in", marketplaces.ids),
                    ],
                    limit=1,
                )
                or account
            )
        try:
            with self.env.cr.savepoint():
                settlement = self.create_from_report(
                    target,
                    download.content,
                    charset=download.charset,
                    report_ref=document,
                    marketplace=(marketplaces & target.marketplace_ids)[:1] or None,
                )
        except UserError as error:
            return self._amazon_fetch_failed(
                account,
                _(
                    "Settlement report %(report)s not imported: %(error)s",
                    report=document,
                    error=error,
                ),
            )
        if not settlement.report_ref:
            settlement.report_ref = document
        account._amazon_record_run(
            "settlements", *settlement._amazon_import_outcome(account)
        )
        return _(
            "Settlement %(ref)s imported into %(account)s: %(state)s.",
            ref=settlement.settlement_ref,
            account=settlement.account_id.name,
            state=dict(self._fields["state"].selection)[settlement.state],
        )

    @api.model
    def _amazon_fetch_failed(self, account, message):
        """A fetch or import job stops on ``message``: posted on the account,
        its last settlements run failed."""
        account._amazon_record_run("settlements", message, failed=True)
        return account._amazon_listings_message(message)

    def _amazon_import_outcome(self, account):
        """``(summary, failed)`` of this settlement just imported through
        ``account``: booked, to book, not booked (why), or kept in error."""
        self.ensure_one()
        if self.state == "error":
            summary = _(
                "Settlement %(ref)s kept in error: %(problem)s",
                ref=self.settlement_ref,
                problem=(self.problems or "").split("\n")[0],
            )
        elif self.last_error:
            summary = _(
                "Settlement %(ref)s imported, not booked: %(error)s",
                ref=self.settlement_ref,
                error=self.last_error,
            )
        elif self.state == "posted":
            summary = _("Settlement %s imported and booked", self.settlement_ref)
        else:
            summary = _("Settlement %s imported, to book", self.settlement_ref)
        if self.account_id != account:
            summary = _(
                "%(summary)s (into %(account)s)",
                summary=summary,
                account=self.account_id.name,
            )
        return summary, self.state == "error" or bool(self.last_error)

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
