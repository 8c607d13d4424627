# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from decimal import Decimal

from odoo.tests import tagged

from . import order_factory as f
from .common_orders import AmazonOrderCommon, minutes_ago


@tagged("post_install", "-at_install")
class TestOrderImport(AmazonOrderCommon):
    def test_unshipped_order_becomes_a_confirmed_sales_order(self):
        payload = f.order(
            [
                f.item(
                    "SKU-A",
                    2,
                    "23.80",
                    shipping="4.99",
                    gift_wrap="2.50",
                    gift_message="Happy birthday!",
                ),
                f.item("UNKNOWN-1", 1, "11.90", title="Mystery box", asin="B0MYSTERY"),
            ],
            buyer_name="Erika Mustermann",
            street="Unter den Linden 5",
            city="Berlin",
            postal_code="10117",
            programs=["PRIME"],
        )
        self.publish(payload)
        self.import_orders()
        order = self.imported(payload)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.client_order_ref, payload["orderId"])
        self.assertEqual(order.amazon_order_ref, payload["orderId"])
        self.assertEqual(order.amazon_marketplace_id, self.marketplace_de)
        self.assertEqual(order.amazon_status, "unshipped")
        self.assertEqual(order.amazon_fulfilled_by, "merchant")
        self.assertTrue(order.amazon_is_prime)
        self.assertEqual(order.amazon_items_unshipped, 3)
        self.assertEqual(order.amazon_last_action, "Created from Amazon.de")
        self.assertTrue(
            any(payload["orderId"] in body for body in order.message_ids.mapped("body"))
        )
        # Money: EUR pricelist of the marketplace, total to the cent.
        self.assertEqual(order.currency_id.name, "EUR")
        self.assertEqual(order.pricelist_id.amazon_marketplace_id, self.marketplace_de)
        self.assertEqual(
            Decimal(str(order.amount_total)),
            Decimal(payload["proceeds"]["grandTotal"]["amount"]),
        )
        product_line = order.order_line.filtered(
            lambda line: line.product_id == self.product_a
        )
        self.assertEqual(product_line.product_uom_qty, 2)
        self.assertEqual(product_line.price_unit, 23.80)
        self.assertEqual(product_line.tax_id.amount, 19)
        self.assertTrue(product_line.tax_id.price_include)
        # The SKU matched the Internal Reference: an offer remembers it.
        offer = self.env["amazon.offer"].search([("account_id", "=", self.account.id)])
        self.assertEqual(offer.sku, "SKU-A")
        self.assertEqual(offer.product_id, self.product_a)
        # Unknown SKU: the generic product, with Amazon's data for the staff.
        generic = order.order_line.filtered(
            lambda line: line.product_id == self.company.amazon_generic_product_id
        )
        self.assertIn("UNKNOWN-1", generic.name)
        self.assertIn("Mystery box", generic.name)
        self.assertIn("B0MYSTERY", generic.name)
        self.assertTrue(generic.amazon_order_item_id)
        shipping = order.order_line.filtered(
            lambda line: line.product_id == self.company.amazon_shipping_product_id
        )
        self.assertEqual(shipping.price_unit, 4.99)
        gift = order.order_line.filtered(
            lambda line: line.product_id == self.company.amazon_gift_wrap_product_id
        )
        self.assertIn("Happy birthday!", gift.name)
        # Customer with the Amazon channel, delivery address as a child contact.
        customer = order.partner_id
        self.assertEqual(customer.name, "Erika Mustermann")
        self.assertEqual(customer.amazon_account_id, self.account)
        self.assertIn(
            self.env.ref("amazon_connector.partner_category_amazon"),
            customer.category_id,
        )
        self.assertEqual(order.partner_shipping_id.parent_id, customer)
        self.assertEqual(order.partner_shipping_id.type, "delivery")
        self.assertEqual(order.partner_shipping_id.street, "Unter den Linden 5")
        self.assertEqual(order.partner_shipping_id.country_id.code, "DE")
        self.assertNotIn(
            customer, order.message_partner_ids, "no e-mail to Amazon buyers"
        )
        # Shipped from the account's warehouse.
        self.assertEqual(order.warehouse_id, self.account.warehouse_id)
        self.assertEqual(order.team_id, self.account.team_id)
        self.assertEqual(len(order.picking_ids), 1)
        self.assertEqual(order.picking_ids.location_id, self.warehouse.lot_stock_id)
        self.assertEqual(self.import_record(payload).state, "done")

    def test_reimport_never_duplicates(self):
        payload = f.order([f.item("SKU-A")])
        self.publish(payload)
        self.import_orders()
        order = self.imported(payload)
        self.account.orders_high_water_mark = False
        self.import_orders()
        self.import_orders()
        self.assertEqual(self.sale_order(payload), order)
        self.assertEqual(len(order.order_line), 1)
        self.assertEqual(len(order.picking_ids), 1)

    def test_high_water_mark_moves_after_the_window(self):
        self.assertFalse(self.account.orders_high_water_mark)
        self.import_orders()
        mark = self.account.orders_high_water_mark
        self.assertTrue(mark)
        calls = [
            c for c in self.simulator.state.calls if c["operation"] == "searchOrders"
        ]
        self.assertTrue(calls)

    def test_pending_order_reserves_then_becomes_the_same_confirmed_order(self):
        full = f.order([f.item("SKU-A", 3, "10.00")], created=minutes_ago(60))
        self.publish(f.pending_version(full, updated=minutes_ago(50)))
        self.import_orders()
        quotation = self.imported(full)
        self.assertEqual(quotation.state, "draft")
        self.assertTrue(quotation.amazon_reserved)
        self.assertEqual(quotation.amazon_status, "pending")
        self.assertEqual(quotation.partner_id, self.company.amazon_pending_partner_id)
        self.assertEqual(quotation.order_line.product_uom_qty, 3)
        self.assertFalse(quotation.picking_ids)
        # Amazon verifies the payment: same record, completed and confirmed.
        self.publish(f.with_status(full, "UNSHIPPED", updated=minutes_ago(3)))
        self.import_orders()
        self.assertEqual(self.sale_order(full), quotation)
        self.assertEqual(quotation.state, "sale")
        self.assertFalse(quotation.amazon_reserved)
        self.assertEqual(quotation.partner_id.name, "Erika Mustermann")
        self.assertEqual(
            Decimal(str(quotation.amount_total)),
            Decimal(full["proceeds"]["grandTotal"]["amount"]),
        )
        self.assertEqual(len(quotation.picking_ids), 1)
        self.assertIn("Confirmed by Amazon", quotation.amazon_last_action)

    def test_pending_order_canceled_releases_the_reservation(self):
        full = f.order([f.item("SKU-A", 1)], created=minutes_ago(60))
        self.publish(f.pending_version(full, updated=minutes_ago(50)))
        self.import_orders()
        quotation = self.imported(full)
        pending = f.pending_version(full)
        self.publish(f.with_status(pending, "CANCELLED", updated=minutes_ago(3)))
        self.import_orders()
        self.assertEqual(quotation.state, "cancel")
        self.assertFalse(quotation.amazon_reserved)
        self.assertEqual(quotation.amazon_status, "canceled")
        self.assertEqual(
            quotation.amazon_last_action, "Canceled by Amazon; reservation released"
        )

    def test_pending_orders_can_be_left_out(self):
        self.account.import_pending_orders = False
        full = f.order([f.item("SKU-A", 1)])
        self.publish(f.pending_version(full))
        self.import_orders()
        self.assertFalse(self.sale_order(full))
        self.assertEqual(self.import_record(full).state, "skipped")

    def test_cancel_before_shipping_cancels_order_and_delivery(self):
        payload = f.order([f.item("SKU-A", 2)], created=minutes_ago(60))
        self.publish(payload)
        self.import_orders()
        order = self.imported(payload)
        picking = order.picking_ids
        self.assertEqual(picking.state, "assigned")
        self.publish(f.with_status(payload, "CANCELLED", updated=minutes_ago(3)))
        self.import_orders()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(picking.state, "cancel")
        self.assertEqual(order.amazon_last_action, "Canceled by Amazon; stock restored")
        self.assertEqual(
            self.product_a.with_context(warehouse_id=self.warehouse.id).free_qty, 50
        )

    def test_cancel_after_shipping_is_flagged_for_review(self):
        payload = f.order([f.item("SKU-A", 1)], created=minutes_ago(60))
        self.publish(payload)
        self.import_orders()
        order = self.imported(payload)
        picking = order.picking_ids
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking._action_done()
        self.publish(f.with_status(payload, "CANCELLED", updated=minutes_ago(3)))
        self.import_orders()
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.amazon_needs_review)
        self.assertEqual(order.amazon_status, "canceled")
        self.assertTrue(order.activity_ids)
        self.assertIn("to review", order.amazon_last_action)

    def test_partial_shipment_is_reflected(self):
        payload = f.order([f.item("SKU-A", 3)], created=minutes_ago(60))
        self.publish(payload)
        self.import_orders()
        order = self.imported(payload)
        self.publish(
            f.with_status(
                payload, "PARTIALLY_SHIPPED", updated=minutes_ago(3), shipped=1
            )
        )
        self.import_orders()
        self.assertEqual(order.amazon_status, "partially_shipped")
        self.assertEqual(order.amazon_items_shipped, 1)
        self.assertEqual(order.amazon_items_unshipped, 2)

    def test_partial_shipment_delivered_in_odoo_is_reflected(self):
        payload = f.order([f.item("SKU-A", 3)], created=minutes_ago(60))
        self.publish(payload)
        self.import_orders()
        order = self.imported(payload)
        self.deliver(order, 1)
        self.publish(
            f.with_status(
                payload, "PARTIALLY_SHIPPED", updated=minutes_ago(3), shipped=1
            )
        )
        self.import_orders()
        self.assertEqual(order.amazon_status, "partially_shipped")
        self.assertEqual(order.amazon_items_shipped, 1)
        self.assertEqual(order.amazon_last_action, "Amazon status: Partially shipped")
        self.assertFalse(order.amazon_needs_review)

    def test_units_shipped_outside_odoo_are_flagged(self):
        payload = f.order([f.item("SKU-A", 3)], created=minutes_ago(60))
        self.publish(payload)
        self.import_orders()
        order = self.imported(payload)
        self.publish(
            f.with_status(
                payload, "PARTIALLY_SHIPPED", updated=minutes_ago(3), shipped=1
            )
        )
        self.import_orders()
        self.assertTrue(order.amazon_needs_review)
        self.assertIn("Shipped outside Odoo", order.amazon_last_action)
        self.assertEqual(len(order.activity_ids), 1)
        self.assertIn("no delivery of it is done in Odoo", order.activity_ids.note)
        self.assertEqual(order.picking_ids.state, "assigned", "nothing is undone")

    def test_merchant_order_first_seen_shipped_is_flagged(self):
        payload = f.order([f.item("SKU-A", 2, shipped=2)], status="SHIPPED")
        self.publish(payload)
        self.import_orders()
        order = self.imported(payload)
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.amazon_needs_review)
        self.assertIn(
            "Shipped outside Odoo (Amazon: 2 unit(s))", order.amazon_last_action
        )
        self.assertEqual(len(order.activity_ids), 1)

    def test_cancel_of_the_rest_after_part_shipped_cancels_the_backorder(self):
        payload = f.order([f.item("SKU-A", 3)], created=minutes_ago(60))
        self.publish(payload)
        self.import_orders()
        order = self.imported(payload)
        shipped = self.deliver(order, 1)
        backorder = order.picking_ids - shipped
        self.assertEqual(backorder.move_ids.product_uom_qty, 2)
        self.publish(f.with_status(payload, "CANCELLED", updated=minutes_ago(3)))
        self.import_orders()
        self.assertEqual(shipped.state, "done", "the shipped unit stays")
        self.assertEqual(backorder.state, "cancel")
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.amazon_needs_review)
        self.assertIn("backorder canceled", order.amazon_last_action)
        self.assertEqual(len(order.activity_ids), 1)
        self.assertIn(backorder.name, order.activity_ids.note)
        self.assertEqual(
            self.product_a.with_context(warehouse_id=self.warehouse.id).free_qty,
            49,
            "the two units of the backorder are free again",
        )

    def test_orders_first_seen_canceled_or_unfulfillable_are_skipped(self):
        for status in ("CANCELLED", "UNFULFILLABLE"):
            payload = f.order(
                [f.item("SKU-A")],
                status=status,
                created=minutes_ago(20),
                updated=minutes_ago(5),
            )
            self.publish(payload)
            self.import_orders()
            self.assertFalse(self.sale_order(payload))
            record = self.import_record(payload)
            self.assertEqual(record.state, "skipped", status)
            self.assertEqual(record.error, "canceled before it was imported")

    def deliver(self, order, quantity):
        """Validate ``quantity`` units of the order's delivery, with a backorder
        for the rest; return the done delivery."""
        picking = order.picking_ids
        picking.move_ids.quantity = quantity
        picking.move_ids.picked = True
        picking.with_context(cancel_backorder=False)._action_done()
        self.assertEqual(picking.state, "done")
        return picking

    def test_fba_orders_wait_for_shipped_and_never_touch_own_stock(self):
        unshipped = f.order(
            [f.item("SKU-B", 2)], fulfilled_by="AMAZON", created=minutes_ago(60)
        )
        self.publish(unshipped)
        self.import_orders()
        self.assertFalse(self.sale_order(unshipped))
        self.publish(
            f.with_status(unshipped, "SHIPPED", updated=minutes_ago(3), shipped=2)
        )
        self.import_orders()
        order = self.imported(unshipped)
        self.assertEqual(order.amazon_fulfilled_by, "amazon")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(order.picking_ids.location_id, self.account.fba_location_id)
        self.assertEqual(self.available(self.product_b), 50)
        self.assertEqual(order.order_line.qty_delivered, 2)

    def test_orders_before_the_import_start_are_not_imported(self):
        self.account.import_orders_from = minutes_ago(30).replace(tzinfo=None)
        old_shipped = f.order(
            [f.item("SKU-A")], created=minutes_ago(120), status="SHIPPED"
        )
        old_unshipped = f.order(
            [f.item("SKU-A")], created=minutes_ago(120), updated=minutes_ago(119)
        )
        new = f.order(
            [f.item("SKU-A")], created=minutes_ago(20), updated=minutes_ago(10)
        )
        self.publish(old_shipped, old_unshipped, new)
        self.import_orders()
        self.assertFalse(self.sale_order(old_shipped))
        self.assertTrue(self.sale_order(old_unshipped), "Unshipped at the start moment")
        self.assertTrue(self.sale_order(new))

    def test_one_bad_order_never_blocks_the_others(self):
        good = f.order([f.item("SKU-A")])
        bad_country = f.order([f.item("SKU-A")], country="ZZ")
        bad_money = f.order([f.item("SKU-A")])
        bad_money["proceeds"]["grandTotal"]["amount"] = "12,5O"
        self.publish(good, bad_country, bad_money)
        self.import_orders()
        self.assertTrue(self.sale_order(good))
        for bad, message in ((bad_country, "country"), (bad_money, "grandTotal")):
            record = self.import_record(bad)
            self.assertEqual(record.state, "failed")
            self.assertIn(message, record.error)
            self.assertIn(bad["orderId"], record.error)
            self.assertFalse(self.sale_order(bad))
        self.assertEqual(self.account.failed_import_count, 2)
        self.assertTrue(self.account.orders_high_water_mark)

    def test_guest_customer_mode(self):
        self.account.customer_creation = "guest"
        one = f.order([f.item("SKU-A")], buyer_name="Ann", street="A-Weg 1")
        two = f.order([f.item("SKU-A")], buyer_name="Bob", street="B-Weg 2")
        self.publish(one, two)
        self.import_orders()
        first, second = self.sale_order(one), self.sale_order(two)
        self.assertEqual(first.partner_id, self.account.guest_partner_id)
        self.assertEqual(second.partner_id, first.partner_id)
        self.assertEqual(first.partner_shipping_id.street, "A-Weg 1")
        self.assertEqual(second.partner_shipping_id.street, "B-Weg 2")

    def test_returning_buyer_is_the_same_customer(self):
        one = f.order([f.item("SKU-A")], buyer_email="relay-123@marketplace.amazon.de")
        two = f.order([f.item("SKU-B")], buyer_email="relay-123@marketplace.amazon.de")
        self.publish(one, two)
        self.import_orders()
        self.assertEqual(
            self.sale_order(one).partner_id, self.sale_order(two).partner_id
        )
        self.assertEqual(
            self.sale_order(one).partner_shipping_id,
            self.sale_order(two).partner_shipping_id,
        )

    def test_an_order_read_again_unchanged_is_left_alone(self):
        payload = f.order([f.item("SKU-A")])
        payload["lastUpdatedTime"] = payload["lastUpdatedTime"][:-1] + ".517Z"
        sync = self.env["amazon.order.sync"]
        self.assertEqual(sync._sync_payloads(self.account, [payload])["created"], 1)
        order = self.imported(payload)
        order.amazon_last_action = "touched by staff"
        outcomes = sync._sync_payloads(self.account, [payload])
        self.assertEqual(dict(outcomes), {"unchanged": 1})
        self.assertEqual(order.amazon_last_action, "touched by staff")

    def test_amazon_buyers_follow_neither_order_nor_delivery(self):
        payload = f.order([f.item("SKU-A")])
        self.publish(payload)
        self.import_orders()
        order = self.imported(payload)
        buyer_side = order.partner_id | order.partner_shipping_id
        self.assertFalse(buyer_side & order.message_partner_ids)
        self.assertFalse(buyer_side & order.picking_ids.message_partner_ids)
        # Staff still follow, and an ordinary customer still does on his orders.
        staff = self.env["res.partner"].create({"name": "Warehouse clerk"})
        order.picking_ids.message_subscribe(staff.ids)
        self.assertIn(staff, order.picking_ids.message_partner_ids)
        plain = self.env["sale.order"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "Walk-in"}).id,
                "order_line": [(0, 0, {"product_id": self.product_a.id})],
            }
        )
        plain.action_confirm()
        self.assertIn(plain.partner_id, plain.message_partner_ids)
        self.assertIn(plain.partner_id, plain.picking_ids.message_partner_ids)

    def test_buyer_without_email_is_matched_on_name_and_address(self):
        one = f.order([f.item("SKU-A")], buyer_name="Jean Dupont", street="1 rue Haute")
        two = f.order([f.item("SKU-B")], buyer_name="Jean Dupont", street="1 rue Haute")
        other = f.order(
            [f.item("SKU-B")], buyer_name="Jean Dupont", street="9 rue Basse"
        )
        for payload in (one, two, other):
            del payload["buyer"]["buyerEmail"]
        self.publish(one, two, other)
        self.import_orders()
        self.assertEqual(self.imported(one).partner_id, self.imported(two).partner_id)
        self.assertNotEqual(
            self.imported(one).partner_id, self.imported(other).partner_id
        )

    def test_country_and_state_come_from_amazon_codes(self):
        account = self.simulator_account(
            "US", "na", self.env.ref("amazon_connector.marketplace_us")
        )
        payload = f.order(
            [f.item("SKU-A")],
            marketplace="US",
            street="350 Fifth Avenue",
            city="New York",
            postal_code="10118",
            state_or_region="NY",
        )
        self.publish(payload)
        self.import_orders(account)
        address = self.imported(payload, account).partner_shipping_id
        self.assertEqual(address.country_id, self.env.ref("base.us"))
        self.assertEqual(address.state_id, self.env.ref("base.state_us_27"))
