# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Import windows read one page per job: backlogs larger than Amazon's burst finish,
a throttled or failed job repeats only its own page, the mark moves at the end,
two windows of an account never run at once, and refused tokens restart cleanly.

Amazon is the simulator over HTTP; the adapter's waits are recorded, not slept.
"""

from collections import Counter
from datetime import timedelta
from unittest import mock

from odoo import fields
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import tagged

from odoo.addons.queue_job.job import Job

from ..models.amazon_import_window import PAGE_JOB_ATTEMPTS, PAGE_JOB_MAX_WAIT
from . import order_factory as f
from .common_orders import AmazonOrderCommon, minutes_ago
from .job_runner import run_jobs, trap_jobs
from .quota import QUOTA_CLOCK


@tagged("post_install", "-at_install")
class TestOrderImportWindows(AmazonOrderCommon):
    def setUp(self):
        super().setUp()
        # The adapter's backoff and Retry-After waits are recorded instead of slept.
        self.record_sleeps()
        self.mark = fields.Datetime.now() - timedelta(days=1)
        self.account.orders_high_water_mark = self.mark
        # What Amazon answered: the orders of every page served without error.
        self.served = []

    def backlog(self, count):
        payloads = [
            f.order(
                [f.item("SKU-A")],
                created=minutes_ago(300 - index),
                updated=minutes_ago(200 - index),
            )
            for index in range(count)
        ]
        self.publish(*payloads)
        return payloads

    def watch_pages(self, after_page=None):
        """Record the orders of every page Amazon serves; call ``after_page(n)``
        once the n-th page was served."""
        state = self.simulator.state
        search = state.search_orders
        served = self.served

        def search_orders(params):
            answer = search(params)
            served.append([order["orderId"] for order in answer["orders"]])
            if after_page:
                after_page(len(served))
            return answer

        return mock.patch.object(state, "search_orders", search_orders)

    def account_orders(self):
        return self.env["sale.order"].search(
            [("amazon_account_id", "=", self.account.id)]
        )

    def window(self):
        return self.env["amazon.import.window"].search(
            [("account_id", "=", self.account.id)]
        )

    # ------------------------------------------------------------------ backlogs

    def test_backlog_larger_than_the_burst_imports_every_order_once(self):
        """25 pages under Amazon's quota (a burst of 20, then one page every 3
        minutes), and after 12 pages another client takes the quota for a while
        (429 for the next page job's first runs): every order once, no page read
        twice."""
        payloads = self.backlog(25)
        state = self.simulator.state

        def quota_runs_out(pages):
            if pages == 12:
                state.inject_fault("searchOrders", "429", count=PAGE_JOB_ATTEMPTS)

        with self.page_size(1), self.watch_pages(quota_runs_out):
            self.import_orders(retry=True)
        served = [ref for page in self.served for ref in page]
        self.assertEqual(len(self.served), 25, "each page served once")
        self.assertEqual(Counter(served), Counter(p["orderId"] for p in payloads))
        self.assertEqual(len(self.account_orders()), 25)
        self.assertEqual(
            set(self.account_orders().mapped("amazon_order_ref")),
            {p["orderId"] for p in payloads},
        )
        # One job per page (the 13th run again after each 429: a throttled job
        # waits for the quota, not for its next attempt), after the job that
        # opened the window.
        methods = Counter(self.job_run.methods())
        self.assertEqual(methods["_import_page"], 25 + PAGE_JOB_ATTEMPTS)
        self.assertIn("Imported (25 pages)", self.job_run.last_result)
        self.assertGreater(self.account.orders_high_water_mark, self.mark)
        self.assertFalse(self.window(), "the window is closed at the end")
        # Waiting for the quota is the queue's work: short sleeps only.
        self.assertTrue(all(s <= PAGE_JOB_MAX_WAIT for s in self.sleeps))
        self.assertTrue(any(d > 0 for d in self.job_run.delays), "a retry was delayed")

    def test_429_storm_under_amazons_real_quota_during_a_30_page_import(self):
        """Bad input: 30 pages under Amazon's real searchOrders quota (burst 20,
        then 0.0056 requests a second), while another application of the seller
        uses the same quota up for a while (250 s), again and again: Amazon's
        429 for pages the connector's own throttle thought it could ask. Nothing
        lost, nothing imported twice, nobody sleeps for the quota."""
        payloads = self.backlog(30)
        spent = {}

        def other_client(pages):
            if pages in (6, 13, 24):
                spent[pages] = self.simulator.spend_quota("searchOrders", hold=250)

        with self.page_size(1), self.watch_pages(other_client):
            result = self.import_orders(retry=True)
        self.assertIn("Imported (30 pages)", result)
        # The storm was Amazon's quota, enforced: 429 QuotaExceeded answers.
        statuses = Counter(
            c["status"]
            for c in self.simulator.state.calls
            if c["operation"] == "searchOrders"
        )
        self.assertGreaterEqual(statuses[429], len(spent), statuses)
        self.assertEqual(statuses[200], 30, "each page answered once")
        self.assertGreater(spent[6], 0, "the other client found quota left")
        # Nothing lost, nothing twice: each order served once, imported once.
        served = Counter(ref for page in self.served for ref in page)
        self.assertEqual(served, Counter(p["orderId"] for p in payloads))
        orders = self.account_orders()
        self.assertEqual(len(orders), 30)
        self.assertEqual(
            set(orders.mapped("amazon_order_ref")), {p["orderId"] for p in payloads}
        )
        self.assertGreater(self.account.orders_high_water_mark, self.mark)
        self.assertFalse(self.window(), "the window is closed at the end")
        # The waits were the queue's (ETAs and retries of about 3 minutes), never
        # a sleeping worker.
        self.assertTrue(all(s <= PAGE_JOB_MAX_WAIT for s in self.sleeps))
        self.assertGreaterEqual(max(self.job_run.delays), 170)
        throttled = [r for r in self.job_run.results if "searchOrders" in str(r)]
        self.assertTrue(throttled, "a page job was throttled and ran again")

    def test_mark_moves_only_when_the_whole_window_is_done(self):
        self.backlog(3)
        marks = []
        Sync = type(self.env["amazon.order.sync"])
        sync = Sync._sync_payloads

        def _sync_payloads(model, account, payloads, **kwargs):
            marks.append(account.orders_high_water_mark)
            return sync(model, account, payloads, **kwargs)

        with (
            self.page_size(1),
            mock.patch.object(Sync, "_sync_payloads", _sync_payloads),
        ):
            self.import_orders()
        self.assertEqual(marks, [self.mark] * 3)
        self.assertGreater(self.account.orders_high_water_mark, self.mark)

    def test_storm_longer_than_the_retries_fails_the_job_then_the_next_run_finishes(
        self,
    ):
        payloads = self.backlog(5)
        state = self.simulator.state

        def storm(pages):
            if pages == 2:
                state.inject_fault("searchOrders", "429", count=1000)

        with self.page_size(1), self.watch_pages(storm):
            self.import_orders(retry=True)
        job, failure = self.job_run.performed[-1]
        self.assertEqual(job.method_name, "_import_page")
        self.assertIn("Max. retries", str(failure))
        self.assertIn("searchOrders", str(failure))
        # What was read is kept; the mark has not moved; the window waits.
        self.assertEqual(len(self.account_orders()), 2)
        self.assertEqual(self.account.orders_high_water_mark, self.mark)
        self.assertEqual(self.window().pages_read, 2)
        self.assertIn("2 page(s) read", self.account.import_progress)
        # Amazon calms down; the next scheduled run (15 minutes later) reads the
        # window again from the mark (the failed job is not coming back): nothing
        # lost or doubled.
        state.clear_faults()
        QUOTA_CLOCK.advance(15 * 60)
        with self.page_size(1):
            result = self.import_orders()
        self.assertIn("Imported", result)
        self.assertEqual(len(self.account_orders()), 5)
        self.assertEqual(
            set(self.account_orders().mapped("amazon_order_ref")),
            {p["orderId"] for p in payloads},
        )
        self.assertGreater(self.account.orders_high_water_mark, self.mark)
        self.assertFalse(self.window())

    def test_refused_pagination_token_restarts_the_window_cleanly(self):
        payloads = self.backlog(4)
        state = self.simulator.state

        def expire_once(pages):
            if pages == 2 and not self.expired:
                self.expired = True
                state.expire_pagination_tokens()

        self.expired = False
        with self.page_size(1), self.watch_pages(expire_once):
            result = self.import_orders()
        self.assertIn("Imported", result)
        self.assertTrue(
            any("pagination token" in str(r) for r in self.job_run.results),
            self.job_run.results,
        )
        self.assertEqual(len(self.account_orders()), 4)
        self.assertEqual(
            set(self.account_orders().mapped("amazon_order_ref")),
            {p["orderId"] for p in payloads},
        )
        self.assertGreater(self.account.orders_high_water_mark, self.mark)

    # ------------------------------------------------------------------ jobs

    def test_two_windows_of_an_account_never_run_at_once(self):
        self.backlog(2)
        calls = self.simulator.state.count_calls("searchOrders")
        first = self.account._import_orders()  # really queued, not run
        self.assertIn("queued", first)
        window = self.window()
        self.assertTrue(window.job_uuid)
        job = self.env["queue.job"].search([("uuid", "=", window.job_uuid)])
        self.assertEqual(job.state, "pending")
        second = self.account._import_orders()
        self.assertIn("already running", second)
        self.assertEqual(self.window(), window)
        self.assertEqual(
            self.env["queue.job"].search_count(
                [("method_name", "=", "_import_page"), ("state", "=", "pending")]
            ),
            1,
        )
        self.assertEqual(self.simulator.state.count_calls("searchOrders"), calls)

    def test_a_page_job_run_twice_reads_its_page_once(self):
        self.backlog(3)
        with self.page_size(1), self.watch_pages(), run_jobs() as run:
            self.account._import_orders()
        first_page = next(
            j for j, _r in run.performed if j.method_name == "_import_page"
        )
        # Run again (a worker died after the commit, say): nothing read, no order.
        again = first_page.perform()
        self.assertIn("Nothing to do", again)
        self.assertEqual(len(self.served), 3)
        self.assertEqual(len(self.account_orders()), 3)

    def test_the_sweeps_page_job_run_again_after_the_phase_moved_does_nothing(self):
        self.account.orders_high_water_mark = False
        self.backlog(2)
        with self.page_size(1), self.watch_pages(), trap_jobs() as trap:
            self.account._import_orders()
            (sweep,) = trap.enqueued_jobs
            trap.enqueued_jobs.clear()
            self.assertEqual(sweep.args, (False, "sweep"))
            sweep.perform()
            self.assertEqual(self.window().phase, "updates")
            self.assertFalse(self.window().page_token)
            served = len(self.served)
            # Same token (none), other phase: a duplicate run must not read the
            # first page of the changes in the updates job's place.
            self.assertIn("already imported", sweep.perform())
            self.assertEqual(len(self.served), served, "no page read again")
            self.assertEqual(self.window().pages_read, 1)

    def test_first_import_sweeps_then_reads_the_changes(self):
        self.account.orders_high_water_mark = False
        self.backlog(2)
        with self.page_size(1), self.watch_pages():
            self.import_orders()
        # sweep: one page (nothing Unshipped before the start), updates: two pages
        self.assertEqual(len(self.served), 3)
        self.assertEqual(len(self.account_orders()), 2)
        self.assertTrue(self.account.orders_high_water_mark)

    # ------------------------------------------------------------------ dates

    def new_account(self, import_orders_from):
        return self.simulator_account(
            "Just created",
            "eu",
            self.marketplace_de,
            seller_id="A1JUSTCREATED",
            import_orders_from=import_orders_from,
        )

    def test_account_created_now_imports_at_once_within_amazons_two_minutes(self):
        """Amazon refuses a "before" later than now - 2 min (the simulator too):
        an admin who creates an account and clicks Import Orders Now gets no
        error, whatever the account's start moment."""
        account = self.new_account(fields.Datetime.now())
        recent = f.order(
            [f.item("SKU-A")], created=minutes_ago(1), updated=minutes_ago(1)
        )
        self.publish(recent)
        with self.watch_pages():
            result = self.import_orders(account)
        self.assertIn("Imported", result)
        self.assertFalse(account.last_error)
        self.assertTrue(account.orders_high_water_mark)
        self.assertLessEqual(
            account.orders_high_water_mark, fields.Datetime.now() - timedelta(minutes=2)
        )
        self.assertFalse(self.sale_order(recent, account), "Amazon hides it 2 min")

    def test_import_start_in_the_future_asks_amazon_nothing_it_would_refuse(self):
        account = self.new_account(fields.Datetime.now() + timedelta(days=3))
        with self.watch_pages():
            result = self.import_orders(account)
        self.assertIn("Imported", result)
        self.assertFalse(account.last_error)
        # The sweep of orders Unshipped at the start (clamped to now - 2 min) only.
        self.assertEqual(len(self.served), 1)


