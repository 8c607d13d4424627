# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The daily ledger fetch: Amazon's Inventory Ledger detail report asked per
marketplace for the whole days since the last day read (an ``amazon.report``
each, ``amazon.fba.event`` their owner), each document applied to the
account's FBA stock; once no ledger report of the account is under way, the
comparison with Amazon's quantities and the reimbursements' linking follow."""

from datetime import datetime, time, timedelta

from odoo import _, api, fields, models

from odoo.addons.queue_job.job import identity_exact

from ..amazon.inventory_ledger import REPORT_TYPE, read_inventory_ledger
from .amazon_fba_ledger_marketplace import FIRST_FETCH_DAYS
from .amazon_job import amazon_job

#: The most days one ledger report covers.
MAX_REPORT_DAYS = 31
#: A report Amazon has not ended after a day is asked again.
STUCK_AFTER = timedelta(days=1)


def ledger_windows(fetched_until, today):
    """The (first day, last day) of each report to ask: whole days from
    ``fetched_until`` itself (read again: Amazon may not have written all of
    that day when it was read; the rows' keys move nothing twice; the first
    time ``FIRST_FETCH_DAYS`` back) to yesterday (today's ledger is not
    complete), ``MAX_REPORT_DAYS`` at most each. A day is always wholly in one
    report: that keeps its rows' keys."""
    last = today - timedelta(days=1)
    if fetched_until:
        first = fetched_until
    else:
        first = today - timedelta(days=FIRST_FETCH_DAYS)
    windows = []
    while first <= last:
        end = min(last, first + timedelta(days=MAX_REPORT_DAYS - 1))
        windows.append((first, end))
        first = end + timedelta(days=1)
    return windows


def _in_window(reading, report):
    """Whether every day ``reading`` read, and every row, is in the days of
    ``report`` (a day of slack each side: Amazon writes its local day)."""
    first = report.data_start.date() - timedelta(days=1)
    last = report.data_end.date() + timedelta(days=1)
    return not reading.problems and all(
        first <= event.day <= last for event in reading.events
    )


