# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""A delivery's packages told to Amazon are records (amazon.shipment.package):
what was sent of each, and what Amazon answered, listed on the delivery."""

from odoo.tests import Form, tagged

from . import order_factory as factory
from .common_shipments import AmazonShipmentCommon
from .job_runner import run_jobs


@tagged("post_install", "-at_install")
class TestShipmentPackages(AmazonShipmentCommon):
    def test_each_package_sent_is_a_record_with_what_amazon_was_told(self):
        payload, order = self.amazon_order(
            factory.item("SKU-A", 3), factory.item("SKU-B", 1)
        )
        picking = self.delivery(order)
        a, b = self.product_a, self.product_b
        self.ship(picking, tracking="jd0001, jd0002", packages=[{a: 2}, {a: 1, b: 1}])
        sent = {
            body["packageDetail"]["packageReferenceId"]: body["packageDetail"]
            for body in self.confirmations(payload)
        }
        packages = picking.amazon_package_ids
        self.assertEqual(packages.mapped("reference"), [1, 2])
        self.assertEqual(packages.mapped("state"), ["confirmed", "confirmed"])
        for package in packages:
            detail = sent[str(package.reference)]
            self.assertEqual(package.tracking_number, detail["trackingNumber"])
            self.assertEqual(
                (package.carrier_code, package.shipping_method),
                (detail["carrierCode"], detail["shippingMethod"]),
            )
            self.assertEqual(
                sorted((i.amazon_order_item_id, i.quantity) for i in package.item_ids),
                sorted((i["orderItemId"], i["quantity"]) for i in detail["orderItems"]),
            )
        lamp = order.order_line.filtered(lambda line: line.product_id == a)
        self.assertEqual(packages[0].item_ids.sale_line_id, lamp)
        self.assertIn("2 x SKU-A", packages[0].items_text)
        # Shown on the delivery's Amazon tab.
        with Form(picking) as form:
            self.assertEqual(len(form.amazon_package_ids), 2)

    def test_a_refused_package_keeps_amazons_answer(self):
        payload, order = self.amazon_order()
        picking = self.delivery(order)
        self.simulator.state.advance(payload["orderId"], "CANCELLED")
        self.ship(picking, tracking="LATE1")
        self.assertEqual(picking.amazon_sync_state, "error")
        [package] = picking.amazon_package_ids
        self.assertEqual(package.state, "refused")
        self.assertEqual(package.error, picking.amazon_sync_error)

    def test_a_package_sent_by_feed_names_its_feed(self):
        _payload, order = self.amazon_order()
        picking = self.delivery(order)
        self.ship(picking, carrier=self.courier)
        [package] = picking.amazon_package_ids
        self.assertEqual(package.state, "confirmed")
        self.assertEqual(package.feed_id, picking.amazon_feed_id)
        self.assertEqual(package.carrier_name, "Kurier Schmidt")
        self.assertFalse(package.tracking_number)

    def test_a_package_not_sendable_stays_to_send_and_is_sent_on_retry(self):
        payload, order = self.amazon_order()
        picking = self.delivery(order)
        self.ship(picking, carrier=False, tracking="123")
        self.assertEqual(picking.amazon_package_ids.mapped("state"), ["to_send"])
        picking.carrier_id = self.dhl
        with run_jobs(retry=True):
            picking.action_amazon_retry()
        [package] = picking.amazon_package_ids
        self.assertEqual((package.reference, package.state), (1, "confirmed"))
        self.assertEqual(len(self.confirmations(payload)), 1)
