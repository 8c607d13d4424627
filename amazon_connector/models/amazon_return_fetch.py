# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from datetime import timedelta

from odoo import _, api, fields, models

from ..amazon.fba_returns_report import REPORT_TYPE as FBA_REPORT_TYPE
from ..amazon.fba_returns_report import read_fba_returns
from ..amazon.merchant_returns_report import (
    MAX_REPORT_DAYS,
    XML_REPORT_TYPE,
    read_merchant_returns,
)
from ..amazon.merchant_returns_report import REPORT_TYPE as MERCHANT_REPORT_TYPE
from .amazon_job import amazon_job

#: The reports the daily fetch asks, in turn.
RETURNS_REPORT_TYPES = (MERCHANT_REPORT_TYPE, FBA_REPORT_TYPE)
MERCHANT_REPORT_TYPES = (MERCHANT_REPORT_TYPE, XML_REPORT_TYPE)
#: The first fetch of an account goes this far back.
FIRST_FETCH = timedelta(days=30)
#: Amazon reports 60 days of merchant returns at most.
FETCH_HORIZON = timedelta(days=MAX_REPORT_DAYS)
#: Each fetch starts a day before the last one ended: a return Amazon recorded
#: late is not missed (the returns known are updated, never made twice).
FETCH_OVERLAP = timedelta(days=1)


class AmazonReturnFetch(models.Model):
    """The returns fetch: every day, Amazon's merchant returns report and FBA
    customer returns report asked for the days since the last fetch (an
    ``amazon.report`` each, this model their owner) and applied to the
    account's returns."""

    _name = "amazon.return"
    _inherit = ["amazon.return", "amazon.report.owner"]

    @api.model
    @amazon_job
    def _amazon_fetch(self, account):
        """Job: ask Amazon for both returns reports of ``account`` from the last
        fetch less a day (the first time 30 days back, never more than 60),
        each report then requested and read by its own jobs. Idempotent: a
        returns report still under way is not asked again, and the returns of
        overlapping reports are updated, never made twice."""
        self = self.sudo()
        account = account.sudo()
        account._amazon_job_check()
        now = fields.Datetime.now()
        start = (
            account.returns_fetched_until - FETCH_OVERLAP
            if account.returns_fetched_until
            else now - FIRST_FETCH
        )
        start = max(start, now - FETCH_HORIZON)
        pending = self._amazon_pending_reports(account)
        reports = self.env["amazon.report"]
        for report_type in RETURNS_REPORT_TYPES:
            if report_type in pending:
                continue
            reports |= reports._amazon_create(
                account, report_type, self, data_start=start, data_end=now
            )
        # Remembered before the requests: under queue_job's no-delay mode they
        # run (and end) here.
        account.returns_fetched_until = now
        for report in reports:
            report._amazon_queue_request()
        return _(
            "%(count)s returns report(s) asked of Amazon from %(start)s; "
            "%(pending)s still under way.",
            count=len(reports),
            start=fields.Datetime.to_string(start),
            pending=len(pending),
        )

    @api.model
    def _amazon_pending_reports(self, account):
        """The returns report types of ``account`` Amazon has not ended yet."""
        return set(
            self.env["amazon.report"]
            .sudo()
            .search(
                [
                    ("account_id", "=", account.id),
                    ("res_model", "=", self._name),
                    ("report_type", "in", RETURNS_REPORT_TYPES),
                    ("state", "in", ("requested", "in_progress")),
                ]
            )
            .mapped("report_type")
        )

    # ------------------------------------------------ the report owner's contract

    @api.model
    def _amazon_report_done(self, report, document):
        """Read a returns report and apply it to the account's returns; the
        outcome is the account's last returns run. A report that cannot be
        read raises ``ValueError``: refused whole, nothing applied."""
        self = self.sudo()
        account = report.account_id
        if report.report_type in MERCHANT_REPORT_TYPES:
            reading = read_merchant_returns(document.content, document.charset)
            summary = self._amazon_apply_merchant_returns(account, reading)
        elif report.report_type == FBA_REPORT_TYPE:
            reading = read_fba_returns(document.content, document.charset)
            summary = self._amazon_apply_fba_returns(account, reading)
        else:
            raise ValueError(
                _("%s is not a returns report.", report.report_type or "?")
            )
        account._amazon_record_run("returns", summary)
        return account._amazon_listings_message(summary)

    @api.model
    def _amazon_report_failed(self, report, reason):
        message = _(
            "The returns report %(type)s was not read: %(reason)s The next "
            "fetch asks for these days again.",
            type=report.report_type,
            reason=reason,
        )
        account = report.account_id
        account._amazon_record_run("returns", message, failed=True)
        # The days of this report are asked again by the next fetch.
        if report.data_start and (
            not account.returns_fetched_until
            or account.returns_fetched_until > report.data_start
        ):
            account.returns_fetched_until = report.data_start + FETCH_OVERLAP
        return account._amazon_listings_message(message)

    @api.model
    def _amazon_report_cancelled(self, report, note):
        # Amazon cancels a report that has no data: no return in those days.
        message = _(
            "No returns to report (%(type)s, report %(report)s cancelled by Amazon).",
            type=report.report_type,
            report=report.amazon_report_ref,
        )
        report.account_id._amazon_record_run("returns", message)
        return message
