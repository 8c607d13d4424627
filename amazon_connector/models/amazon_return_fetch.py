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
#: A report Amazon has not ended after a day is asked again.
STUCK_AFTER = timedelta(days=1)
#: The account field that holds how far each returns report was read.
FETCHED_UNTIL = {
    MERCHANT_REPORT_TYPE: "returns_merchant_fetched_until",
    XML_REPORT_TYPE: "returns_merchant_fetched_until",
    FBA_REPORT_TYPE: "returns_fba_fetched_until",
}
#: Marketplaces whose reports write dates month first (02/11/2026 is February
#: 11th): the United States and Canada. Every other one writes them day first
#: (Japan writes the year first, read without it).
MONTH_FIRST_MARKETPLACES = frozenset({"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"})


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
        """Job: ask Amazon for both returns reports of ``account``, each from
        the moment its last report read ended less a day (the first time 30
        days back, never more than 60), each report then requested and read by
        its own jobs. A report type with a report still under way (less than a
        day old) is not asked; its days stay to ask, as the moment a type was
        read up to moves only when a report of it is read. Idempotent: the
        returns of overlapping reports are updated, never made twice."""
        self = self.sudo()
        account = account.sudo()
        account._amazon_job_check()
        now = fields.Datetime.now()
        pending = self._amazon_pending_reports(account, now - STUCK_AFTER)
        reports = self.env["amazon.report"]
        starts = []
        for report_type in RETURNS_REPORT_TYPES:
            if report_type in pending:
                continue
            start = self._amazon_fetch_start(account, report_type, now)
            starts.append(start)
            reports += reports._amazon_create(
                account, report_type, self, data_start=start, data_end=now
            )
        for report in reports:
            report._amazon_queue_request()
        return _(
            "%(count)s returns report(s) asked of Amazon from %(start)s; "
            "%(pending)s still under way.",
            count=len(reports),
            start=fields.Datetime.to_string(min(starts)) if starts else "-",
            pending=len(pending),
        )

    @api.model
    def _amazon_fetch_start(self, account, report_type, now):
        """Where the next ``report_type`` report starts: a day before the last
        one read ended, 30 days back the first time, 60 at most."""
        until = account[FETCHED_UNTIL[report_type]]
        start = until - FETCH_OVERLAP if until else now - FIRST_FETCH
        return max(start, now - FETCH_HORIZON)

    @api.model
    def _amazon_pending_reports(self, account, since):
        """The returns report types of ``account`` with a report asked since
        ``since`` that Amazon has not ended yet (one older is taken as lost:
        asked again)."""
        return set(
            self.env["amazon.report"]
            .sudo()
            .search(
                [
                    ("account_id", "=", account.id),
                    ("res_model", "=", self._name),
                    ("report_type", "in", RETURNS_REPORT_TYPES),
                    ("state", "in", ("requested", "in_progress")),
                    ("create_date", ">=", since),
                ]
            )
            .mapped("report_type")
        )

    @api.model
    def _amazon_report_read(self, report):
        """The days of ``report`` are read: its type's fetch goes on from its
        end (never back)."""
        name = FETCHED_UNTIL.get(report.report_type)
        account = report.account_id.sudo()
        if (
            name
            and report.data_end
            and (not account[name] or account[name] < report.data_end)
        ):
            account[name] = report.data_end

    @api.model
    def _amazon_day_first(self, report):
        """Whether the report's dates like 02/11/2026 are day first: yes but
        for the marketplaces that write month first (the United States,
        Canada)."""
        return not any(
            m.marketplace_id in MONTH_FIRST_MARKETPLACES for m in report.marketplace_ids
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
            reading = read_merchant_returns(
                document.content,
                document.charset,
                day_first=self._amazon_day_first(report),
            )
            summary = self._amazon_apply_merchant_returns(account, reading)
        elif report.report_type == FBA_REPORT_TYPE:
            reading = read_fba_returns(document.content, document.charset)
            summary = self._amazon_apply_fba_returns(account, reading)
        else:
            raise ValueError(
                _("%s is not a returns report.", report.report_type or "?")
            )
        self._amazon_report_read(report)
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
        # Its type's fetch did not move on: the next one asks these days again.
        return account._amazon_listings_message(message)

    @api.model
    def _amazon_report_cancelled(self, report, note):
        # Amazon cancels a report that has no data: no return in those days.
        message = _(
            "No returns to report (%(type)s, report %(report)s cancelled by Amazon).",
            type=report.report_type,
            report=report.amazon_report_ref,
        )
        self._amazon_report_read(report)
        report.account_id._amazon_record_run("returns", message)
        return message
