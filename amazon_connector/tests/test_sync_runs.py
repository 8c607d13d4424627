# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The last run of each synchronisation is kept per account (``amazon.sync.run``):
one row per account and kind, overwritten by each run, with its time, its result
and what it did. Each flow runs against the simulator, well and then badly."""

from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.queue_job.exception import RetryableJobError

from . import order_factory as factory
from .common_offers import LISTINGS_FEED, AmazonOfferCommon
from .common_orders import minutes_ago
from .common_settlements import AmazonSettlementCommon
from .job_runner import run_jobs, trap_jobs

FULFILLMENT = "POST_ORDER_FULFILLMENT_DATA"


@tagged("post_install", "-at_install")
class TestSyncRuns(AmazonOfferCommon, AmazonSettlementCommon):
    """Every flow of the connector in one class (one simulator): orders,
    shipments, stock and prices, settlements."""

    def setUp(self):
        super().setUp()
        self.record_sleeps()
        self.started = fields.Datetime.now()

    def last_run(self, kind, account=None):
        """The account's one row of ``kind``, checked to have ended during the
        test."""
        account = account or self.account
        runs = self.env["amazon.sync.run"].search(
            [("account_id", "=", account.id), ("kind", "=", kind)]
        )
        self.assertEqual(len(runs), 1, f"one {kind} row per account")
        self.assertTrue(self.started <= runs.date <= fields.Datetime.now())
        self.assertIn(runs, account.sync_run_ids)
        return runs

    def assertRun(self, kind, state, summary, account=None):
        run = self.last_run(kind, account)
        self.assertEqual((run.state, run.summary), (state, summary))
        return run

    def assertNoRun(self, kind, account=None):
        self.assertFalse(
            self.env["amazon.sync.run"].search(
                [
                    ("account_id", "=", (account or self.account).id),
                    ("kind", "=", kind),
                ]
            )
        )

    def orders(self, count, sku="SKU-A"):
        return [
            factory.order(
                [factory.item(sku)],
                created=minutes_ago(60 - index),
                updated=minutes_ago(50 - index),
            )
            for index in range(count)
        ]

    # ------------------------------------------------------------------ model

    def test_one_row_per_account_and_kind(self):
        self.account._amazon_record_run("stock", "3 quantity(ies) sent to Amazon")
        first = self.assertRun("stock", "ok", "3 quantity(ies) sent to Amazon")
        self.assertEqual(first.company_id, self.account.company_id)
        self.account._amazon_record_run("stock", "Boom", failed=True)
        self.assertEqual(self.assertRun("stock", "failed", "Boom"), first)
        self.account._amazon_record_run("prices", "1 price(s) sent to Amazon")
        self.assertEqual(len(self.account.sync_run_ids), 2)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["amazon.sync.run"].create(
                {
                    "account_id": self.account.id,
                    "kind": "stock",
                    "date": fields.Datetime.now(),
                    "state": "ok",
                }
            )
        # Several accounts at once, each its own row.
        other = self.simulator_account("Other", "na", self.marketplace_us)
        (self.account | other)._amazon_record_run("orders", "No new or changed order")
        self.assertRun("orders", "ok", "No new or changed order")
        self.assertRun("orders", "ok", "No new or changed order", account=other)
        # The account gone, its runs go.
        other.unlink()
        self.assertEqual(self.env["amazon.sync.run"].search_count([]), 3)

    def test_amazon_users_read_their_companys_runs_and_never_write(self):
        self.account._amazon_record_run("orders", "2 order(s) imported")
        other = self.env["amazon.account"].create(
            {
                "name": "Elsewhere",
                "seller_id": "A1ELSEWHERE",
                "region": "eu",
                "company_id": self.env["res.company"].create({"name": "Other Co"}).id,
            }
        )
        other._amazon_record_run("orders", "Theirs")
        Runs = self.env["amazon.sync.run"].with_user(self.salesman)
        run = Runs.search([])
        self.assertEqual(run.account_id, self.account, "the other company's hidden")
        self.assertEqual(run.summary, "2 order(s) imported")
        self.assertEqual(
            self.account.with_user(self.salesman).sync_run_ids.mapped("summary"),
            ["2 order(s) imported"],
        )
        with self.assertRaises(AccessError):
            run.write({"summary": "Forged"})
        with self.assertRaises(AccessError):
            Runs.create(
                {
                    "account_id": self.account.id,
                    "kind": "stock",
                    "date": fields.Datetime.now(),
                    "state": "ok",
                }
            )
        with self.assertRaises(AccessError):
            self.env["amazon.sync.run"].with_user(self.amazon_admin).browse(
                run.id
            ).unlink()

    # ------------------------------------------------------------------ orders

    def test_orders_import_counts_what_it_did(self):
        self.account.orders_high_water_mark = fields.Datetime.now() - timedelta(days=1)
        first, second, broken = self.orders(3)
        broken["orderItems"][0]["quantityOrdered"] = -2
        self.publish(first, second, broken)
        self.import_orders()
        run = self.assertRun("orders", "failed", "2 order(s) imported, 1 failed")
        self.assertEqual(self.import_record(broken).state, "failed")
        # The next run overwrites the row: one order changed, one new.
        fresh = factory.order(
            [factory.item("SKU-B")], created=minutes_ago(4), updated=minutes_ago(3)
        )
        self.publish(
            factory.with_status(first, "UNSHIPPED", updated=minutes_ago(3)), fresh
        )
        self.import_orders()
        self.assertEqual(
            self.assertRun("orders", "ok", "1 order(s) imported, 1 updated"), run
        )
        # Nothing new: said so.
        self.import_orders()
        self.assertRun("orders", "ok", "No new or changed order")

    def test_orders_import_stopped_by_an_error_is_a_failed_run(self):
        self.account.orders_high_water_mark = fields.Datetime.now() - timedelta(days=1)
        self.publish(*self.orders(3))
        state = self.simulator.state

        def break_next_page(params, _answer):
            if "paginationToken" not in params:
                state.inject_fault("searchOrders", "malformed_json")

        with self.page_size(2), self.intercept_pages(break_next_page):
            self.import_orders()
        run = self.last_run("orders")
        self.assertEqual(run.state, "failed")
        self.assertTrue(
            run.summary.startswith("2 order(s) imported; stopped: "), run.summary
        )
        self.assertIn(self.account.last_error, run.summary)
        # A window stopped on its first page: the error alone.
        state.inject_fault("searchOrders", "malformed_json")
        self.import_orders()
        self.assertRun("orders", "failed", f"Import stopped: {self.account.last_error}")

    # ------------------------------------------------------------------ shipments

    def test_shipment_confirmed_then_refused(self):
        _payload, order = self.amazon_order()
        picking = self.delivery(order)
        self.ship(picking, tracking="RUN1")
        self.assertEqual(picking.amazon_sync_state, "confirmed")
        run = self.assertRun(
            "shipments", "ok", f"Delivery {picking.name} confirmed to Amazon"
        )
        payload, order = self.amazon_order()
        picking = self.delivery(order)
        self.simulator.state.advance(payload["orderId"], "CANCELLED")
        self.ship(picking, tracking="RUN2")
        self.assertEqual(picking.amazon_sync_state, "error")
        self.assertEqual(
            self.assertRun(
                "shipments",
                "failed",
                f"Amazon refused delivery {picking.name}: {picking.amazon_sync_error}",
            ),
            run,
        )

    def test_shipment_that_cannot_be_sent_is_a_failed_run(self):
        _payload, order = self.amazon_order()
        picking = self.delivery(order)
        self.ship(picking, carrier=False, tracking="RUN3")
        self.assertIn("no carrier", picking.amazon_sync_error)
        self.assertRun(
            "shipments",
            "failed",
            f"Delivery {picking.name} not confirmed to Amazon: "
            f"{picking.amazon_sync_error}",
        )

    def test_fulfillment_feed_counts_confirmed_and_refused(self):
        orders = [self.amazon_order() for _i in range(3)]
        pickings = [self.delivery(order) for _p, order in orders]
        with run_jobs(retry=True):
            for picking in pickings[:2]:
                self.validate(picking, carrier=self.courier)
        self.assertEqual([p.amazon_sync_route for p in pickings[:2]], ["feed", "feed"])
        run = self.assertRun(
            "shipments", "ok", "Fulfillment feed: 2 delivery(ies) confirmed, 0 refused"
        )
        self.simulator.state.advance(orders[2][0]["orderId"], "CANCELLED")
        self.ship(pickings[2], carrier=self.courier)
        self.assertEqual(pickings[2].amazon_sync_state, "error")
        self.assertEqual(
            self.assertRun(
                "shipments",
                "failed",
                "Fulfillment feed: 0 delivery(ies) confirmed, 1 refused",
            ),
            run,
        )

    def test_delivery_the_feed_cannot_send_is_a_failed_run(self):
        _payload, order = self.amazon_order()
        picking = self.delivery(order)
        with trap_jobs():
            self.validate(picking, carrier=self.courier)
        # Routed to the feed, then its carrier removed before the feed left.
        picking.write({"amazon_sync_route": "feed", "carrier_id": False})
        self.assertEqual(
            self.env["stock.picking"]._amazon_send_fulfillment_feed(self.account),
            "Nothing to send.",
        )
        self.assertEqual(picking.amazon_sync_state, "error")
        self.assertRun(
            "shipments",
            "failed",
            f"Fulfillment feed: 1 delivery(ies) not sendable ({picking.name}: "
            f"{picking.amazon_sync_error})",
        )

    def test_fatal_fulfillment_feed_is_a_failed_run(self):
        _payload, order = self.amazon_order()
        picking = self.delivery(order)
        self.simulator.state.inject_fault("createFeed", "fatal", feed_type=FULFILLMENT)
        self.ship(picking, carrier=self.courier)
        run = self.last_run("shipments")
        self.assertEqual(run.state, "failed")
        self.assertEqual(run.summary, picking.amazon_sync_error)
        self.assertIn("FATAL", run.summary)
        self.assertTrue(run.summary.startswith("Fulfillment feed "))

    # ------------------------------------------------------------------ offers

    def test_stock_and_prices_recorded_apart_with_amazons_verdict(self):
        lamp = self.offer(self.storable("RUN-1", 12), sync_price=False)
        mug = self.offer(self.storable("RUN-2", 4), price=9.9)
        self.export()
        self.assertRun("stock", "ok", "2 quantity(ies) sent to Amazon")
        prices = self.assertRun("prices", "ok", "1 price(s) sent to Amazon")
        # Amazon refuses one of the two quantities: the stock row is overwritten,
        # the prices row stays (this export sent no price).
        self.simulator.state.reject_sku(mug.sku, code="90220", message="Refused.")
        self.put(lamp.product_id, 1)
        self.put(mug.product_id, 1)
        self.export(price=False)
        self.assertEqual(mug.state, "error")
        self.assertRun("stock", "failed", "Amazon refused 1 of 2 quantity(ies)")
        self.assertEqual(self.last_run("prices"), prices)
        self.assertEqual(prices.summary, "1 price(s) sent to Amazon")

    def test_refused_message_fails_both_kinds_it_carried(self):
        offer = self.offer(self.storable("RUN-3", 5), price=20.0)
        self.export()
        stock = self.assertRun("stock", "ok", "1 quantity(ies) sent to Amazon")
        prices = self.assertRun("prices", "ok", "1 price(s) sent to Amazon")
        self.simulator.state.reject_sku(offer.sku, code="8541", message="No.")
        offer.price = 21.0
        self.put(offer.product_id, 1)
        self.export()
        self.assertEqual(
            self.assertRun("stock", "failed", "Amazon refused 1 of 1 quantity(ies)"),
            stock,
        )
        self.assertEqual(
            self.assertRun("prices", "failed", "Amazon refused 1 of 1 price(s)"),
            prices,
        )

    def test_fatal_listings_feed_is_a_failed_run_of_what_it_carried(self):
        offer = self.offer(self.storable("RUN-4", 8), sync_price=False)
        self.simulator.state.inject_fault(
            "createFeed", "fatal", feed_type=LISTINGS_FEED
        )
        self.export(price=False)
        self.assertEqual(offer.state, "pending")
        run = self.last_run("stock")
        self.assertEqual((run.state, run.summary), ("failed", offer.error))
        self.assertIn("FATAL", run.summary)
        self.assertNoRun("prices")

    def test_offer_without_product_type_is_a_failed_stock_run(self):
        self.offer(self.storable("RUN-5", 8), product_type=False, sync_price=False)
        self.export(price=False)
        self.assertRun(
            "stock", "failed", "1 offer(s) not sent: no product type (RUN-5)"
        )
        self.assertNoRun("prices")

    def test_sold_out_sent_at_once_is_a_stock_run(self):
        offer = self.offer(self.storable("RUN-6", 2), sync_price=False)
        self.export(price=False)
        self.put(offer.product_id, -2)
        with run_jobs(retry=True):
            offer._amazon_send_sold_out()
        self.assertRun("stock", "ok", "RUN-6 sold out: Amazon told")
        self.put(offer.product_id, 3)
        self.export(price=False)
        self.simulator.state.reject_sku(offer.sku, code="90220", message="Refused.")
        self.put(offer.product_id, -3)
        with run_jobs(retry=True):
            offer._amazon_send_sold_out()
        self.assertEqual(offer.state, "error")
        self.assertRun(
            "stock",
            "failed",
            f"Amazon refused the quantity 0 of RUN-6: {offer.error}",
        )

    # ------------------------------------------------------------------ settlements

    def test_settlement_fetch_and_import(self):
        payload, _order = self.shipped_order()
        published = self.publish_settlement(payload)
        with run_jobs(retry=True) as run:
            self.env["amazon.settlement"]._amazon_fetch(self.account)
            # The listing itself, before its import jobs run.
            self.assertRun("settlements", "ok", "1 new settlement report(s)")
        self.assertEqual(run.methods(), ["_amazon_download"])
        row = self.assertRun(
            "settlements",
            "ok",
            f"Settlement {published.settlement_id} imported and booked",
        )
        self.fetch()
        self.assertEqual(
            self.assertRun("settlements", "ok", "No new settlement report"), row
        )

    def test_settlement_kept_in_error_or_not_booked_is_a_failed_run(self):
        payload, _order = self.shipped_order()
        published = self.publish_settlement(payload, unbalanced=True)
        self.fetch()
        settlement = self.settlement(published.settlement_id)
        self.assertEqual(settlement.state, "error")
        self.assertRun(
            "settlements",
            "failed",
            f"Settlement {published.settlement_id} kept in error: "
            f"{settlement.problems.splitlines()[0]}",
        )
        # Booking refused (a journal in another currency): imported, not booked.
        usd = self.env.ref("base.USD")
        usd.active = True
        self.account.settlement_journal_id = self.env["account.journal"].create(
            {
                "name": "Amazon USD",
                "code": "AMZU",
                "type": "general",
                "currency_id": usd.id,
            }
        )
        payload, _order = self.shipped_order(tracking="S2")
        published = self.publish_settlement(payload)
        self.fetch()
        settlement = self.settlement(published.settlement_id)
        self.assertTrue(settlement.last_error)
        self.assertRun(
            "settlements",
            "failed",
            f"Settlement {published.settlement_id} imported, not booked: "
            f"{settlement.last_error}",
        )

    def test_settlement_refusals_are_failed_runs(self):
        self.simulator.state.inject_fault("getReports", "malformed_json")
        self.fetch()
        run = self.last_run("settlements")
        self.assertEqual(run.state, "failed")
        self.assertTrue(
            run.summary.startswith("Amazon refused to list the settlement reports: ")
        )
        # A settlement of a marketplace the account does not sell on.
        payload = factory.order(
            [factory.item("SKU-A")],
            marketplace="US",
            updated=minutes_ago(9),
        )
        self.publish(payload)
        published = self.publish_settlement(payload, marketplace="US")
        self.fetch()
        self.assertFalse(self.settlement(published.settlement_id))
        run = self.last_run("settlements")
        self.assertEqual(run.state, "failed")
        self.assertRegex(
            run.summary,
            r"^Settlement report \S+ not imported: Settlement "
            rf"{published.settlement_id} is in USD, but no marketplace of the "
            rf"Amazon account {self.account.name} is",
        )

    def test_jobs_that_raise_record_nothing(self):
        """Throttled to the end of its attempts, the job raises to be retried:
        queue_job shows it, no run is recorded."""
        self.simulator.state.inject_fault("getReports", "429", count=50)
        with self.assertRaises(RetryableJobError):
            self.env["amazon.settlement"]._amazon_fetch(self.account)
        self.assertNoRun("settlements")
