# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""A kit (phantom bill of materials) is one Amazon item: it is confirmed when all
its components have left, in one delivery or across a backorder."""

from odoo.tests import tagged

from . import order_factory as factory
from .common_shipments import AmazonShipmentCommon


@tagged("post_install", "-at_install")
class TestShipmentKits(AmazonShipmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "mrp.bom" not in cls.env:
            cls.skipTest(cls, "kits need mrp: ./tools/run-tests installs it")
        cls.kit = cls.env["product.product"].create(
            {"name": "Lamp set", "default_code": "SKU-KIT", "type": "consu"}
        )
        cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.kit.product_tmpl_id.id,
                "type": "phantom",
                "product_qty": 1,
                "bom_line_ids": [
                    (0, 0, {"product_id": cls.product_a.id, "product_qty": 2}),
                    (0, 0, {"product_id": cls.product_b.id, "product_qty": 1}),
                ],
            }
        )

    def test_kit_is_confirmed_as_its_components_complete_it(self):
        payload, order = self.amazon_order(factory.item("SKU-KIT", 2, "40.00"))
        [kit_item] = payload["orderItems"]
        picking = self.delivery(order)
        self.assertEqual(
            sorted(picking.move_ids.mapped("product_id.default_code")),
            ["SKU-A", "SKU-B"],
        )
        # Four lamps and one chair: one kit complete.
        self.ship(
            picking, tracking="KIT1", quantities={self.product_a: 4, self.product_b: 1}
        )
        self.assertEqual(picking.amazon_sync_state, "confirmed")
        [first] = self.confirmations(payload)
        self.assertEqual(
            first["packageDetail"]["orderItems"],
            [{"orderItemId": kit_item["orderItemId"], "quantity": 1}],
        )
        self.assertEqual(self.sim_status(payload), "PARTIALLY_SHIPPED")
        # The backorder's chair completes the second kit.
        backorder = self.delivery(order)
        self.ship(backorder, tracking="KIT2")
        second = self.confirmations(payload)[-1]["packageDetail"]
        self.assertEqual(second["orderItems"][0]["quantity"], 1)
        self.assertEqual(second["packageReferenceId"], "2")
        self.assertEqual(self.sim_status(payload), "SHIPPED")

    def test_a_delivery_of_kit_parts_only_tells_amazon_nothing(self):
        payload, order = self.amazon_order(factory.item("SKU-KIT", 1, "40.00"))
        picking = self.delivery(order)
        self.ship(picking, tracking="PART1", quantities={self.product_a: 2})
        self.assertFalse(picking.amazon_sync_state)
        self.assertFalse(self.confirmations(payload))
        backorder = self.delivery(order)
        self.ship(backorder, tracking="PART2")
        self.assertEqual(backorder.amazon_sync_state, "confirmed")
        [body] = self.confirmations(payload)
        self.assertEqual(body["packageDetail"]["orderItems"][0]["quantity"], 1)
        self.assertEqual(self.sim_status(payload), "SHIPPED")
