# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The order import when Amazon misbehaves: broken pages, throttling, expired tokens,
revoked credentials, data Odoo cannot map, concurrent imports and repeated orders.

Amazon is the simulator over HTTP; the adapter's waits are recorded, not slept.
"""

import copy
import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import TransactionCase, tagged
from odoo.tests import common as odoo_tests_common
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

from odoo.addons.queue_job.exception import RetryableJobError

from ..amazon import sp_api_compat
from . import order_factory as f
from .common_orders import AmazonOrderCommon, minutes_ago
from .quota import QUOTA_CLOCK

# queue_job's test helpers register themselves in SETATTR_SOURCES, which Odoo 18
# snapshots older than the check it serves do not have; without the check an empty
# registry changes nothing.
if not hasattr(odoo_tests_common, "SETATTR_SOURCES"):
    odoo_tests_common.SETATTR_SOURCES = {}
from odoo.addons.queue_job.tests.common import trap_jobs


@tagged("post_install", "-at_install")
class TestOrderImportRobustness(AmazonOrderCommon):
    def setUp(self):
        super().setUp()
        # The adapter's backoff and Retry-After waits are recorded instead of slept.
        self.record_sleeps()
        self.mark = fields.Datetime.now() - timedelta(days=1)

    # ------------------------------------------------------------------ helpers

    def three_orders(self):
        """Three orders, in this order of lastUpdatedTime (the page order)."""
        return [
            f.order(
                [f.item("SKU-A")],
                created=minutes_ago(60 - index),
                updated=minutes_ago(50 - index),
            )
            for index in range(3)
        ]

    def account_orders(self):
        return self.env["sale.order"].search(
            [("amazon_account_id", "=", self.account.id)]
        )

    # ------------------------------------------------------------------ transport

    def test_malformed_page_imports_nothing_from_it_and_keeps_the_mark(self):
        self.account.orders_high_water_mark = self.mark
        first, second, third = self.three_orders()
        self.publish(first, second, third)
        state = self.simulator.state

        def break_next_page(params, answer):
            if "paginationToken" not in params:
                state.inject_fault("searchOrders", "malformed_json")

        with self.page_size(2), self.intercept_pages(break_next_page):
            result = self.import_orders()
        self.assertIn("Import stopped", result)
        # Each order of the good page is whole; nothing from the broken page.
        self.assertTrue(self.imported(first))
        self.assertTrue(self.imported(second))
        self.assertFalse(self.sale_order(third))
        self.assertFalse(self.import_record(third))
        self.assertEqual(self.account.orders_high_water_mark, self.mark)
        self.assertIn("searchOrders", self.account.last_error)
        self.assertIn("not valid JSON", self.account.last_error)
        # The next run reads the window again.
        self.import_orders()
        self.assertTrue(self.imported(third))
        self.assertEqual(len(self.account_orders()), 3)
        self.assertGreater(self.account.orders_high_water_mark, self.mark)
        self.assertFalse(self.account.last_error)

    def test_429_storm_is_retried_later_without_duplicates(self):
        self.account.orders_high_water_mark = self.mark
        first = f.order(
            [f.item("SKU-A")], created=minutes_ago(60), updated=minutes_ago(50)
        )
        self.publish(first)
        self.import_orders()
        order = self.imported(first)
        mark = self.account.orders_high_water_mark
        second = f.order(
            [f.item("SKU-B")], created=minutes_ago(6), updated=minutes_ago(5)
        )
        self.publish(second)
        self.simulator.state.reset_calls()
        self.simulator.state.inject_fault("searchOrders", "429", count=50)
        with self.assertRaises(RetryableJobError) as caught:
            self.import_orders()
        self.assertIn("searchOrders", str(caught.exception))
        # Under Amazon's quota a 429 means the next searchOrders is 3 minutes away
        # (0.0056 requests a second): the page job hands that wait to queue_job at
        # once, after one request; no worker sleeps on Amazon's quota.
        self.assertGreaterEqual(caught.exception.seconds, 1 / 0.0056)
        self.assertEqual(self.sleeps, [], "no worker sleeps on the quota")
        self.assertEqual(self.simulator.state.count_calls("searchOrders"), 1)
        self.assertEqual(self.sale_order(first), order)
        self.assertFalse(self.sale_order(second))
        self.assertEqual(self.account.orders_high_water_mark, mark)
        throttled = [
            row
            for row in self.committed_api_logs()
            if row["operation"] == "searchOrders" and row["is_error"]
        ]
        self.assertEqual(len(throttled), 1)
        self.assertEqual(throttled[0]["status"], 429)
        self.assertEqual(throttled[0]["error_code"], "QuotaExceeded")
        # Amazon calms down: queue_job runs the job again after its delay; it
        # imports the rest, once.
        self.simulator.state.clear_faults()
        QUOTA_CLOCK.advance(caught.exception.seconds)
        self.import_orders()
        self.assertTrue(self.imported(second))
        self.assertEqual(self.sale_order(first), order)
        self.assertEqual(len(self.account_orders()), 2)

    def test_token_refused_every_time_stops_the_window_and_keeps_the_mark(self):
        """Refused at every restart (here: tokens expire at once): after a few
        restarts the window stops; the next run, with working tokens, finishes."""
        self.account.orders_high_water_mark = self.mark
        orders = self.three_orders()
        self.publish(*orders)
        state = self.simulator.state
        self.patch(state, "pagination_token_ttl", timedelta(0))
        with self.page_size(2):
            result = self.import_orders()
        self.assertIn("Import stopped", result)
        self.assertIn("paginationToken", self.account.last_error)
        self.assertIn("searchOrders", self.account.last_error)
        self.assertEqual(len(self.account_orders()), 2, "the first page is imported")
        self.assertFalse(self.sale_order(orders[2]))
        self.assertEqual(self.account.orders_high_water_mark, self.mark)
        state.pagination_token_ttl = timedelta(hours=24)
        with self.page_size(2):
            self.import_orders()
        self.assertEqual(len(self.account_orders()), 3)
        self.assertTrue(self.imported(orders[2]))
        self.assertGreater(self.account.orders_high_water_mark, self.mark)

    def test_invalid_grant_puts_the_account_in_error(self):
        self.account.orders_high_water_mark = self.mark
        payload = f.order([f.item("SKU-A")])
        self.publish(payload)
        sp_api_compat.clear_token_cache()  # the next call asks LWA for a token
        self.simulator.state.inject_fault("token", "invalid_grant")
        self.import_orders()
        self.assertEqual(self.account.state, "error")
        self.assertIn("reconnect", self.account.last_error)
        self.assertIn("invalid_grant", self.account.last_error)
        self.assertNotIn(
            self.simulator.credentials["refresh_token"], self.account.last_error
        )
        self.assertFalse(self.sale_order(payload))
        self.assertEqual(self.account.orders_high_water_mark, self.mark)
        # Reconnected (the credentials work again): the next import clears it.
        self.import_orders()
        self.assertEqual(self.account.state, "connected")
        self.assertFalse(self.account.last_error)
        self.assertTrue(self.imported(payload))

    # ------------------------------------------------------------------ data

    def test_unknown_new_status_is_tolerated(self):
        payload = f.order(
            [f.item("SKU-A")], created=minutes_ago(60), updated=minutes_ago(50)
        )
        self.publish(payload)
        self.import_orders()
        order = self.imported(payload)
        # A status Amazon may add one day: not (yet) in the model's enum.
        self.publish(
            f.with_status(payload, "ON_HOLD", updated=minutes_ago(5)), validate=False
        )
        fresh = f.order(
            [f.item("SKU-B")],
            status="ON_HOLD",
            created=minutes_ago(6),
            updated=minutes_ago(5),
        )
        self.publish(fresh, validate=False)
        self.import_orders()
        self.assertEqual(self.sale_order(payload), order)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.amazon_status_raw.upper(), "ON_HOLD")
        self.assertFalse(order.amazon_status, "not a status the connector knows")
        self.assertEqual(order.amazon_last_action, "Amazon status: On hold")
        self.assertEqual(self.import_record(payload).state, "done")
        new_order = self.imported(fresh)
        self.assertEqual(new_order.amazon_status_raw.upper(), "ON_HOLD")
        self.assertEqual(self.import_record(fresh).state, "done")

    def test_unmappable_orders_fail_alone_naming_order_and_field(self):
        good = f.order([f.item("SKU-A")])
        negative = f.order([f.item("SKU-A", 2)])
        negative["orderItems"][0]["quantityOrdered"] = -2
        bad_money = f.order([f.item("SKU-A")])
        bad_money["orderItems"][0]["proceeds"]["proceedsTotal"]["amount"] = "1O.OO"
        not_iso = f.order([f.item("SKU-A")])
        not_iso["proceeds"]["grandTotal"]["currencyCode"] = "QQQ"
        # A real ISO currency (Caribbean guilder, 2025) Odoo 18 does not have.
        unknown_to_odoo = json.loads(
            json.dumps(f.order([f.item("SKU-A")])).replace('"EUR"', '"XCG"')
        )
        no_items = f.order([f.item("SKU-A")])
        no_items["orderItems"] = []
        expected = {
            negative["orderId"]: "quantityOrdered",
            bad_money["orderId"]: "proceedsTotal",
            not_iso["orderId"]: "QQQ",
            unknown_to_odoo["orderId"]: "XCG",
            no_items["orderId"]: "orderItems",
        }
        self.publish(good, negative, bad_money, not_iso, unknown_to_odoo, no_items)
        self.import_orders()
        self.assertTrue(self.imported(good))
        for payload in (negative, bad_money, not_iso, unknown_to_odoo, no_items):
            order_id = payload["orderId"]
            with self.subTest(order=order_id):
                record = self.import_record(payload)
                self.assertEqual(record.state, "failed")
                self.assertIn(order_id, record.error)
                self.assertIn(expected[order_id], record.error)
                self.assertFalse(self.sale_order(payload))
        self.assertEqual(self.account.failed_import_count, 5)
        self.assertTrue(self.account.orders_high_water_mark)
        self.assertFalse(self.account.last_error)

    def test_retry_after_the_data_is_fixed_imports_the_order(self):
        payload = f.order([f.item("SKU-A", 2)])
        broken = copy.deepcopy(payload)
        broken["orderItems"][0]["quantityOrdered"] = -2
        self.publish(broken)
        self.import_orders()
        record = self.import_record(payload)
        self.assertEqual((record.state, record.attempts), ("failed", 1))
        as_manager = record.with_user(self.amazon_admin)
        # Still broken: the Retry says so, keeps why and counts the attempt.
        action = as_manager.action_retry()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("1 still failing", action["params"]["message"])
        self.assertEqual((record.state, record.attempts), ("failed", 2))
        self.assertIn("quantityOrdered", record.error)
        self.publish(payload)  # fixed at Amazon
        action = as_manager.action_retry()
        self.assertEqual(action["params"]["type"], "success")
        order = self.imported(payload)
        self.assertEqual(record.state, "done")
        self.assertEqual(record.sale_order_id, order)
        self.assertFalse(record.error)
        self.assertEqual(order.order_line.product_uom_qty, 2)
        self.assertEqual(self.account.failed_import_count, 0)
        self.assertTrue(
            any(c["operation"] == "getOrder" for c in self.simulator.state.calls)
        )

    # ------------------------------------------------------------------ by number

    def test_import_one_order_by_number_ignores_the_start(self):
        old = f.order(
            [f.item("SKU-A")],
            status="SHIPPED",
            created=minutes_ago(60 * 24 * 40),
            updated=minutes_ago(60 * 24 * 39),
        )
        self.publish(old)
        self.import_orders()
        self.assertFalse(self.sale_order(old), "before the account's import start")
        wizard = (
            self.env["amazon.order.fetch.wizard"]
            .with_user(self.salesman)
            .create(
                {
                    "account_id": self.account.id,
                    "amazon_order_ref": f" {old['orderId']} ",
                }
            )
        )
        action = wizard.action_fetch()
        order = self.imported(old)
        self.assertEqual(action["res_model"], "sale.order")
        self.assertEqual(action["res_id"], order.id)
        self.assertEqual(order.client_order_ref, old["orderId"])

    def test_import_one_unknown_order_number_says_so(self):
        wizard = self.env["amazon.order.fetch.wizard"].create(
            {"account_id": self.account.id, "amazon_order_ref": "999-0000000-0000000"}
        )
        with self.assertRaises(UserError) as caught:
            wizard.action_fetch()
        message = str(caught.exception)
        self.assertIn("999-0000000-0000000", message)
        self.assertIn("not found", message)
        self.assertFalse(
            self.env["sale.order"].search(
                [("amazon_order_ref", "=", "999-0000000-0000000")]
            )
        )

    # ------------------------------------------------------------------ scheduling

    def test_cron_follows_the_settings_toggle(self):
        Account = self.env["amazon.account"]
        second = self.simulator_account(
            "Test NA", "na", self.env.ref("amazon_connector.marketplace_us")
        )
        self.simulator_account(
            "Test FE",
            "fe",
            self.env.ref("amazon_connector.marketplace_jp"),
            state="draft",
        )
        self.simulator_account(
            "Archived",
            "eu",
            self.marketplace_de,
            seller_id="A1ARCHIVED",
            active=False,
        )
        self.assertEqual(len(Account.with_context(active_test=False).search([])), 4)
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("amazon_connector.enabled", False)
        with trap_jobs() as trap:
            Account._cron_import_orders()
            trap.assert_jobs_count(0)
        params.set_param("amazon_connector.enabled", True)
        with trap_jobs() as trap:
            Account._cron_import_orders()
            trap.assert_jobs_count(2)
            trap.assert_enqueued_job(self.account._import_orders)
            trap.assert_enqueued_job(second._import_orders)

    def test_import_writes_api_log_rows(self):
        self.publish(f.order([f.item("SKU-A")]))
        self.import_orders()
        rows = [
            row
            for row in self.committed_api_logs()
            if row["operation"] == "searchOrders"
        ]
        # No high-water mark yet: the sweep of Unshipped orders, then the window.
        self.assertEqual(len(rows), 2)
        for row in rows:
            self.assertEqual(row["status"], 200)
            self.assertFalse(row["is_error"])
            self.assertTrue(row["request_id"])

    # ------------------------------------------------------------------ repeats

    def test_same_order_in_two_pages_is_one_sale_order(self):
        self.account.orders_high_water_mark = self.mark
        first, second, third = self.three_orders()
        self.publish(first, second, third)
        shipped = f.with_status(first, "SHIPPED", updated=minutes_ago(30), shipped=1)

        def repeat(params, answer):
            if "paginationToken" in params:
                # Amazon shows the first order again, changed meanwhile.
                answer["orders"].append(copy.deepcopy(shipped))
            else:
                # ... and twice in the same page.
                answer["orders"].append(copy.deepcopy(first))

        with self.page_size(2), self.intercept_pages(repeat):
            self.import_orders()
        self.assertEqual(len(self.account_orders()), 3)
        order = self.imported(first)
        self.assertEqual(order.amazon_status, "shipped")
        self.assertEqual(len(order.order_line), 1)
        self.assertEqual(len(self.import_record(first)), 1)

    def test_overlapping_windows_update_without_duplicating(self):
        payload = f.order(
            [f.item("SKU-A", 2)], created=minutes_ago(30), updated=minutes_ago(20)
        )
        self.publish(payload)
        self.import_orders()
        order = self.imported(payload)
        mark = self.account.orders_high_water_mark
        # A change Amazon indexed late: older than the mark, within the overlap.
        late = f.with_status(
            payload, "PARTIALLY_SHIPPED", updated=minutes_ago(7), shipped=1
        )
        self.assertLess(minutes_ago(7).replace(tzinfo=None), mark)
        self.publish(late)
        self.import_orders()
        self.import_orders()
        self.assertEqual(self.sale_order(payload), order)
        self.assertEqual(order.amazon_status, "partially_shipped")
        self.assertEqual(order.amazon_items_shipped, 1)
        self.assertEqual(len(order.picking_ids), 1)
        self.assertEqual(len(self.account_orders()), 1)


@tagged("post_install", "-at_install")
class TestImportLock(TransactionCase):
    """Two imports of one account: the second waits for a retry.

    Another cursor only sees committed rows, and the test transaction is never
    committed: the account locked here is a bare row committed by a side cursor
    before the test transaction starts, and deleted after it ends.
    """

    @classmethod
    def setUpClass(cls):
        registry = Registry(get_db_name())
        with registry.cursor() as cr:
            cr.execute(
                """
                INSERT INTO amazon_account (name, seller_id, region, company_id,
                    customer_creation, state, import_orders_from, active, sequence,
                    lwa_client_id, lwa_client_secret, refresh_token, invoice_policy,
                    fulfillment_feed_threshold)
                SELECT 'Lock test', 'A1LOCKTEST', 'eu', id, 'create', 'connected',
                    now() AT TIME ZONE 'UTC', true, 10, 'client', 'secret', 'token',
                    'shipped', 50
                  FROM res_company ORDER BY id LIMIT 1
                RETURNING id
                """
            )
            cls.account_id = cr.fetchone()[0]

        def delete_account():
            with registry.cursor() as cr:
                cr.execute("DELETE FROM amazon_account WHERE id = %s", [cls.account_id])

        cls.addClassCleanup(delete_account)  # runs after the test cursor closed
        super().setUpClass()

    def test_second_import_of_a_locked_account_is_retried_later(self):
        account = self.env["amazon.account"].browse(self.account_id)
        self.assertTrue(account.exists())
        with self.registry.cursor() as other:
            other.execute(
                "SELECT id FROM amazon_account WHERE id = %s FOR UPDATE",
                [self.account_id],
            )
            # The account has no marketplace: the lock is checked before anything.
            with (
                self.assertRaises(RetryableJobError) as caught,
                mute_logger("odoo.sql_db"),
            ):
                account._import_orders()
            self.assertGreater(caught.exception.seconds, 0)
            self.assertIn("Another import", str(caught.exception))
            other.rollback()
        # The other import ended: this one takes the lock at once.
        account._lock_for_import()
        with self.assertRaisesRegex(UserError, "has no marketplace"):
            account._import_orders()
