# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The daily returns fetch: both returns reports asked of Amazon for the days
since the last fetch (a day of overlap, 30 days the first time, 60 at most),
never twice while one is under way; each report's document handed to the
returns of its channel; a failed report a failed returns run, its days asked
again; the cron and the account's switch.

The parsers are replaced here by readings built as they give them (their
dataclasses): the reports' own layouts are the parsers' tests."""

from datetime import date, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..amazon.adapter import ReportDocument
from ..amazon.fba_returns_report import REPORT_TYPE as FBA
from ..amazon.fba_returns_report import FbaReturnsReading
from ..amazon.merchant_returns_report import REPORT_TYPE as MERCHANT
from ..amazon.merchant_returns_report import MerchantReturnsReading
from ..models import amazon_return_fetch
from .common import AmazonCommon
from .job_runner import trap_jobs
from .test_returns_merchant import merchant_return


@tagged("post_install", "-at_install")
class TestReturnsFetch(AmazonCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.state = "connected"
        cls.Return = cls.env["amazon.return"]

    def fetch(self):
        with trap_jobs() as trap:
            result = self.Return._amazon_fetch(self.account)
        self.queued = trap.enqueued_jobs
        return result

    def reports(self):
        return self.env["amazon.report"].search(
            [("account_id", "=", self.account.id), ("res_model", "=", "amazon.return")]
        )

    def last_run(self):
        return self.account.sync_run_ids.filtered(lambda r: r.kind == "returns")

    # ------------------------------------------------------------ the window

    def test_the_first_fetch_asks_both_reports_for_30_days(self):
        before = fields.Datetime.now()
        self.fetch()
        reports = self.reports()
        self.assertEqual(sorted(reports.mapped("report_type")), sorted([FBA, MERCHANT]))
        for report in reports:
            self.assertEqual(report.state, "requested")
            self.assertEqual(report.marketplace_ids, self.account.marketplace_ids)
            self.assertAlmostEqual(
                report.data_start,
                before - timedelta(days=30),
                delta=timedelta(seconds=5),
            )
            self.assertAlmostEqual(report.data_end, before, delta=timedelta(seconds=5))
        self.assertEqual(
            [job.method_name for job in self.queued], ["_amazon_request"] * 2
        )
        # How far each report was read moves only once it is read.
        self.assertFalse(self.account.returns_merchant_fetched_until)
        self.assertFalse(self.account.returns_fba_fetched_until)

    def test_a_fetch_never_asks_a_report_still_under_way(self):
        self.fetch()
        self.assertIn("still under way", self.fetch())
        self.assertEqual(len(self.reports()), 2)
        self.assertFalse(self.queued)
        self.reports().filtered(lambda r: r.report_type == FBA).state = "done"
        self.fetch()
        self.assertEqual(
            sorted(self.reports().mapped("report_type")), sorted([FBA, FBA, MERCHANT])
        )

    def test_a_type_skipped_or_under_way_keeps_its_days_to_ask(self):
        now = fields.Datetime.now()
        self.account.returns_merchant_fetched_until = now - timedelta(days=3)
        self.account.returns_fba_fetched_until = now - timedelta(days=3)
        self.fetch()
        first = self.reports()
        self.assertEqual(len(first), 2)
        # The FBA report is read; the merchant one is still under way.
        fba = first.filtered(lambda r: r.report_type == FBA)
        fba._amazon_ended("CANCELLED", None)
        self.assertEqual(self.account.returns_fba_fetched_until, fba.data_end)
        self.assertEqual(
            self.account.returns_merchant_fetched_until, now - timedelta(days=3)
        )
        self.fetch()
        asked = self.reports() - first
        self.assertEqual(asked.mapped("report_type"), [FBA], "merchant under way")
        # A report Amazon has not ended after a day is asked again, from the
        # days it did not read.
        merchant = first.filtered(lambda r: r.report_type == MERCHANT)
        self.env.cr.execute(
            "UPDATE amazon_report SET create_date = %s WHERE id = %s",
            [now - timedelta(days=1, hours=1), merchant.id],
        )
        merchant.invalidate_recordset(["create_date"])
        self.fetch()
        again = self.reports().filtered(
            lambda r: r.report_type == MERCHANT and r != merchant
        )
        self.assertEqual(len(again), 1)
        self.assertAlmostEqual(
            again.data_start, now - timedelta(days=4), delta=timedelta(seconds=5)
        )

    def test_the_next_fetch_overlaps_a_day_and_never_exceeds_60_days(self):
        now = fields.Datetime.now()
        self.account.returns_merchant_fetched_until = now - timedelta(days=3)
        self.account.returns_fba_fetched_until = now - timedelta(days=3)
        self.fetch()
        for report in self.reports():
            self.assertAlmostEqual(
                report.data_start, now - timedelta(days=4), delta=timedelta(seconds=5)
            )
            report.state = "done"
        self.account.returns_merchant_fetched_until = now - timedelta(days=200)
        self.account.returns_fba_fetched_until = now - timedelta(days=200)
        self.fetch()
        latest = self.reports().filtered(lambda r: r.state == "requested")
        self.assertEqual(len(latest), 2)
        for report in latest:
            self.assertAlmostEqual(
                report.data_start, now - timedelta(days=60), delta=timedelta(seconds=5)
            )

    def test_setting_the_date_back_asks_older_days_again(self):
        now = fields.Datetime.now()
        self.account.returns_merchant_fetched_until = now
        self.account.returns_fba_fetched_until = now - timedelta(hours=2)
        self.assertEqual(self.account.returns_fetched_until, now - timedelta(hours=2))
        # The seller imported an order whose return was listed 20 days ago.
        self.account.returns_fetched_until = now - timedelta(days=20)
        self.fetch()
        for report in self.reports():
            self.assertAlmostEqual(
                report.data_start, now - timedelta(days=21), delta=timedelta(seconds=5)
            )

    def test_a_blocked_account_asks_nothing(self):
        self.account.state = "draft"
        self.assertIn("not connected", self.fetch())
        self.assertFalse(self.reports())
        self.assertFalse(self.account.returns_merchant_fetched_until)
        with self.assertRaises(UserError):
            self.account.action_fetch_returns()

    # ---------------------------------------------------- reports handed over

    def report(self, report_type):
        report = self.env["amazon.report"]._amazon_create(
            self.account,
            report_type,
            self.Return,
            data_start=fields.Datetime.now() - timedelta(days=5),
            data_end=fields.Datetime.now(),
        )
        report.write({"state": "in_progress", "amazon_report_ref": f"R-{report.id}"})
        return report

    def test_a_merchant_report_is_applied_to_the_merchant_returns(self):
        reading = MerchantReturnsReading(
            returns=(
                merchant_return(
                    "303-1111111-1111111",
                    "DQ7f1",
                    ("SKU-A", 1, "1"),
                    request_date=date(2026, 12, 1),
                ),
            )
        )
        report = self.report(MERCHANT)
        with patch.object(
            amazon_return_fetch, "read_merchant_returns", return_value=reading
        ) as read:
            report._amazon_ended("DONE", ReportDocument(b"tsv", "windows-1252"))
        # Germany and France write 02/11/2026 day first.
        read.assert_called_once_with(b"tsv", "windows-1252", day_first=True)
        self.assertEqual(report.state, "done")
        self.assertIn(
            "1 return(s) of orders not in Odoo: 303-1111111-1111111", report.result
        )
        run = self.last_run()
        self.assertEqual((run.state, run.summary), ("ok", report.result))
        self.assertIn("303-1111111-1111111", self.account.message_ids[:1].body)

    def test_an_fba_report_is_applied_to_the_fba_returns(self):
        reading = FbaReturnsReading(returns=())
        report = self.report(FBA)
        applied = []

        def apply_fba(returns, account, fba_reading):
            applied.append((account, fba_reading))
            return "FBA returns: 0 new."

        with (
            patch.object(amazon_return_fetch, "read_fba_returns", return_value=reading),
            patch.object(
                type(self.Return), "_amazon_apply_fba_returns", apply_fba, create=True
            ),
        ):
            report._amazon_ended("DONE", ReportDocument(b"tsv", None))
        self.assertEqual(applied, [(self.account, reading)])
        self.assertEqual((report.state, report.result), ("done", "FBA returns: 0 new."))
        self.assertEqual(self.last_run().summary, "FBA returns: 0 new.")

    def test_a_report_that_cannot_be_read_is_a_failed_run_asked_again(self):
        before = fields.Datetime.now() - timedelta(days=9)
        self.account.returns_merchant_fetched_until = before
        report = self.report(MERCHANT)
        with patch.object(
            amazon_return_fetch,
            "read_merchant_returns",
            side_effect=ValueError("no 'Amazon RMA ID' column"),
        ):
            report._amazon_ended("DONE", ReportDocument(b"garbage", None))
        self.assertEqual(report.state, "error")
        self.assertIn("no 'Amazon RMA ID' column", report.result)
        run = self.last_run()
        self.assertEqual(run.state, "failed")
        self.assertIn("no 'Amazon RMA ID' column", run.summary)
        self.assertFalse(self.Return.search([("account_id", "=", self.account.id)]))
        # The next fetch asks the days of the failed report again.
        self.assertEqual(self.account.returns_merchant_fetched_until, before)
        self.fetch()
        merchant = self.reports().filtered(
            lambda r: r.report_type == MERCHANT and r.state == "requested"
        )
        self.assertEqual(merchant.data_start, before - timedelta(days=1))

    def test_dates_are_read_in_the_marketplaces_order(self):
        reading = MerchantReturnsReading(returns=())
        us_report = self.env["amazon.report"]._amazon_create(
            self.account, MERCHANT, self.Return, marketplaces=self.marketplace_us
        )
        for report, day_first in ((self.report(MERCHANT), True), (us_report, False)):
            report.write(
                {"state": "in_progress", "amazon_report_ref": f"R-D{report.id}"}
            )
            with patch.object(
                amazon_return_fetch, "read_merchant_returns", return_value=reading
            ) as read:
                report._amazon_ended("DONE", ReportDocument(b"tsv", None))
            read.assert_called_once_with(b"tsv", None, day_first=day_first)

    def test_a_report_amazon_cancelled_means_no_returns(self):
        report = self.report(MERCHANT)
        report._amazon_ended("CANCELLED", None)
        self.assertEqual(report.state, "cancelled")
        run = self.last_run()
        self.assertEqual(run.state, "ok")
        self.assertIn("No returns to report", run.summary)

    # ---------------------------------------------------------- cron, switch

    def test_the_cron_fetches_the_accounts_that_import_returns(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "amazon_connector.enabled", "True"
        )
        other = self.account.copy(
            {
                "name": "No returns",
                "seller_id": "A1OTHERSELLER",
                "import_returns": False,
                "lwa_client_secret": "test-client-secret",
                "refresh_token": "Atzr|test-refresh-token",
            }
        )
        other.state = "connected"
        self.assertFalse(other._amazon_job_blocker(), "it could fetch")
        self.assertTrue(self.account.import_returns, "on by default")
        with trap_jobs() as trap:
            self.env["amazon.account"]._cron_fetch_returns()
        fetched = [
            job.args[0]
            for job in trap.enqueued_jobs
            if job.method_name == "_amazon_fetch" and job.model_name == "amazon.return"
        ]
        self.assertIn(self.account, fetched)
        self.assertNotIn(other, fetched)
        cron = self.env.ref("amazon_connector.ir_cron_amazon_fetch_returns")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))

    def test_the_account_button_queues_one_fetch(self):
        with trap_jobs() as trap:
            action = self.account.with_user(self.amazon_admin).action_fetch_returns()
        self.assertEqual(action["params"]["title"], "Returns requested")
        [job] = trap.enqueued_jobs
        self.assertEqual(
            (job.model_name, job.method_name), ("amazon.return", "_amazon_fetch")
        )
        self.assertEqual(job.args, (self.account,))
        form = self.env["amazon.account"].get_view(
            self.env.ref("amazon_connector.amazon_account_view_form").id
        )["arch"]
        self.assertIn('name="action_fetch_returns"', form)
        self.assertIn('name="import_returns"', form)
