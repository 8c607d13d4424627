# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..amazon.errors import AmazonPermanentError
from ..amazon.settlement_report import REPORT_TYPE
from .amazon_job import amazon_job

#: Amazon lists the reports of the last 90 days at most.
FETCH_HORIZON = timedelta(days=89, hours=23)
#: Reports are listed again from a day before the last listing: one created
#: while it ran is not missed (the ones known are skipped).
FETCH_OVERLAP = timedelta(days=1)


class AmazonSettlementFetch(models.Model):
    """The settlement fetch: Amazon's settlement reports found with getReports
    (an ``amazon.report`` each, this model their owner), downloaded by the
    reports' jobs and imported into the account of their marketplace."""

    _name = "amazon.settlement"
    _inherit = ["amazon.settlement", "amazon.report.owner"]

    @api.model
    @amazon_job
    def _amazon_fetch(self, account):
        """Job: list the account's settlement reports created since the last
        listing (90 days at most), and queue the download and import of each
        document not imported yet. Idempotent: a report already imported is
        skipped.

        The listing is the account's last settlements run (then each import
        is); a job that raises to be retried records nothing."""
        self = self.sudo()
        account = account.sudo()
        now = fields.Datetime.now()
        since = max(
            (account.settlements_fetched_until or now) - FETCH_OVERLAP
            if account.settlements_fetched_until
            else now - FETCH_HORIZON,
            now - FETCH_HORIZON,
        )
        try:
            listed, new = self.env["amazon.report"]._amazon_find(
                account,
                REPORT_TYPE,
                self,
                created_since=since,
                skip_documents=self._amazon_imported_documents(),
            )
        except AmazonPermanentError as error:
            return self._amazon_fetch_failed(
                account, _("Amazon refused to list the settlement reports: %s", error)
            )
        # Recorded before the imports: under queue_job's no-delay mode they run
        # here, and each import's outcome is the last run then, as when queued.
        account._amazon_record_run(
            "settlements",
            _("%s new settlement report(s)", len(new))
            if new
            else _("No new settlement report"),
        )
        new._amazon_queue_downloads()
        account.settlements_fetched_until = now
        return _(
            "%(new)s new settlement report(s) of %(listed)s listed since %(since)s.",
            new=len(new),
            listed=len(listed),
            since=fields.Datetime.to_string(since),
        )

    @api.model
    def _amazon_imported_documents(self):
        """The report documents imported already (``report_ref``)."""
        return set(
            self.with_context(active_test=False)
            .search([("report_ref", "!=", False)])
            .mapped("report_ref")
        )

    # ------------------------------------------------ the report owner's contract

    @api.model
    def _amazon_report_done(self, report, document):
        """Import one settlement report into the account of its marketplace (the
        report's account, or another of the same seller). Idempotent.

        Its outcome (imported, booked or not, kept in error) is the account's
        last settlements run; a report imported already records nothing. A
        report that cannot be imported raises ``UserError``: a failed run."""
        self = self.sudo()
        account = report.account_id
        reference = report.amazon_document_ref
        existing = self.search([("report_ref", "=", reference)], limit=1)
        if existing:
            return _("Already imported: settlement %s.", existing.settlement_ref)
        marketplaces = report.marketplace_ids
        target = self._amazon_fetch_target(account, marketplaces)
        try:
            settlement = self.create_from_report(
                target,
                document.content,
                charset=document.charset,
                report_ref=reference,
                marketplace=(marketplaces & target.marketplace_ids)[:1] or None,
            )
        except UserError as error:
            raise UserError(
                _(
                    "Settlement report %(report)s not imported: %(error)s",
                    report=reference,
                    error=error,
                )
            ) from error
        if not settlement.report_ref:
            settlement.report_ref = reference
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
    def _amazon_report_failed(self, report, reason):
        return self._amazon_fetch_failed(report.account_id, reason)

    @api.model
    def _amazon_fetch_target(self, account, marketplaces):
        """The account a settlement of ``marketplaces`` goes into: ``account``,
        or the seller's account of the company that sells there."""
        if not marketplaces or marketplaces & account.marketplace_ids:
            return account
        return (
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
