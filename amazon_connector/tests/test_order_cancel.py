# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The seller cancels an unshipped merchant Amazon order (or some of its items):
Odoo cancels it and releases the stock at once, Amazon is told by a
POST_ORDER_ACKNOWLEDGEMENT_DATA feed and its answer lands on the order."""

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from ..amazon.feed_schema import validate
from . import order_factory as factory
from .common_shipments import AmazonShipmentCommon
from .job_runner import run_jobs

ACKNOWLEDGEMENT = "POST_ORDER_ACKNOWLEDGEMENT_DATA"
WIZARD = "amazon.order.cancel.wizard"


@tagged("post_install", "-at_install")
class TestOrderCancel(AmazonShipmentCommon):
    def setUp(self):
        super().setUp()
        with self.simulator.state.lock:
            self.simulator.state.acknowledgements.clear()

    # ------------------------------------------------------------------ helpers

    def two_item_order(self):
        """An Unshipped order of 2 lamps and 1 chair, each with its shipping."""
        return self.amazon_order(
            factory.item("SKU-A", 2, "10.00", shipping="4.99"),
            factory.item("SKU-B", 1, "30.00", shipping="5.99"),
        )

    def goods(self, order, product):
        return order.order_line.filtered(
            lambda line: line.product_id == product and line.amazon_order_item_id
        )

    def item_id(self, payload, sku):
        return next(
            item["orderItemId"]
            for item in payload["orderItems"]
            if item["product"]["sellerSku"] == sku
        )

    def wizard_from_cancel_button(self, order, user=None):
        order = order.with_user(user) if user else order
        action = order.action_cancel()
        self.assertEqual(action["res_model"], WIZARD, "Cancel opens the Amazon wizard")
        self.assertEqual(action["target"], "new")
        return Form(
            self.env[WIZARD].with_user(order.env.user).with_context(**action["context"])
        )

    def cancel_with_wizard(self, order, reason=None, lines=None, user=None):
        """Cancel ``order`` (or its ``lines``) from the Cancel button's wizard and
        run the feed jobs; the :class:`JobRun`."""
        form = self.wizard_from_cancel_button(order, user)
        if reason:
            form.reason = reason
        if lines is not None:
            if form.scope != "items":
                form.scope = "items"
            for line in lines:
                form.line_ids.add(line)
        wizard = form.save()
        with run_jobs(retry=True) as run:
            wizard.action_confirm()
            self.pending_action = order.amazon_last_action
        return run

    def acknowledgement_feeds(self):
        return [
            f
            for f in self.simulator.state.feeds.values()
            if f["feedType"] == ACKNOWLEDGEMENT
        ]

    def sent_acknowledgement(self):
        [feed] = self.acknowledgement_feeds()
        errors = validate(feed["content"]).all_errors()
        self.assertFalse(errors, "the feed validates against Amazon's schema")
        root = etree.fromstring(feed["content"])
        self.assertEqual(
            root.findtext("Header/MerchantIdentifier"), self.account.seller_id
        )
        self.assertEqual(root.findtext("MessageType"), "OrderAcknowledgement")
        [message] = root.findall("Message/OrderAcknowledgement")
        return message

    def reserved(self, product):
        quants = self.env["stock.quant"].search(
            [
                ("product_id", "=", product.id),
                ("location_id", "child_of", self.warehouse.lot_stock_id.id),
            ]
        )
        return sum(quants.mapped("reserved_quantity"))

    def buyer_mails(self, order):
        partners = order.partner_id | order.partner_shipping_id
        return self.env["mail.mail"].search([("recipient_ids", "in", partners.ids)])

    def assertUnchanged(self, order, call, message):
        """``call`` raises a UserError saying ``message`` and changes nothing."""
        lines = {line: line.product_uom_qty for line in order.order_line}
        state, last_action = order.state, order.amazon_last_action
        moves = {m: (m.state, m.product_uom_qty) for m in order.picking_ids.move_ids}
        feeds = self.env["amazon.feed"].search_count([])
        with run_jobs() as run, self.assertRaisesRegex(UserError, message):
            call()
        self.assertFalse(run.performed, "no job queued")
        self.assertEqual(self.env["amazon.feed"].search_count([]), feeds, "no feed")
        self.assertEqual((order.state, order.amazon_last_action), (state, last_action))
        self.assertEqual(
            {line: line.product_uom_qty for line in order.order_line}, lines
        )
        self.assertEqual(
            {m: (m.state, m.product_uom_qty) for m in order.picking_ids.move_ids}, moves
        )
        self.assertFalse(order.amazon_cancellation_ids)
        self.assertFalse(self.acknowledgement_feeds())

    # ------------------------------------------------------------------ whole order

    def test_cancel_button_opens_the_wizard(self):
        _payload, order = self.two_item_order()
        form = self.wizard_from_cancel_button(order)
        self.assertEqual(form.order_id, order)
        self.assertEqual(form.reason, "NoInventory")
        self.assertEqual(form.scope, "order")
        self.assertEqual(
            form.save().cancelable_line_ids,
            self.goods(order, self.product_a) | self.goods(order, self.product_b),
        )
        self.assertEqual(order.state, "sale", "the Cancel button alone cancels nothing")
        self.assertFalse(self.acknowledgement_feeds())

    def test_cancel_whole_order(self):
        payload, order = self.two_item_order()
        picking = self.delivery(order)
        self.assertEqual(self.reserved(self.product_a), 2)
        self.assertEqual(self.reserved(self.product_b), 1)
        self.cancel_with_wizard(order)
        self.assertEqual(
            self.pending_action, "Canceled by the seller (no inventory); telling Amazon"
        )
        message = self.sent_acknowledgement()
        self.assertEqual(message.findtext("AmazonOrderID"), payload["orderId"])
        self.assertEqual(message.findtext("StatusCode"), "Failure")
        self.assertEqual(
            sorted(
                (item.findtext("AmazonOrderItemCode"), item.findtext("CancelReason"))
                for item in message.findall("Item")
            ),
            sorted(
                (self.item_id(payload, sku), "NoInventory")
                for sku in ("SKU-A", "SKU-B")
            ),
            "every item, each with Amazon's reason",
        )
        # Odoo: the order, its delivery and its reservations are gone.
        self.assertEqual(order.state, "cancel")
        self.assertEqual(picking.state, "cancel")
        self.assertEqual(self.reserved(self.product_a), 0)
        self.assertEqual(self.reserved(self.product_b), 0)
        # Amazon took it.
        self.assertEqual(self.sim_status(payload), "CANCELLED")
        [acknowledgement] = self.simulator.state.acknowledgements
        self.assertEqual(acknowledgement["order_id"], payload["orderId"])
        self.assertIsNone(acknowledgement["error"])
        self.assertEqual(
            order.amazon_last_action,
            "Canceled by the seller (no inventory); Amazon informed",
        )
        self.assertEqual(order.amazon_cancel_reason, "NoInventory")
        self.assertEqual(order.amazon_cancellation_ids.mapped("state"), ["informed"])
        feed = order.amazon_cancellation_ids.feed_id
        self.assertEqual(
            (feed.state, feed.feed_type, feed.res_model),
            ("done", ACKNOWLEDGEMENT, "amazon.order.cancellation"),
        )
        self.assertFalse(order.amazon_needs_review)
        self.assertFalse(order.activity_ids)
        self.assertFalse(self.buyer_mails(order), "Odoo e-mails no Amazon buyer")
        # The next import sees Amazon's CANCELLED: nothing more happens.
        self.reimport(payload)
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.amazon_status, "canceled")
        self.assertEqual(
            order.amazon_last_action,
            "Canceled by the seller (no inventory); Amazon informed",
        )
        self.assertFalse(order.amazon_needs_review)
        self.assertFalse(order.activity_ids)
        self.assertEqual(len(self.acknowledgement_feeds()), 1)

    def test_choosing_every_item_cancels_the_whole_order(self):
        payload, order = self.two_item_order()
        lines = self.goods(order, self.product_a) | self.goods(order, self.product_b)
        self.cancel_with_wizard(
            order, reason="ShippingAddressUndeliverable", lines=lines
        )
        message = self.sent_acknowledgement()
        self.assertEqual(message.findtext("StatusCode"), "Failure")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(self.sim_status(payload), "CANCELLED")
        self.assertEqual(
            order.amazon_last_action,
            "Canceled by the seller (undeliverable shipping address); Amazon informed",
        )
        self.reimport(payload)
        self.assertEqual(order.state, "cancel")
        self.assertFalse(order.amazon_needs_review)

    def test_amazon_user_cancels_from_the_button(self):
        payload, order = self.two_item_order()
        self.cancel_with_wizard(order, reason="BuyerCanceled", user=self.amazon_admin)
        self.assertEqual(order.state, "cancel")
        self.assertEqual(self.sim_status(payload), "CANCELLED")
        self.assertEqual(
            order.amazon_last_action,
            "Canceled by the seller (buyer canceled); Amazon informed",
        )

    # ------------------------------------------------------------------ items

    def test_cancel_chosen_items(self):
        payload, order = self.two_item_order()
        chair = self.goods(order, self.product_b)
        lamps = self.goods(order, self.product_a)
        picking = self.delivery(order)
        self.cancel_with_wizard(order, reason="BuyerCanceled", lines=chair)
        self.assertEqual(
            self.pending_action,
            "1 unit(s) canceled by the seller (buyer canceled); telling Amazon",
        )
        message = self.sent_acknowledgement()
        self.assertEqual(message.findtext("AmazonOrderID"), payload["orderId"])
        self.assertEqual(message.findtext("StatusCode"), "Success")
        [item] = message.findall("Item")
        self.assertEqual(
            item.findtext("AmazonOrderItemCode"), self.item_id(payload, "SKU-B")
        )
        self.assertEqual(item.findtext("CancelReason"), "BuyerCanceled")
        self.assertIsNone(item.find("Quantity"), "Amazon's Item has no quantity")
        # Odoo: the chair and its shipping are gone, the lamps still to deliver.
        self.assertEqual(order.state, "sale")
        self.assertEqual(chair.product_uom_qty, 0)
        self.assertEqual(lamps.product_uom_qty, 2)
        chair_shipping = order.order_line.filtered(
            lambda line: (
                line.amazon_order_item_id == chair.amazon_order_item_id
                and line != chair
            )
        )
        self.assertTrue(chair_shipping)
        self.assertEqual(set(chair_shipping.mapped("product_uom_qty")), {0})
        lamp_shipping = order.order_line.filtered(
            lambda line: (
                line.amazon_order_item_id == lamps.amazon_order_item_id
                and line != lamps
            )
        )
        self.assertEqual(set(lamp_shipping.mapped("product_uom_qty")), {1})
        self.assertEqual(self.delivery(order), picking)
        open_moves = picking.move_ids.filtered(lambda m: m.state != "cancel")
        self.assertEqual(open_moves.product_id, self.product_a)
        self.assertEqual(open_moves.product_uom_qty, 2)
        self.assertEqual(self.reserved(self.product_b), 0, "the chair's stock is free")
        self.assertEqual(self.reserved(self.product_a), 2)
        # Amazon: the chair is canceled, the order goes on.
        self.assertEqual(self.sim_status(payload), "UNSHIPPED")
        sim_chair = next(
            i
            for i in self.sim_order(payload)["orderItems"]
            if i["orderItemId"] == chair.amazon_order_item_id
        )
        self.assertEqual(sim_chair["fulfillment"]["quantityUnfulfilled"], 0)
        self.assertEqual(
            order.amazon_last_action,
            "1 unit(s) canceled by the seller (buyer canceled); Amazon informed",
        )
        self.assertFalse(self.buyer_mails(order))
        # The next import changes nothing; the lamps ship as usual.
        self.reimport(payload)
        self.assertEqual(order.state, "sale")
        self.assertEqual(chair.product_uom_qty, 0)
        self.assertFalse(order.amazon_needs_review)
        # (common_shipments.validate writes every move, the canceled one too.)
        picking.carrier_id = self.dhl
        picking.carrier_tracking_ref = "LAMPS-1"
        with run_jobs(retry=True):
            open_moves.quantity = 2
            open_moves.picked = True
            picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.amazon_sync_state, "confirmed")
        self.assertEqual(self.sim_status(payload), "SHIPPED")

    def split_lamps(self, order):
        """The two lamps of ``order`` on two lines of the same Amazon item."""
        lamps = self.goods(order, self.product_a)
        lamps.product_uom_qty = 1
        other = lamps.copy(
            {
                "order_id": order.id,
                "product_uom_qty": 1,
                "amazon_order_item_id": lamps.amazon_order_item_id,
            }
        )
        return lamps, other

    def test_one_of_two_lines_of_an_item_cancels_the_item(self):
        # Amazon cancels whole items: choosing one line of an item takes the
        # item's other lines along, in the wizard and in what is sent.
        payload, order = self.two_item_order()
        lamps, other = self.split_lamps(order)
        form = self.wizard_from_cancel_button(order)
        form.scope = "items"
        form.line_ids.add(other)
        self.assertEqual({line.id for line in form.line_ids}, {lamps.id, other.id})
        self.cancel_with_wizard(order, lines=other)
        [item] = self.sent_acknowledgement().findall("Item")
        self.assertEqual(
            item.findtext("AmazonOrderItemCode"), lamps.amazon_order_item_id
        )
        self.assertIsNone(item.find("Quantity"))
        self.assertEqual((lamps.product_uom_qty, other.product_uom_qty), (0, 0))
        lamp_shipping = order.order_line.filtered(
            lambda line: (
                line.amazon_order_item_id == lamps.amazon_order_item_id
                and line.product_id.type == "service"
            )
        )
        self.assertEqual(set(lamp_shipping.mapped("product_uom_qty")), {0})
        self.assertEqual(self.reserved(self.product_a), 0)
        self.assertEqual(self.reserved(self.product_b), 1, "the chair stays")
        self.assertEqual(
            order.amazon_last_action,
            "2 unit(s) canceled by the seller (no inventory); Amazon informed",
        )
        sim_lamps = next(
            i
            for i in self.sim_order(payload)["orderItems"]
            if i["orderItemId"] == lamps.amazon_order_item_id
        )
        self.assertEqual(sim_lamps["fulfillment"]["quantityUnfulfilled"], 0)
        self.assertEqual(self.sim_status(payload), "UNSHIPPED")

    def test_an_item_part_shipped_is_not_offered(self):
        # One lamp shipped: the other lamp's line is the same Amazon item, which
        # Amazon cannot cancel by feed any more.
        _payload, order = self.two_item_order()
        lamps, other = self.split_lamps(order)
        chair = self.goods(order, self.product_b)
        picking = self.delivery(order)
        picking.carrier_id = self.dhl
        picking.carrier_tracking_ref = "LAMP-1"
        picking.action_assign()
        for move in picking.move_ids:
            move.quantity = 1 if move.sale_line_id == lamps else 0
        picking.move_ids.picked = True
        with run_jobs(retry=True):
            result = picking.button_validate()
            Form(
                self.env[result["res_model"]].with_context(**result["context"])
            ).save().process()
        self.assertEqual((lamps.qty_delivered, other.qty_delivered), (1, 0))
        unshipped = other
        form = self.wizard_from_cancel_button(order)
        self.assertEqual(form.save().cancelable_line_ids, chair)
        self.assertUnchanged(
            order,
            lambda: order.action_amazon_cancel("NoInventory", line_ids=unshipped.ids),
            "Amazon cancels whole items only",
        )

    def test_cancel_what_is_left_after_a_partial_shipment(self):
        payload, order = self.two_item_order()
        chair = self.goods(order, self.product_b)
        self.ship(
            self.delivery(order), tracking="LAMPS-1", quantities={self.product_a: 2}
        )
        backorder = self.delivery(order)
        self.assertEqual(backorder.move_ids.product_id, self.product_b)
        form = self.wizard_from_cancel_button(order)
        self.assertTrue(form.part_shipped)
        self.assertEqual(form.scope, "items", "only items once part of it shipped")
        self.assertEqual(form.save().cancelable_line_ids, chair)
        self.cancel_with_wizard(order, lines=chair)
        self.assertEqual(self.sent_acknowledgement().findtext("StatusCode"), "Success")
        self.assertEqual(backorder.state, "cancel")
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.reserved(self.product_b), 0)
        self.assertEqual(self.sim_status(payload), "SHIPPED", "nothing left to ship")
        self.assertEqual(
            order.amazon_last_action,
            "1 unit(s) canceled by the seller (no inventory); Amazon informed",
        )

    # ------------------------------------------------------------------ bad input

    def test_unknown_reason(self):
        _payload, order = self.two_item_order()
        self.assertUnchanged(
            order,
            lambda: order.action_amazon_cancel("OutOfStock"),
            "not a cancel reason",
        )

    def test_fulfilled_by_amazon(self):
        _payload, order = self.two_item_order()
        order.amazon_fulfilled_by = "amazon"
        self.assertUnchanged(
            order,
            lambda: order.action_amazon_cancel("NoInventory"),
            "fulfilled by Amazon",
        )

    def test_shipped_items(self):
        _payload, order = self.two_item_order()
        lamps = self.goods(order, self.product_a)
        self.ship(
            self.delivery(order), tracking="LAMPS-1", quantities={self.product_a: 2}
        )
        self.assertUnchanged(
            order, lambda: order.action_amazon_cancel("NoInventory"), "already shipped"
        )
        self.assertUnchanged(
            order,
            lambda: order.action_amazon_cancel("NoInventory", line_ids=lamps.ids),
            "already shipped",
        )

    def test_not_an_amazon_order(self):
        partner = self.env["res.partner"].create({"name": "Shop customer"})
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    (0, 0, {"product_id": self.product_a.id, "product_uom_qty": 1})
                ],
            }
        )
        order.action_confirm()
        self.assertUnchanged(
            order,
            lambda: order.action_amazon_cancel("NoInventory"),
            "not an Amazon order",
        )
        # Its Cancel button is Odoo's own.
        action = order.action_cancel()
        self.assertEqual(action["res_model"], "sale.order.cancel")

    def test_lines_of_another_order(self):
        _payload, order = self.two_item_order()
        _other_payload, other = self.two_item_order()
        self.assertUnchanged(
            order,
            lambda: order.action_amazon_cancel(
                "NoInventory", line_ids=self.goods(other, self.product_a).ids
            ),
            "not lines of Amazon order",
        )

    def test_service_lines_are_no_items(self):
        _payload, order = self.two_item_order()
        shipping = order.order_line.filtered(
            lambda line: line.product_id.type == "service"
        )
        self.assertTrue(shipping)
        self.assertUnchanged(
            order,
            lambda: order.action_amazon_cancel(
                "NoInventory", line_ids=shipping[:1].ids
            ),
            "Only the goods",
        )
        self.assertUnchanged(
            order,
            lambda: order.action_amazon_cancel("NoInventory", line_ids=[]),
            "Choose the items",
        )

    def test_already_canceled(self):
        _payload, order = self.two_item_order()
        order._action_cancel()
        self.assertUnchanged(
            order, lambda: order.action_amazon_cancel("NoInventory"), "already canceled"
        )
        # Its Cancel button no longer opens the wizard.
        result = order.action_cancel()
        self.assertNotEqual(
            isinstance(result, dict) and result.get("res_model"), WIZARD
        )

    def test_confirmed_cancel_skips_the_wizard_and_the_buyer_mail(self):
        _payload, order = self.two_item_order()
        result = order.with_context(amazon_cancel_confirmed=True).action_cancel()
        self.assertNotIsInstance(result, dict, "neither wizard nor Odoo's e-mail")
        self.assertEqual(order.state, "cancel")
        self.assertFalse(self.acknowledgement_feeds())
        self.assertFalse(self.buyer_mails(order))

    # ------------------------------------------------------------------ Amazon's answers

    def test_amazon_refuses_an_order_shipped_meanwhile(self):
        payload, order = self.two_item_order()
        self.simulator.state.advance(payload["orderId"], "SHIPPED")
        self.cancel_with_wizard(order)
        [acknowledgement] = self.simulator.state.acknowledgements
        self.assertIn("already shipped", acknowledgement["error"])
        self.assertTrue(order.amazon_needs_review)
        self.assertTrue(
            order.amazon_last_action.startswith(
                "Canceled by the seller (no inventory); Amazon refused: "
            ),
            order.amazon_last_action,
        )
        self.assertIn("already shipped", order.amazon_last_action)
        [activity] = order.activity_ids
        self.assertEqual(activity.summary, "Amazon refused the cancellation")
        self.assertIn("already shipped", str(activity.note))
        self.assertEqual(order.amazon_cancellation_ids.mapped("state"), ["refused"])

    def test_amazon_refuses_a_message_its_schema_refuses(self):
        # Two cancellations in one feed; one carries an item code that is not
        # Amazon's (forced here): Amazon refuses that message alone (5001).
        payload, order = self.two_item_order()
        bad_payload, bad_order = self.amazon_order(factory.item("SKU-A", 1))
        bad_order.order_line.filtered(
            "amazon_order_item_id"
        ).amazon_order_item_id = "LAMP-1"
        with run_jobs(retry=True):
            (order | bad_order).action_amazon_cancel("NoInventory")
        [feed] = self.acknowledgement_feeds()
        self.assertEqual(list(validate(feed["content"]).messages), [2])
        self.assertEqual(self.sim_status(payload), "CANCELLED")
        self.assertEqual(self.sim_status(bad_payload), "UNSHIPPED")
        self.assertEqual(
            order.amazon_last_action,
            "Canceled by the seller (no inventory); Amazon informed",
        )
        self.assertFalse(order.amazon_needs_review)
        self.assertTrue(bad_order.amazon_needs_review)
        self.assertIn(
            "Amazon refused: Amazon 5001: XML Parsing Error at Line 2: Element "
            "'AmazonOrderItemCode': [facet 'pattern'] The value 'LAMP-1'",
            bad_order.amazon_last_action,
        )
        self.assertEqual(bad_order.amazon_cancellation_ids.mapped("state"), ["refused"])

    def test_fatal_feed_flags_the_order(self):
        _payload, order = self.two_item_order()
        self.simulator.state.inject_fault(
            "createFeed", "fatal", feed_type=ACKNOWLEDGEMENT
        )
        self.cancel_with_wizard(order)
        self.assertEqual(order.state, "cancel")
        self.assertTrue(order.amazon_needs_review)
        self.assertIn("not sent to Amazon", order.amazon_last_action)
        self.assertEqual(order.activity_ids.summary, "Cancellation not sent to Amazon")

    def test_unclear_report_flags_the_order(self):
        _payload, order = self.two_item_order()
        self.simulator.state.inject_fault(
            "createFeed", "unclear_report", feed_type=ACKNOWLEDGEMENT
        )
        self.cancel_with_wizard(order)
        self.assertTrue(order.amazon_needs_review)
        self.assertEqual(
            order.amazon_last_action,
            "Canceled by the seller (no inventory); Amazon's answer unclear, to check",
        )
        self.assertEqual(order.amazon_cancellation_ids.mapped("state"), ["unclear"])

    # ------------------------------------------------------------------ records

    def test_cancellations_are_records_listed_on_the_order_and_in_the_menu(self):
        _payload, order = self.two_item_order()
        chair = self.goods(order, self.product_b)
        lamps = self.goods(order, self.product_a)
        self.cancel_with_wizard(order, reason="BuyerCanceled", lines=chair)
        refused_payload, refused_order = self.two_item_order()
        self.simulator.state.advance(refused_payload["orderId"], "SHIPPED")
        self.cancel_with_wizard(refused_order, user=self.salesman)
        # Each cancellation, what Amazon was told and its answer.
        [items] = order.amazon_cancellation_ids
        self.assertEqual(
            (items.reason, items.whole, items.units, items.state, items.message_id),
            ("BuyerCanceled", False, 1, "informed", 1),
        )
        self.assertEqual(
            [(i.order_item_id, i.sale_line_id, i.quantity) for i in items.item_ids],
            [(chair.amazon_order_item_id, chair, 1)],
            "the units canceled, counted before the line went to 0",
        )
        self.assertTrue(items.answered_at)
        self.assertEqual(items.display_name, f"{order.amazon_order_ref}: 1 unit(s)")
        [whole] = refused_order.amazon_cancellation_ids
        self.assertEqual((whole.whole, whole.units, whole.state), (True, 3, "refused"))
        self.assertIn("already shipped", whole.error)
        self.assertEqual(
            sorted(whole.item_ids.mapped("quantity")), [1, 2], "lamps and chair"
        )
        self.assertEqual(
            whole.feed_id._amazon_records(), whole, "the cancellation owns its message"
        )
        self.assertNotEqual(items.feed_id, whole.feed_id)
        self.assertEqual(lamps.product_uom_qty, 2)
        # The order's smart button lists its own.
        action = order.action_amazon_view_cancellations()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]), items)
        self.assertEqual(order.amazon_cancellation_count, 1)
        # Sales > Amazon > Cancellations, as an Amazon user: "To Check" lists those
        # Amazon did not take.
        menu = self.env.ref("amazon_connector.menu_amazon_order_cancellation")
        self.assertEqual(
            menu.parent_id, self.env.ref("amazon_connector.menu_amazon_root")
        )
        Cancellation = self.env[menu.action.res_model].with_user(self.salesman)
        views = Cancellation.get_views(
            [(False, "list"), (False, "form"), (False, "search")]
        )["views"]
        search = etree.fromstring(views["search"]["arch"])
        checks = {}
        for name in ("to_check", "informed", "refused", "failed", "unclear"):
            [node] = search.xpath(f"//filter[@name='{name}']")
            checks[name] = Cancellation.search(
                [
                    *safe_eval(node.get("domain")),
                    ("order_id", "in", (order | refused_order).ids),
                ]
            )
        self.assertEqual(checks["to_check"], whole)
        self.assertEqual(checks["refused"], whole)
        self.assertEqual(checks["informed"], items)
        self.assertFalse(checks["failed"] | checks["unclear"])
        rows = Cancellation.web_search_read(
            [("id", "in", (items | whole).ids)], {"state": {}, "error": {}}
        )["records"]
        self.assertEqual({r["state"] for r in rows}, {"informed", "refused"})
        # The order's form shows them on its Amazon page.
        form = etree.fromstring(
            self.env["sale.order"].get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertTrue(
            form.xpath("//page[@name='amazon']//field[@name='amazon_cancellation_ids']")
        )
