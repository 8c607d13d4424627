# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Validated deliveries of merchant Amazon orders are confirmed to Amazon (the
simulator, over HTTP), one confirmShipment per package, with what is in it."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from . import order_factory as factory
from .common_shipments import AmazonShipmentCommon
from .job_runner import run_jobs, trap_jobs


@tagged("post_install", "-at_install")
class TestShipmentConfirmation(AmazonShipmentCommon):
    def test_validated_delivery_is_confirmed_with_carrier_and_tracking(self):
        payload, order = self.amazon_order(
            factory.item("SKU-A", 2, "11.90", shipping="4.90", gift_wrap="2.00"),
            factory.item("SKU-B", 1, "30.00", discount="3.00"),
        )
        picking = self.delivery(order)
        self.assertFalse(picking.amazon_sync_state)
        self.ship(picking, tracking=" 00340434 1234 5678 ")
        self.assertEqual(picking.amazon_sync_state, "confirmed")
        self.assertFalse(picking.amazon_sync_error)
        [body] = self.confirmations(payload)
        items = {
            i["product"]["sellerSku"]: i["orderItemId"] for i in payload["orderItems"]
        }
        detail = body["packageDetail"]
        self.assertEqual(
            body["marketplaceId"], payload["salesChannel"]["marketplaceId"]
        )
        self.assertEqual(detail["packageReferenceId"], "1")
        self.assertEqual(detail["carrierCode"], "DHL")
        self.assertNotIn("carrierName", detail)
        self.assertEqual(detail["shippingMethod"], "Paket")
        self.assertEqual(detail["trackingNumber"], "0034043412345678")
        self.assertEqual(
            detail["shipDate"], picking.date_done.strftime("%Y-%m-%dT%H:%M:%SZ")
        )
        # Shipping, gift wrap and promotion lines are never sent: the items only.
        self.assertEqual(
            sorted((i["orderItemId"], i["quantity"]) for i in detail["orderItems"]),
            sorted([(items["SKU-A"], 2), (items["SKU-B"], 1)]),
        )
        self.assertEqual(self.sim_status(payload), "SHIPPED")
        self.assertEqual(
            order.amazon_last_action,
            "Shipped: 3 of 3 items confirmed to Amazon (DHL Paket 00340434…)",
        )
        self.reimport(payload)
        self.assertEqual(order.amazon_status, "shipped")
        self.assertEqual(order.amazon_items_shipped, 3)

    def test_one_call_per_package_with_its_own_tracking_number(self):
        payload, order = self.amazon_order(
            factory.item("SKU-A", 3), factory.item("SKU-B", 1)
        )
        picking = self.delivery(order)
        a, b = self.product_a, self.product_b
        calls_before = self.simulator.state.count_calls("confirmShipment")
        self.ship(
            picking,
            tracking="jd0001, jd0002",
            packages=[{a: 2}, {a: 1, b: 1}],
        )
        self.assertEqual(picking.amazon_sync_state, "confirmed")
        self.assertEqual(
            self.simulator.state.count_calls("confirmShipment") - calls_before, 2
        )
        items = {
            i["product"]["sellerSku"]: i["orderItemId"] for i in payload["orderItems"]
        }
        packages = sorted(
            (
                b["packageDetail"]["packageReferenceId"],
                b["packageDetail"]["trackingNumber"],
                sorted(
                    (i["orderItemId"], i["quantity"])
                    for i in b["packageDetail"]["orderItems"]
                ),
            )
            for b in self.confirmations(payload)
        )
        self.assertEqual(
            packages,
            [
                ("1", "JD0001", [(items["SKU-A"], 2)]),
                ("2", "JD0002", sorted([(items["SKU-A"], 1), (items["SKU-B"], 1)])),
            ],
        )
        self.assertEqual(len(self.sim_order(payload)["packages"]), 2)

    def test_partial_shipment_then_backorder_with_a_new_package(self):
        payload, order = self.amazon_order(factory.item("SKU-A", 3))
        picking = self.delivery(order)
        self.ship(picking, tracking="PART1", quantities={self.product_a: 1})
        [first] = self.confirmations(payload)
        self.assertEqual(first["packageDetail"]["orderItems"][0]["quantity"], 1)
        self.assertEqual(self.sim_status(payload), "PARTIALLY_SHIPPED")
        self.assertEqual(
            order.amazon_last_action,
            "Shipped: 1 of 3 items confirmed to Amazon (DHL Paket PART1)",
        )
        self.reimport(payload)
        self.assertEqual(order.amazon_status, "partially_shipped")
        self.assertEqual(
            (order.amazon_items_shipped, order.amazon_items_unshipped), (1, 2)
        )
        backorder = self.delivery(order)
        self.ship(backorder, tracking="PART2")
        second = self.confirmations(payload)[-1]["packageDetail"]
        self.assertEqual(second["packageReferenceId"], "2")
        self.assertEqual(second["orderItems"][0]["quantity"], 2)
        self.assertEqual(self.sim_status(payload), "SHIPPED")
        self.reimport(payload)
        self.assertEqual(order.amazon_status, "shipped")

    def test_carrier_without_amazon_code_is_other_with_its_name(self):
        payload, order = self.amazon_order()
        self.ship(self.delivery(order), carrier=self.courier, tracking="KS-42")
        detail = self.confirmations(payload)[0]["packageDetail"]
        self.assertEqual(
            (detail["carrierCode"], detail["carrierName"], detail["shippingMethod"]),
            ("Other", "Kurier Schmidt", "Kurier Schmidt"),
        )

    def test_no_carrier_is_an_error_on_the_delivery_nothing_sent(self):
        payload, order = self.amazon_order()
        picking = self.delivery(order)
        self.ship(picking, carrier=False, tracking="123")
        self.assertEqual(picking.amazon_sync_state, "error")
        self.assertIn("no carrier", picking.amazon_sync_error)
        self.assertFalse(self.confirmations(payload))
        self.assertTrue(picking.activity_ids, "an activity asks to fix it")
        self.assertIn("Shipment not confirmed to Amazon", order.amazon_last_action)
        # Fixed and retried: confirmed, with the first package reference.
        picking.carrier_id = self.dhl
        with run_jobs(retry=True):
            picking.action_amazon_retry()
        self.assertEqual(picking.amazon_sync_state, "confirmed")
        self.assertEqual(
            self.confirmations(payload)[0]["packageDetail"]["packageReferenceId"], "1"
        )

    def test_tracking_numbers_and_packages_must_match(self):
        payload, order = self.amazon_order(factory.item("SKU-A", 2))
        picking = self.delivery(order)
        a = self.product_a
        self.ship(picking, tracking="T1", packages=[{a: 1}, {a: 1}])
        self.assertEqual(picking.amazon_sync_state, "error")
        self.assertIn("1 tracking number", picking.amazon_sync_error)
        self.assertFalse(self.confirmations(payload), "nothing sent half")
        payload2, order2 = self.amazon_order(factory.item("SKU-A", 1))
        picking2 = self.delivery(order2)
        self.ship(picking2, tracking="T1+T2")
        self.assertEqual(picking2.amazon_sync_state, "error")
        self.assertFalse(self.confirmations(payload2))

    def test_quantity_above_what_amazon_ordered_is_refused_before_sending(self):
        payload, order = self.amazon_order(factory.item("SKU-A", 1))
        picking = self.delivery(order)
        self.ship(picking, tracking="OVER1", quantities={self.product_a: 2})
        self.assertEqual(picking.amazon_sync_state, "error")
        self.assertIn("ordered", picking.amazon_sync_error)
        self.assertFalse(self.confirmations(payload))

    def test_order_canceled_by_amazon_meanwhile(self):
        payload, order = self.amazon_order()
        picking = self.delivery(order)
        self.simulator.state.advance(payload["orderId"], "CANCELLED")
        self.ship(picking, tracking="LATE1")
        self.assertEqual(picking.state, "done", "the stock move stays done")
        self.assertEqual(picking.amazon_sync_state, "error")
        self.assertIn("cancel", picking.amazon_sync_error.lower())
        self.assertIn("return", picking.activity_ids.note)
        self.assertTrue(
            order.amazon_last_action.startswith("Confirmation refused by Amazon")
        )

    def test_throttled_and_failing_calls_retry_by_themselves(self):
        payload, order = self.amazon_order()
        picking = self.delivery(order)
        self.record_sleeps()
        self.simulator.state.inject_fault("confirmShipment", "429", count=4)
        self.ship(picking, tracking="RETRY1")
        self.assertEqual(picking.amazon_sync_state, "confirmed")
        self.assertEqual(len(self.confirmations(payload)), 1)
        self.assertTrue(self.run.delays, "queue_job waited as Amazon asked")

    def test_second_package_throttled_first_not_sent_twice(self):
        _payload, order = self.amazon_order(factory.item("SKU-A", 2))
        picking = self.delivery(order)
        self.record_sleeps()
        a = self.product_a
        state = self.simulator.state
        confirm = state.confirm_shipment
        calls = []

        def confirm_then_throttle(order_id, body):
            calls.append(body["packageDetail"]["packageReferenceId"])
            if len(calls) == 1:
                state.inject_fault("confirmShipment", "429", count=5)
            return confirm(order_id, body)

        self.patch(state, "confirm_shipment", confirm_then_throttle)
        self.ship(picking, tracking="P1,P2", packages=[{a: 1}, {a: 1}])
        self.assertEqual(picking.amazon_sync_state, "confirmed")
        self.assertEqual(calls, ["1", "2"], "package 1 is not sent again")

    def test_job_is_idempotent(self):
        payload, order = self.amazon_order()
        picking = self.delivery(order)
        self.ship(picking, tracking="ONCE1")
        with run_jobs():
            result = picking._amazon_confirm_shipment()
        self.assertIn("Nothing to do", result)
        self.assertEqual(len(self.confirmations(payload)), 1)

    def test_archived_account_sends_nothing(self):
        payload, order = self.amazon_order()
        picking = self.delivery(order)
        with run_jobs() as run:
            self.validate(picking, tracking="ARCH1")
            self.account.active = False
        self.assertIn("archived", " ".join(str(r) for r in run.results))
        self.assertFalse(self.confirmations(payload))
        self.assertEqual(picking.amazon_sync_state, "to_confirm")

    def test_two_step_delivery_confirms_only_the_last_step(self):
        self.warehouse.delivery_steps = "pick_ship"
        payload, order = self.amazon_order()
        pick = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        pick = pick.filtered(lambda p: p.location_dest_id.usage != "customer")
        self.assertEqual(len(pick), 1)
        self.ship(pick, carrier=False)
        self.assertFalse(pick.amazon_sync_state)
        self.assertFalse(self.confirmations(payload))
        out = self.delivery(order)
        self.ship(out, tracking="LAST1")
        self.assertEqual(out.amazon_sync_state, "confirmed")
        self.assertEqual(len(self.confirmations(payload)), 1)

    def test_fba_orders_are_never_confirmed(self):
        payload = factory.order(
            [factory.item("SKU-A", 1, shipped=1)],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        order = self.import_one(payload)
        done = order.picking_ids.filtered(lambda p: p.state == "done")
        self.assertTrue(done)
        self.assertFalse(done.amazon_sync_state)
        self.assertFalse(self.confirmations(payload))

    def test_return_then_reship_is_a_second_confirmation_with_a_new_package(self):
        payload, order = self.amazon_order(factory.item("SKU-A", 1))
        picking = self.delivery(order)
        self.ship(picking, tracking="FIRST1")
        returned = self.return_of(picking)
        self.assertFalse(returned.amazon_sync_state, "a return sends nothing")
        self.assertEqual(returned.amazon_order_ref, payload["orderId"])
        self.assertEqual(len(self.confirmations(payload)), 1)
        reship = self.return_of(returned)
        self.assertEqual(reship.amazon_sync_state, "confirmed")
        bodies = self.confirmations(payload)
        self.assertEqual(len(bodies), 2)
        self.assertEqual(bodies[1]["packageDetail"]["packageReferenceId"], "2")

    def return_of(self, picking):
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=picking.id, active_model="stock.picking")
            .create({})
        )
        for line in wizard.product_return_moves:
            line.quantity = line.move_id.quantity
        action = wizard.action_create_returns()
        returned = self.env["stock.picking"].browse(action["res_id"])
        self.ship(returned, carrier=picking.carrier_id, tracking="RESHIP1")
        return returned

    def test_no_email_to_the_amazon_buyer(self):
        self.company.stock_move_email_validation = True
        _payload, order = self.amazon_order()
        picking = self.delivery(order)
        buyer = order.partner_id | order.partner_shipping_id
        self.ship(picking, tracking="QUIET1")
        self.assertEqual(picking.amazon_sync_state, "confirmed")
        self.assertFalse(
            self.env["mail.mail"].search([("recipient_ids", "in", buyer.ids)]),
            "no e-mail queued for the buyer",
        )
        self.assertFalse(
            self.env["mail.message"].search(
                [
                    ("partner_ids", "in", buyer.ids),
                    ("message_type", "!=", "notification"),
                ]
            ),
            "no message addressed to the buyer",
        )
        self.assertFalse(
            self.env["mail.notification"].search([("res_partner_id", "in", buyer.ids)])
        )
        # An ordinary customer's delivery still gets the company's e-mail.
        customer = self.env["res.partner"].create(
            {"name": "Shop customer", "email": "shop@example.com"}
        )
        sale = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    (0, 0, {"product_id": self.product_a.id, "product_uom_qty": 1})
                ],
            }
        )
        sale.action_confirm()
        self.validate(sale.picking_ids, tracking="SHOP1")
        self.assertTrue(
            self.env["mail.message"].search(
                [("partner_ids", "in", customer.ids), ("model", "=", "stock.picking")]
            )
        )

    def test_warehouse_user_validates_an_amazon_delivery(self):
        payload, order = self.amazon_order()
        clerk = self.env["res.users"].create(
            {
                "name": "Warehouse clerk",
                "login": "clerk@example.com",
                "groups_id": [(6, 0, [self.env.ref("stock.group_stock_user").id])],
            }
        )
        picking = self.delivery(order)
        self.ship(picking.with_user(clerk), tracking="CLERK1")
        self.assertEqual(picking.amazon_sync_state, "confirmed")
        self.assertEqual(len(self.confirmations(payload)), 1)
        self.assertEqual(order.invoice_ids.state, "posted")

    def test_a_salesperson_of_own_orders_validates_another_ones_amazon_delivery(self):
        """As Odoo's sale_stock tests an inventory administrator who sees only their
        own orders validating another salesperson's delivery: the connector reads
        the order it may not read itself."""
        payload, order = self.amazon_order()
        clerk = self.env["res.users"].create(
            {
                "name": "Own orders, stock admin",
                "login": "own-orders@example.com",
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            self.env.ref("sales_team.group_sale_salesman").id,
                            self.env.ref("stock.group_stock_manager").id,
                        ],
                    )
                ],
            }
        )
        order.user_id = self.env.user
        picking = self.delivery(order)
        self.assertFalse(order.with_user(clerk).has_access("read"))
        self.ship(picking.with_user(clerk), tracking="OWN1")
        self.assertEqual(picking.amazon_sync_state, "confirmed")
        self.assertEqual(len(self.confirmations(payload)), 1)

    def test_under_no_delay_the_confirmation_runs_at_once(self):
        payload, order = self.amazon_order()
        picking = self.delivery(order).with_context(queue_job__no_delay=True)
        self.validate(picking, tracking="NOW1")
        self.assertEqual(picking.amazon_sync_state, "confirmed")
        self.assertEqual(len(self.confirmations(payload)), 1)

    def test_deliveries_left_to_confirm_are_sent_again_by_the_scheduled_action(self):
        payload, order = self.amazon_order()
        picking = self.delivery(order)
        with trap_jobs():  # its job is gone (it ran out of retries)
            self.validate(picking, tracking="STUCK1")
        self.assertEqual(picking.amazon_sync_state, "to_confirm")
        cron = self.env["stock.picking"]._cron_amazon_confirm_waiting
        self.env["ir.config_parameter"].set_param("amazon_connector.enabled", "False")
        with run_jobs() as run:
            cron()
        self.assertFalse(run.performed, "the connector is off: nothing")
        self.env["ir.config_parameter"].set_param("amazon_connector.enabled", "True")
        with run_jobs() as run:
            cron()
        self.assertFalse(run.performed, "validated less than an hour ago: left alone")
        picking.date_done = fields.Datetime.now() - timedelta(hours=2)
        with run_jobs(retry=True):
            cron()
        self.assertEqual(picking.amazon_sync_state, "confirmed")
        self.assertEqual(len(self.confirmations(payload)), 1)