class AmazonFbaLedgerFetch(models.Model):
    _name = "amazon.fba.event"
    _inherit = ["amazon.fba.event", "amazon.report.owner"]

    @api.model
    @amazon_job
    def _amazon_fetch(self, account):
        """Job: ask Amazon for the ledger of ``account``, one report per
        marketplace and window of whole days from the day that marketplace is
        read up to (see ``ledger_windows``). A marketplace with a ledger
        report still under way (less than a day old) is not asked; its days
        stay to ask, as its day moves only when its report is read. When no
        report is asked, the follow-ups come at once. Idempotent: a day read
        twice moves nothing twice (the events' keys)."""
        self = self.sudo()
        account = account.sudo()
        account._amazon_job_check()
        now = fields.Datetime.now()
        pending = self._amazon_pending_ledger_reports(account, now - STUCK_AFTER)
        read_until = self.env["amazon.fba.ledger.marketplace"]._amazon_read_until(
            account
        )
        reports = self.env["amazon.report"]
        days = []
        for marketplace in account.marketplace_ids - pending.marketplace_ids:
            windows = ledger_windows(read_until[marketplace.id].read_until, now.date())
            days += [day for window in windows for day in window]
            for first, last in windows:
                reports += reports._amazon_create(
                    account,
                    REPORT_TYPE,
                    self,
                    marketplaces=marketplace,
                    data_start=datetime.combine(first, time.min),
                    data_end=datetime.combine(last, time(23, 59, 59)),
                )
        for report in reports:
            report._amazon_queue_request()
        if not reports:
            # No report to end and call the follow-ups: they come now (or
            # after the reports under way).
            self._amazon_ledger_followups(account)
        if not days and pending:
            return _("No ledger report to ask: %s still under way.", len(pending))
        if not days:
            return _("The ledger is read up to yesterday: nothing to ask.")
        return _(
            "%(count)s ledger report(s) asked of Amazon for %(first)s to "
            "%(last)s; %(pending)s still under way.",
            count=len(reports),
            first=min(days),
            last=max(days),
            pending=len(pending),
        )

    @api.model
    def _amazon_pending_ledger_reports(self, account, since):
        """The ledger reports of ``account`` asked since ``since`` that Amazon
        has not ended yet (one older is taken as lost: asked again)."""
        return (
            self.env["amazon.report"]
            .sudo()
            .search(
                [
                    ("account_id", "=", account.id),
                    ("res_model", "=", self._name),
                    ("report_type", "=", REPORT_TYPE),
                    ("state", "in", ("requested", "in_progress")),
                    ("create_date", ">=", since),
                ]
            )
        )

    @api.model
    def _amazon_ledger_read(self, report):
        """The days of ``report`` are read in its marketplace (never back);
        the account's day is the earliest of its marketplaces'."""
        self.env["amazon.fba.ledger.marketplace"]._amazon_mark_read(report)

    @api.model
    def _amazon_ledger_followups(self, account):
        """Once no ledger report of ``account`` is under way: compare Odoo's FBA
        quantities with Amazon's (a job) and link the settlement's
        reimbursements to the losses."""
        since = fields.Datetime.now() - STUCK_AFTER
        if self._amazon_pending_ledger_reports(account, since):
            return
        self.env["amazon.fba.difference"].with_delay(
            identity_key=identity_exact,
            description=_("Compare the FBA quantities of %s", account.name),
        )._amazon_compare(account)
        self._amazon_link_reimbursements(account)

    @api.model
    def _amazon_read_ledger(self, report, document):
        """The reading of a ledger report's document. Its ``Date`` is month
        first (MM/DD/YYYY) in the API's report and Seller Central's download,
        in every marketplace; a ledger written day first (as British and
        European downloads are) is read day first when only that reading puts
        every day in the report's own window (a ledger of December 1st to 12th
        has no day 12/06 to read as June 12th)."""
        month_first = read_inventory_ledger(document.content, document.charset)
        if not (report.data_start and report.data_end) or _in_window(
            month_first, report
        ):
            return month_first
        day_first = read_inventory_ledger(
            document.content, document.charset, day_first=True
        )
        return day_first if _in_window(day_first, report) else month_first

    # ------------------------------------------------ the report owner's contract

    @api.model
    def _amazon_report_done(self, report, document):
        """Read a ledger report and apply it to the account's FBA stock; the
        outcome is the account's last FBA run. A report that cannot be read
        raises ``ValueError``: refused whole, nothing applied."""
        self = self.sudo()
        account = report.account_id
        reading = self._amazon_read_ledger(report, document)
        summary = self._amazon_apply_ledger(account, reading, report=report)
        self._amazon_ledger_read(report)
        self._amazon_ledger_followups(account)
        account._amazon_record_run("fba", summary)
        return account._amazon_listings_message(summary)

    @api.model
    def _amazon_report_failed(self, report, reason):
        message = _(
            "The inventory ledger of %(first)s to %(last)s was not read: "
            "%(reason)s The next run asks for these days again.",
            first=report.data_start and report.data_start.date(),
            last=report.data_end and report.data_end.date(),
            reason=reason,
        )
        account = report.account_id
        account._amazon_record_run("fba", message, failed=True)
        return account._amazon_listings_message(message)

    @api.model
    def _amazon_report_cancelled(self, report, note):
        # Amazon cancels a report that has no data: no movement in those days.
        message = _(
            "No FBA inventory movement from %(first)s to %(last)s (report "
            "%(report)s cancelled by Amazon).",
            first=report.data_start and report.data_start.date(),
            last=report.data_end and report.data_end.date(),
            report=report.amazon_report_ref,
        )
        self = self.sudo()
        self._amazon_ledger_read(report)
        self._amazon_ledger_followups(report.account_id)
        # A marketplace with no movement does not hide what its run's other
        # reports did.
        if not self.env["amazon.report"].search_count(
            [
                ("account_id", "=", report.account_id.id),
                ("res_model", "=", self._name),
                ("create_date", "=", report.create_date),
                ("state", "=", "done"),
            ]
        ):
            report.account_id._amazon_record_run("fba", message)
        return message