@tagged("post_install", "-at_install")
class TestJobsOfUnusableAccounts(AmazonOrderCommon):
    """A job queued before the database was copied (or the account archived or
    disconnected) does nothing and says why."""

    def queued_page_job(self):
        self.account.orders_high_water_mark = fields.Datetime.now() - timedelta(days=1)
        self.publish(f.order([f.item("SKU-A")]))
        self.account._import_orders()
        window = self.env["amazon.import.window"].search(
            [("account_id", "=", self.account.id)]
        )
        return self.env["queue.job"].search([("uuid", "=", window.job_uuid)])

    def assert_job_does_nothing(self, job, reason):
        calls = self.simulator.state.count_calls()
        result = Job.load(self.env, job.uuid).perform()
        self.assertIn("Nothing done", result)
        self.assertIn(reason, result)
        self.assertEqual(self.simulator.state.count_calls(), calls, "no call")
        self.assertFalse(
            self.env["sale.order"].search([("amazon_account_id", "=", self.account.id)])
        )

    def test_neutralized_copy(self):
        job = self.queued_page_job()
        (query,) = get_neutralization_queries(["amazon_connector"])
        self.env.flush_all()
        self.env.cr.execute(query)
        self.env.invalidate_all()
        account = self.account.sudo().with_context(active_test=False)
        self.assertFalse(account.refresh_token)
        self.assertFalse(account.lwa_client_secret)
        self.assert_job_does_nothing(job, "archived")
        # The scheduled starter finds nothing to do either.
        self.assertIn("Nothing done", self.account._import_orders())

    def test_archived_account(self):
        job = self.queued_page_job()
        self.account.active = False
        self.assert_job_does_nothing(job, "archived")

    def test_credentials_removed(self):
        job = self.queued_page_job()
        self.account.sudo().refresh_token = False
        self.assert_job_does_nothing(job, "Refresh Token")

    def test_account_not_connected(self):
        job = self.queued_page_job()
        self.account.state = "draft"
        self.assert_job_does_nothing(job, "not connected")
