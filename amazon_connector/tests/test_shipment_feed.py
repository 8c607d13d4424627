# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Untracked shipments and backlogs go to Amazon in one POST_ORDER_FULFILLMENT_DATA
feed; each message's result lands on its own delivery."""

from lxml import etree

from odoo.tests import tagged

from ..amazon.feed_schema import validate
from . import order_factory as factory
from .common_shipments import AmazonShipmentCommon
from .job_runner import run_jobs

FULFILLMENT = "POST_ORDER_FULFILLMENT_DATA"


@tagged("post_install", "-at_install")
class TestShipmentFeed(AmazonShipmentCommon):
    def fulfillment_feeds(self):
        return [
            f
            for f in self.simulator.state.feeds.values()
            if f["feedType"] == FULFILLMENT
        ]

    def orders_and_deliveries(self, count):
        orders = [self.amazon_order(factory.item("SKU-A", 1)) for _i in range(count)]
        return orders, [self.delivery(order) for _p, order in orders]

    def ship_all(self, pickings, **options):
        with run_jobs(retry=True) as run:
            for picking in pickings:
                self.validate(picking, **options)
        self.run = run
        return run

    def test_untracked_shipment_goes_by_feed(self):
        payload, order = self.amazon_order(factory.item("SKU-A", 2))
        picking = self.delivery(order)
        self.ship(picking, carrier=self.courier)
        self.assertEqual(picking.amazon_sync_state, "confirmed")
        self.assertEqual(picking.amazon_sync_route, "feed")
        self.assertFalse(
            self.confirmations(payload), "no confirmShipment without tracking"
        )
        [feed] = self.fulfillment_feeds()
        self.assertTrue(validate(feed["content"]).valid)
        root = etree.fromstring(feed["content"])
        self.assertEqual(
            root.findtext("Header/MerchantIdentifier"), self.account.seller_id
        )
        fulfillment = root.find("Message/OrderFulfillment")
        self.assertEqual(fulfillment.findtext("AmazonOrderID"), payload["orderId"])
        self.assertEqual(
            fulfillment.findtext("FulfillmentData/CarrierName"), "Kurier Schmidt"
        )
        self.assertIsNone(fulfillment.find("FulfillmentData/ShipperTrackingNumber"))
        self.assertEqual(fulfillment.findtext("Item/Quantity"), "2")
        self.assertEqual(
            fulfillment.findtext("Item/AmazonOrderItemCode"),
            payload["orderItems"][0]["orderItemId"],
        )
        self.assertEqual(self.sim_status(payload), "SHIPPED")
        record = picking.amazon_feed_id
        self.assertEqual((record.state, record.feed_type), ("done", FULFILLMENT))

    def test_backlog_above_the_threshold_goes_in_one_feed(self):
        self.account.fulfillment_feed_threshold = 2
        orders, pickings = self.orders_and_deliveries(4)
        calls = self.simulator.state.count_calls()
        with run_jobs(retry=True):
            for picking in pickings:
                picking.carrier_id = self.dhl
                picking.carrier_tracking_ref = f"BL{picking.id}"
                self.validate(picking)
        self.assertEqual({p.amazon_sync_state for p in pickings}, {"confirmed"})
        self.assertEqual({p.amazon_sync_route for p in pickings}, {"feed"})
        self.assertEqual(len(self.fulfillment_feeds()), 1, "one feed for the backlog")
        self.assertTrue(validate(self.fulfillment_feeds()[0]["content"]).valid)
        self.assertFalse(self.confirmations())
        self.assertLess(self.simulator.state.count_calls() - calls, 10)
        for payload, _order in orders:
            self.assertEqual(self.sim_status(payload), "SHIPPED")

    def test_one_message_refused_only_that_delivery_in_error(self):
        orders, pickings = self.orders_and_deliveries(3)
        canceled = orders[1][0]
        self.simulator.state.advance(canceled["orderId"], "CANCELLED")
        self.ship_all(pickings, carrier=self.courier)
        self.assertEqual(len(self.fulfillment_feeds()), 1)
        self.assertEqual(
            [p.amazon_sync_state for p in pickings], ["confirmed", "error", "confirmed"]
        )
        self.assertTrue(pickings[1].amazon_sync_error)
        self.assertTrue(pickings[1].activity_ids)

    def test_a_message_amazons_schema_refuses_puts_only_its_delivery_in_error(self):
        # A carrier name longer than Amazon's 50 characters: the message does not
        # validate against Amazon's schema and Amazon refuses it (5001), alone.
        long_name = self.env["delivery.carrier"].create(
            {
                "name": "Kurier Schmidt Transporte und Logistik GmbH und Co. KG",
                "product_id": self.courier.product_id.id,
            }
        )
        orders, pickings = self.orders_and_deliveries(3)
        with run_jobs(retry=True):
            for picking, carrier in zip(
                pickings, (self.courier, long_name, self.courier), strict=True
            ):
                self.validate(picking, carrier=carrier)
        [feed] = self.fulfillment_feeds()
        validation = validate(feed["content"])
        self.assertFalse(validation.document)
        self.assertEqual(list(validation.messages), [2], "only the second message")
        self.assertEqual(
            [p.amazon_sync_state for p in pickings], ["confirmed", "error", "confirmed"]
        )
        error = pickings[1].amazon_sync_error
        self.assertIn("Amazon 5001: XML Parsing Error at Line 2: ", error)
        self.assertIn("'CarrierName': [facet 'maxLength']", error)
        self.assertTrue(pickings[1].activity_ids)
        self.assertEqual(
            [self.sim_status(payload) for payload, _order in orders],
            ["SHIPPED", "UNSHIPPED", "SHIPPED"],
        )

    def test_fatal_feed_puts_its_deliveries_in_error(self):
        _orders, pickings = self.orders_and_deliveries(2)
        self.simulator.state.inject_fault("createFeed", "fatal", feed_type=FULFILLMENT)
        self.ship_all(pickings, carrier=self.courier)
        for picking in pickings:
            self.assertEqual(picking.amazon_sync_state, "error")
            self.assertIn("FATAL", picking.amazon_sync_error)
        feeds = self.env["amazon.feed"].search([("account_id", "=", self.account.id)])
        self.assertEqual(feeds[:1].state, "failed")
        # Retry sends them again, in a new feed that Amazon accepts.
        with run_jobs(retry=True):
            for picking in pickings:
                picking.action_amazon_retry()
        self.assertEqual({p.amazon_sync_state for p in pickings}, {"confirmed"})

    def test_unclear_report_marks_nothing_and_sends_again_later(self):
        _orders, pickings = self.orders_and_deliveries(2)
        self.simulator.state.inject_fault(
            "createFeed", "unclear_report", feed_type=FULFILLMENT
        )
        self.ship_all(pickings, carrier=self.courier)
        self.assertEqual(
            len(self.fulfillment_feeds()), 2, "sent again after the unclear one"
        )
        self.assertEqual({p.amazon_sync_state for p in pickings}, {"confirmed"})
        self.assertTrue(
            any(delay > 800 for delay in self.run.delays),
            "the next feed waits a quarter of an hour",
        )
