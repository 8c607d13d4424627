# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The daily ledger fetch: Amazon's Inventory Ledger detail report asked per
marketplace for whole days (from the day after the last day read, 7 days back
the first time, 31 days a report at most, up to yesterday), never twice while
one is under way; each document read and applied, the day read up to moved on,
and once no ledger report is under way the comparison queued and the
reimbursements linked.

The ledger's reader is replaced here by readings built as it gives them (its
dataclasses); the comparison and the reimbursements are other parts' and are
only checked to be called."""

from datetime import date, datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from ..amazon.adapter import ReportDocument
from ..amazon.inventory_ledger import REPORT_TYPE, LedgerReading
from ..models import amazon_fba_ledger_fetch
from ..models.amazon_fba_ledger_fetch import ledger_windows
from .common import AmazonCommon
from .job_runner import trap_jobs


@tagged("post_install", "-at_install")
class TestFbaLedgerFetch(AmazonCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.state = "connected"
        cls.Event = cls.env["amazon.fba.event"]

    def fetch(self):
        with trap_jobs() as trap:
            result = self.Event._amazon_fetch(self.account)
        self.queued = trap.enqueued_jobs
        return result

    def reports(self):
        return self.env["amazon.report"].search(
            [
                ("account_id", "=", self.account.id),
                ("res_model", "=", "amazon.fba.event"),
            ],
            order="id",
        )

    def last_run(self):
        return self.account.sync_run_ids.filtered(lambda r: r.kind == "fba")

    # ------------------------------------------------------------ the window

    def test_windows_are_whole_days_up_to_yesterday(self):
        today = date(2026, 12, 7)
        self.assertEqual(
            ledger_windows(False, today), [(date(2026, 11, 30), date(2026, 12, 6))]
        )
        # The last day read is read again (Amazon may not have written all
        # of it when it was read).
        self.assertEqual(
            ledger_windows(date(2026, 12, 4), today),
            [(date(2026, 12, 4), date(2026, 12, 6))],
        )
        self.assertEqual(
            ledger_windows(date(2026, 12, 6), today),
            [(date(2026, 12, 6), date(2026, 12, 6))],
        )
        self.assertEqual(ledger_windows(date(2026, 12, 7), today), [])
        self.assertEqual(
            ledger_windows(date(2026, 10, 1), today),
            [
                (date(2026, 10, 1), date(2026, 10, 31)),
                (date(2026, 11, 1), date(2026, 12, 1)),
                (date(2026, 12, 2), date(2026, 12, 6)),
            ],
        )

    def test_the_first_fetch_asks_a_report_per_marketplace_for_7_days(self):
        today = fields.Date.today()
        self.fetch()
        reports = self.reports()
        self.assertEqual(len(reports), 2)
        self.assertEqual(
            reports.marketplace_ids, self.marketplace_de | self.marketplace_fr
        )
        for report in reports:
            self.assertEqual(len(report.marketplace_ids), 1)
            self.assertEqual(report.report_type, REPORT_TYPE)
            self.assertEqual(report.state, "requested")
            self.assertEqual(
                report.data_start,
                datetime.combine(today - timedelta(days=7), datetime.min.time()),
            )
            self.assertEqual(
                report.data_end,
                datetime.combine(today - timedelta(days=1), datetime.min.time())
                + timedelta(hours=23, minutes=59, seconds=59),
            )
        self.assertEqual(
            [job.method_name for job in self.queued], ["_amazon_request"] * 2
        )

    def test_a_report_under_way_is_not_asked_again(self):
        self.fetch()
        self.fetch()
        self.assertEqual(len(self.reports()), 2)
        # A day later Amazon has still not ended it: asked again.
        self.env.cr.execute(
            "UPDATE amazon_report SET create_date = create_date - interval '2 days' "
            "WHERE id IN %s",
            [tuple(self.reports().ids)],
        )
        self.reports().invalidate_recordset(["create_date"])
        self.fetch()
        self.assertEqual(len(self.reports()), 4)

    def test_yesterday_is_read_again(self):
        yesterday = fields.Date.today() - timedelta(1)
        self.account.fba_ledger_fetched_until = yesterday
        self.fetch()
        self.assertEqual(len(self.reports()), 2)
        for report in self.reports():
            self.assertEqual(report.data_start.date(), yesterday)
            self.assertEqual(report.data_end.date(), yesterday)

    def test_nothing_to_ask_still_compares(self):
        """Sync FBA Inventory with nothing to ask: the comparison is queued
        and the reimbursements linked all the same."""
        self.account.fba_ledger_fetched_until = fields.Date.today()
        with patch.object(
            type(self.Event), "_amazon_link_reimbursements", autospec=True
        ) as link:
            self.assertIn("nothing to ask", self.fetch())
        self.assertFalse(self.reports())
        self.assertEqual(
            [(job.model_name, job.method_name) for job in self.queued],
            [("amazon.fba.difference", "_amazon_compare")],
        )
        link.assert_called_once()

    def test_each_marketplace_is_asked_from_its_own_day(self):
        """France's report fails, Germany's later one is read: Germany asks
        from its own last day, France again from before its failed days."""
        self.account.fba_ledger_fetched_until = date(2026, 11, 30)
        germany = self.report(date(2026, 12, 1), date(2026, 12, 5))
        france = self.report(
            date(2026, 12, 1), date(2026, 12, 5), marketplace=self.marketplace_fr
        )
        france._amazon_ended("FATAL", None)
        self.deliver(germany)
        # The account's day is the earliest of its marketplaces'.
        self.assertEqual(self.account.fba_ledger_fetched_until, date(2026, 11, 30))
        self.assertEqual(self.read_until(self.marketplace_de), date(2026, 12, 5))
        self.assertEqual(self.read_until(self.marketplace_fr), date(2026, 11, 30))
        known = self.reports()
        self.fetch()
        starts = {
            report.marketplace_ids: report.data_start.date()
            for report in self.reports() - known
            if report.data_start.date() <= date(2026, 12, 5)
        }
        self.assertEqual(
            starts,
            {
                self.marketplace_de: date(2026, 12, 5),
                self.marketplace_fr: date(2026, 11, 30),
            },
        )
        # France read too: the account's day moves on.
        self.deliver(
            self.report(date(2026, 11, 30), date(2026, 12, 6), self.marketplace_fr)
        )
        self.assertEqual(self.account.fba_ledger_fetched_until, date(2026, 12, 5))

    def test_the_seller_sets_the_day_back_for_every_marketplace(self):
        self.account.fba_ledger_fetched_until = date(2026, 11, 30)
        self.deliver(self.report(date(2026, 12, 1), date(2026, 12, 5)))
        self.deliver(
            self.report(date(2026, 12, 1), date(2026, 12, 6), self.marketplace_fr)
        )
        self.assertEqual(self.account.fba_ledger_fetched_until, date(2026, 12, 5))
        self.account.fba_ledger_fetched_until = date(2026, 11, 20)
        known = self.reports()
        self.fetch()
        asked = self.reports() - known
        self.assertEqual(
            {report.data_start.date() for report in asked}, {date(2026, 11, 20)}
        )
        self.assertEqual(
            asked.marketplace_ids, self.marketplace_de | self.marketplace_fr
        )

    def test_a_blocked_account_asks_nothing(self):
        self.account.state = "draft"
        self.assertIn("not connected", self.fetch())
        self.assertFalse(self.reports())

    # ---------------------------------------------------- reports handed over

    def read_until(self, marketplace):
        return (
            self.env["amazon.fba.ledger.marketplace"]
            .search(
                [
                    ("account_id", "=", self.account.id),
                    ("marketplace_id", "=", marketplace.id),
                ]
            )
            .read_until
        )

    def report(self, first, last, marketplace=None):
        report = self.env["amazon.report"]._amazon_create(
            self.account,
            REPORT_TYPE,
            self.Event,
            marketplaces=marketplace or self.marketplace_de,
            data_start=datetime.combine(first, datetime.min.time()),
            data_end=datetime.combine(last, datetime.min.time())
            + timedelta(hours=23, minutes=59, seconds=59),
        )
        report.write({"state": "in_progress", "amazon_report_ref": f"R-{report.id}"})
        return report

    def deliver(self, report, reading=None, **document):
        with (
            patch.object(
                amazon_fba_ledger_fetch,
                "read_inventory_ledger",
                return_value=reading or LedgerReading(events=()),
            ) as read,
            patch.object(
                type(self.Event), "_amazon_link_reimbursements", autospec=True
            ) as link,
            trap_jobs() as trap,
        ):
            report._amazon_ended("DONE", ReportDocument(b"tsv", "windows-1252"))
        self.read, self.linked, self.queued = read, link, trap.enqueued_jobs

    def compare_jobs(self):
        return [
            job
            for job in self.queued
            if job.method_name == "_amazon_compare"
            and job.model_name == "amazon.fba.difference"
        ]

    def test_a_report_is_read_applied_and_moves_the_day_read(self):
        self.account.fba_ledger_fetched_until = date(2026, 11, 30)
        first = self.report(date(2026, 12, 1), date(2026, 12, 5))
        second = self.report(
            date(2026, 12, 1), date(2026, 12, 5), marketplace=self.marketplace_fr
        )
        self.deliver(first)
        # The ledger writes its dates month first, in Germany too: one reading.
        self.read.assert_called_once_with(b"tsv", "windows-1252")
        self.assertEqual(first.state, "done")
        self.assertIn("Inventory ledger: 0 movement(s) read", first.result)
        self.assertEqual(self.read_until(self.marketplace_de), date(2026, 12, 5))
        # France is not read yet: the account's day stays.
        self.assertEqual(self.account.fba_ledger_fetched_until, date(2026, 11, 30))
        run = self.last_run()
        self.assertEqual((run.state, run.summary), ("ok", first.result))
        # France's report is still under way: no comparison yet.
        self.assertFalse(self.compare_jobs())
        self.linked.assert_not_called()
        self.deliver(second)
        self.assertEqual(self.account.fba_ledger_fetched_until, date(2026, 12, 5))
        [job] = self.compare_jobs()
        self.assertEqual(job.args, (self.account,))
        self.linked.assert_called_once()

    def test_the_day_read_never_goes_back(self):
        self.account.fba_ledger_fetched_until = date(2026, 12, 6)
        self.deliver(self.report(date(2026, 12, 1), date(2026, 12, 3)))
        self.assertEqual(self.account.fba_ledger_fetched_until, date(2026, 12, 6))

    def test_a_report_that_cannot_be_read_is_a_failed_run_asked_again(self):
        self.account.fba_ledger_fetched_until = date(2026, 11, 30)
        report = self.report(date(2026, 12, 1), date(2026, 12, 5))
        with patch.object(
            amazon_fba_ledger_fetch,
            "read_inventory_ledger",
            side_effect=ValueError("no 'Event Type' column"),
        ):
            report._amazon_ended("DONE", ReportDocument(b"garbage", None))
        self.assertEqual(report.state, "error")
        run = self.last_run()
        self.assertEqual(run.state, "failed")
        self.assertIn("no 'Event Type' column", run.summary)
        self.assertEqual(self.account.fba_ledger_fetched_until, date(2026, 11, 30))
        self.assertFalse(self.Event.search([("account_id", "=", self.account.id)]))

    def test_a_failed_marketplace_has_its_days_asked_again(self):
        """Germany's report is read, France's fails: the next run asks the
        days again (Germany's read again, moving nothing twice)."""
        self.account.fba_ledger_fetched_until = date(2026, 11, 30)
        germany = self.report(date(2026, 12, 1), date(2026, 12, 5))
        france = self.report(
            date(2026, 12, 1), date(2026, 12, 5), marketplace=self.marketplace_fr
        )
        self.deliver(germany)
        self.assertEqual(self.read_until(self.marketplace_de), date(2026, 12, 5))
        france._amazon_ended("FATAL", None)
        self.assertEqual(france.state, "fatal")
        self.assertEqual(self.read_until(self.marketplace_fr), date(2026, 11, 30))
        self.assertEqual(self.account.fba_ledger_fetched_until, date(2026, 11, 30))
        self.assertEqual(self.last_run().state, "failed")

    def test_a_report_amazon_cancelled_means_no_movement(self):
        self.account.fba_ledger_fetched_until = date(2026, 11, 30)
        report = self.report(date(2026, 12, 1), date(2026, 12, 2))
        with (
            patch.object(
                type(self.Event), "_amazon_link_reimbursements", autospec=True
            ),
            trap_jobs() as trap,
        ):
            report._amazon_ended("CANCELLED", None)
        self.queued = trap.enqueued_jobs
        self.assertEqual(report.state, "cancelled")
        self.assertEqual(self.read_until(self.marketplace_de), date(2026, 12, 2))
        self.assertIn("No FBA inventory movement", self.last_run().summary)
        self.assertEqual(len(self.compare_jobs()), 1)

    def test_a_marketplace_without_movement_keeps_the_runs_summary(self):
        germany = self.report(date(2026, 12, 1), date(2026, 12, 2))
        france = self.report(
            date(2026, 12, 1), date(2026, 12, 2), marketplace=self.marketplace_fr
        )
        self.deliver(germany)
        with patch.object(
            type(self.Event), "_amazon_link_reimbursements", autospec=True
        ):
            france._amazon_ended("CANCELLED", None)
        self.assertEqual(france.state, "cancelled")
        self.assertEqual(self.last_run().summary, germany.result)

    def test_a_ledger_written_day_first_is_read_by_its_window(self):
        """Month first, 06/12/2026 would be June 12th, outside a report of
        December 1st to 12th; 13/12/2026 no date at all: the report is read day
        first (a British download's form), every day in its window."""
        header = "\t".join(
            [
                *("Date", "FNSKU", "MSKU", "Event Type", "Reference ID"),
                *("Quantity", "Fulfillment Center", "Disposition", "Reason"),
                "Country",
            ]
        )
        rows = [
            "06/12/2026 X00UK00001 UK-1 Adjustments 1 -1 LTN4 SELLABLE M GB".split(),
            "12/12/2026 X00UK00001 UK-1 Adjustments 2 1 LTN4 SELLABLE F GB".split(),
        ]
        content = "\n".join([header, *("\t".join(row) for row in rows)]).encode()
        report = self.report(date(2026, 12, 1), date(2026, 12, 12))
        reading = self.Event._amazon_read_ledger(
            report, ReportDocument(content, "utf-8")
        )
        self.assertEqual(
            [event.day for event in reading.events],
            [date(2026, 12, 6), date(2026, 12, 12)],
        )
        # The same rows month first in a report of June read month first.
        june = self.report(date(2026, 6, 1), date(2026, 6, 30))
        reading = self.Event._amazon_read_ledger(june, ReportDocument(content, "utf-8"))
        self.assertEqual(
            [event.day for event in reading.events],
            [date(2026, 6, 12), date(2026, 12, 12)],
        )
