# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Merchant returns applied: each RMA of Amazon's returns report becomes one
``amazon.return`` of its order and Odoo's own return of the delivery, once; and
what Amazon gets wrong (an order never imported, the same RMA twice, more units
than shipped, a SKU on no order line, rows it could not read).

The readings are built here as the returns report's parser gives them (its
dataclasses, ``amazon/merchant_returns_report.py``); their values follow the
columns of Amazon's flat file returns report as the shared SP-API notes list
them (Order ID, Return request date, Return request status, Amazon RMA ID, Label
type/cost, Return carrier, Tracking ID, ASIN, Merchant SKU, Return quantity,
Return Reason, Resolution) and the values Seller Central's help on the returns
report names (statuses Approved / Authorized / Closed, resolution
StandardRefund / ReturnlessRefund, reason codes such as DEFECTIVE)."""

from datetime import date
from decimal import Decimal
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..amazon.adapter import ReportDocument
from ..amazon.merchant_returns_report import REPORT_TYPE as MERCHANT_REPORT
from ..amazon.merchant_returns_report import (
    MerchantReturn,
    MerchantReturnItem,
    MerchantReturnsReading,
)
from . import order_factory as factory
from .common_shipments import AmazonShipmentCommon
from .job_runner import run_jobs

#: The header of the flat file returns report a US seller received through the
#: SP-API in August 2025 (the same file as tests/data/returns/
#: merchant_returns_us_2025.tsv, see its README), 32 columns.
US_2025_HEADER = (
    "Order ID\tOrder date\tReturn request date\tReturn request status\t"
    "Amazon RMA ID\tMerchant RMA ID\tLabel type\tLabel cost\tCurrency code\t"
    "Return carrier\tTracking ID\tLabel to be paid by\tA-to-Z Claim\tIs prime\t"
    "ASIN\tMerchant SKU\tItem Name\tReturn quantity\tReturn Reason\tIn policy\t"
    "Return type\tResolution\tInvoice number\tReturn delivery date\t"
    "Order Amount\tOrder quantity\tSafeT Action reason\tSafeT claim id\t"
    "SafeT claim state\tSafeT claim creation time\t"
    "SafeT claim reimbursement amount\tRefunded Amount"
)


def merchant_return(order_ref, rma, *items, **values):
    """A return authorisation as the parser gives it; ``items`` (sku, units,
    order item id) tuples."""
    fields_ = {
        "order_ref": order_ref,
        "rma_ref": rma,
        "status": "Authorized",
        "request_date": date(2026, 11, 28),
        "delivered_date": None,
        "resolution": "StandardRefund",
        "return_type": "C-Returns",
        "label_type": "AmazonUnPaidLabel",
        "label_carrier": "DHL",
        "label_tracking": "00340434161094000001",
        "label_cost": Decimal("4.90"),
        "label_payer": "Customer",
        "currency": "EUR",
        "items": tuple(
            MerchantReturnItem(
                sku=sku,
                asin="B000TEST01",
                quantity=quantity,
                order_item_id=item_id,
                reason_code="DEFECTIVE",
                reason="Item defective",
            )
            for sku, quantity, item_id in items
        ),
    }
    fields_.update(values)
    return MerchantReturn(**fields_)


def reading(*returns, problems=()):
    return MerchantReturnsReading(returns=tuple(returns), problems=tuple(problems))


@tagged("post_install", "-at_install")
class TestReturnsMerchant(AmazonShipmentCommon):
    def shipped_order(self, *items):
        """An imported merchant order whose delivery is done; (order, {SKU: its
        order item id})."""
        _payload, order = self.amazon_order(*items)
        self.ship(self.delivery(order))
        item_ids = {
            line.product_id.default_code: line.amazon_order_item_id
            for line in order._amazon_goods_lines()
        }
        return order, item_ids

    def apply(self, *returns, problems=()):
        return self.env["amazon.return"]._amazon_apply_merchant_returns(
            self.account, reading(*returns, problems=problems)
        )

    def returns_of(self, order):
        return self.env["amazon.return"].search([("order_id", "=", order.id)])

    def return_transfers(self, order):
        return order.picking_ids.filtered(lambda p: p.picking_type_code == "incoming")

    # ------------------------------------------------------------- a new RMA

    def test_a_return_becomes_the_return_of_the_delivery(self):
        order, ids = self.shipped_order(
            factory.item("SKU-A", 3), factory.item("SKU-B", 1)
        )
        summary = self.apply(
            merchant_return(order.amazon_order_ref, "DQ7r1", ("SKU-A", 1, ids["SKU-A"]))
        )
        self.assertIn("1 new (1 return transfer(s))", summary)
        ret = self.returns_of(order)
        self.assertEqual(len(ret), 1)
        self.assertEqual(
            (ret.fulfillment_channel, ret.amazon_rma_ref, ret.state),
            ("merchant", "DQ7r1", "to_receive"),
        )
        self.assertEqual((ret.reason_code, ret.reason), ("DEFECTIVE", "Item defective"))
        self.assertEqual((ret.label_carrier, ret.label_cost), ("DHL", 4.90))
        self.assertEqual(ret.product_id, self.product_a)
        self.assertEqual(ret.line_ids.sale_line_id.product_id, self.product_a)
        self.assertEqual(ret.line_ids.quantity, 1)
        self.assertFalse(ret.to_check)
        transfer = ret.picking_id
        self.assertEqual(self.return_transfers(order), transfer)
        self.assertEqual(transfer.amazon_return_id, ret)
        self.assertEqual(transfer.state, "assigned", "ready to receive")
        self.assertEqual(transfer.location_id.usage, "customer")
        self.assertEqual(transfer.move_ids.product_id, self.product_a)
        self.assertEqual(transfer.move_ids.product_uom_qty, 1)
        self.assertTrue(transfer.move_ids.origin_returned_move_id)
        self.assertIn("DQ7r1", transfer.origin)
        self.assertIn("Item defective", transfer.origin)
        self.assertEqual(transfer.amazon_return_rma, "DQ7r1")
        self.assertEqual(order.amazon_return_ids, ret)
        self.assertEqual(order.amazon_return_count, 1)
        self.assertEqual(order.amazon_last_action, "return to receive")
        action = order.action_amazon_view_returns()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("amazon.return", ret.id)
        )
        # Amazon users read the returns; only Amazon administrators write them.
        self.assertEqual(
            ret.with_user(self.salesman).read(["state"])[0]["state"], "to_receive"
        )
        with self.assertRaises(AccessError):
            ret.with_user(self.salesman).write({"note": "x"})
        ret.with_user(self.amazon_admin).write({"note": "checked"})

    def test_an_item_without_order_item_id_is_matched_by_its_sku(self):
        order, _ids = self.shipped_order(
            factory.item("SKU-A", 1), factory.item("SKU-B", 2)
        )
        self.apply(merchant_return(order.amazon_order_ref, "DQ7r2", ("SKU-B", 2, None)))
        ret = self.returns_of(order)
        self.assertEqual(ret.line_ids.sale_line_id.product_id, self.product_b)
        self.assertEqual(ret.picking_id.move_ids.product_id, self.product_b)
        self.assertEqual(ret.picking_id.move_ids.product_uom_qty, 2)

    def test_an_offer_sku_finds_its_products_line(self):
        order, _ids = self.shipped_order(factory.item("SKU-A", 1))
        self.env["amazon.offer"].create(
            {
                "account_id": self.account.id,
                "sku": "LAMP-DE",
                "product_id": self.product_a.id,
            }
        )
        self.apply(
            merchant_return(order.amazon_order_ref, "DQ7o1", ("LAMP-DE", 1, None))
        )
        ret = self.returns_of(order)
        self.assertEqual(ret.line_ids.sale_line_id.product_id, self.product_a)
        self.assertFalse(ret.to_check)
        self.assertEqual(ret.picking_id.move_ids.product_id, self.product_a)

    def test_receiving_the_transfer_receives_the_return(self):
        order, ids = self.shipped_order(factory.item("SKU-A", 2))
        self.apply(
            merchant_return(order.amazon_order_ref, "DQ7r3", ("SKU-A", 2, ids["SKU-A"]))
        )
        ret = self.returns_of(order)
        transfer = ret.picking_id
        transfer.move_ids.quantity = 2
        transfer.move_ids.picked = True
        transfer.button_validate()
        self.assertEqual(transfer.state, "done")
        self.assertEqual(ret.state, "received")
        today = fields.Date.context_today(ret)
        self.assertEqual(ret.delivered_date, transfer.date_done.date())
        self.assertEqual(
            order.amazon_last_action, f"return received {ret.delivered_date}"
        )
        self.assertLessEqual(ret.delivered_date, today)
        # Amazon's own delivered date, when it gives one, is kept.
        self.apply(
            merchant_return(
                order.amazon_order_ref,
                "DQ7r3",
                ("SKU-A", 2, ids["SKU-A"]),
                delivered_date=date(2026, 12, 3),
            )
        )
        self.assertEqual(ret.delivered_date, date(2026, 12, 3))
        self.assertEqual(order.amazon_last_action, "return received 2026-12-03")

    def test_a_canceled_transfer_closes_the_return(self):
        order, ids = self.shipped_order(factory.item("SKU-A", 1))
        self.apply(
            merchant_return(order.amazon_order_ref, "DQ7r4", ("SKU-A", 1, ids["SKU-A"]))
        )
        ret = self.returns_of(order)
        ret.picking_id.action_cancel()
        self.assertEqual(ret.state, "closed")

    def test_a_posted_credit_note_refunds_the_return(self):
        order, ids = self.shipped_order(factory.item("SKU-A", 1))
        self.apply(
            merchant_return(order.amazon_order_ref, "DQ7r5", ("SKU-A", 1, ids["SKU-A"]))
        )
        ret = self.returns_of(order)
        credit_note = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": order.partner_id.id,
                "invoice_line_ids": [
                    (0, 0, {"name": "Lamp", "quantity": 1, "price_unit": 10.0})
                ],
            }
        )
        ret.credit_note_id = credit_note
        self.assertEqual(ret.state, "to_receive", "a draft refunds nothing")
        credit_note.action_post()
        self.assertEqual(ret.state, "refunded")

    def test_a_received_return_leaves_the_refund_to_the_settlement(self):
        order, ids = self.shipped_order(factory.item("SKU-A", 2))
        line = order._amazon_goods_lines()
        self.apply(
            merchant_return(order.amazon_order_ref, "DQ7t1", ("SKU-A", 1, ids["SKU-A"]))
        )
        transfer = self.returns_of(order).picking_id
        self.assertFalse(transfer.move_ids.to_refund)
        self.assertEqual(transfer.move_ids.sale_line_id, line)
        transfer.move_ids.quantity = 1
        transfer.move_ids.picked = True
        transfer.button_validate()
        self.assertEqual(transfer.state, "done")
        # Amazon's refund makes the credit note: the order still delivered 2,
        # so nothing is left to invoice or credit because of the return.
        self.assertEqual(line.qty_delivered, 2)
        # The shipment confirmations still count the unit that came back.
        self.assertEqual(order._amazon_returned_units(), {ids["SKU-A"]: 1})

    def test_a_known_return_gets_its_transfer_once_there_is_one_to_make(self):
        _payload, order = self.amazon_order(
            factory.item("SKU-A", 1), factory.item("SKU-B", 1)
        )
        ids = {
            line.product_id.default_code: line.amazon_order_item_id
            for line in order._amazon_goods_lines()
        }
        waiting = merchant_return(
            order.amazon_order_ref, "DQ7l1", ("SKU-A", 1, ids["SKU-A"])
        )
        closed = merchant_return(
            order.amazon_order_ref,
            "DQ7l2",
            ("SKU-B", 1, ids["SKU-B"]),
            status="Closed",
        )
        self.apply(waiting, closed)
        self.assertFalse(self.returns_of(order).picking_id, "nothing delivered yet")
        # The delivery is done in Odoo since: the waiting return's units can
        # come back; the closed one's parcel never did.
        self.ship(self.delivery(order))
        summary = self.apply(waiting, closed)
        self.assertIn("1 updated", summary)
        first, second = (
            self.returns_of(order).filtered(lambda r, rma=rma: r.amazon_rma_ref == rma)
            for rma in ("DQ7l1", "DQ7l2")
        )
        self.assertEqual(first.picking_id.move_ids.product_id, self.product_a)
        self.assertEqual(first.line_ids.quantity, 1)
        self.assertEqual(first.state, "to_receive")
        self.assertFalse(second.picking_id)
        # A later report says the closed request's parcel was delivered back.
        self.apply(
            merchant_return(
                order.amazon_order_ref,
                "DQ7l2",
                ("SKU-B", 1, ids["SKU-B"]),
                status="Closed",
                delivered_date=date(2026, 12, 4),
            )
        )
        self.assertEqual(second.picking_id.move_ids.product_id, self.product_b)
        self.assertEqual(second.state, "to_receive")
        # Once made, never again.
        self.apply(waiting)
        self.assertEqual(len(self.return_transfers(order)), 2)

    def test_a_return_of_an_order_amazon_shipped_is_left_to_the_fba_report(self):
        order, ids = self.shipped_order(factory.item("SKU-A", 1))
        order.amazon_fulfilled_by = "amazon"
        summary = self.apply(
            merchant_return(order.amazon_order_ref, "DQ7a1", ("SKU-A", 1, ids["SKU-A"]))
        )
        self.assertIn(
            "1 return(s) of orders Amazon shipped, left to the FBA customer returns "
            f"report: {order.amazon_order_ref} (DQ7a1)",
            summary,
        )
        self.assertFalse(self.returns_of(order))
        self.assertFalse(self.return_transfers(order))

    def test_amazon_units_are_the_order_lines_unit(self):
        _payload, order = self.amazon_order(factory.item("SKU-A", 2))
        pair = self.env["uom.uom"].create(
            {
                "name": "Pair",
                "category_id": self.product_a.uom_id.category_id.id,
                "uom_type": "bigger",
                "factor_inv": 2,
            }
        )
        line = order._amazon_goods_lines()
        # The seller sells the lamp by the pair: one pair, two lamps shipped.
        line.write({"product_uom": pair.id, "product_uom_qty": 1})
        delivery = self.delivery(order)
        self.assertEqual(delivery.move_ids.product_qty, 2)
        self.validate(delivery)
        self.apply(
            merchant_return(
                order.amazon_order_ref, "DQ7m1", ("SKU-A", 1, line.amazon_order_item_id)
            )
        )
        ret = self.returns_of(order)
        self.assertEqual(ret.line_ids.quantity, 1, "Amazon's unit: one pair")
        self.assertFalse(ret.to_check, "one pair is what was delivered")
        self.assertEqual(ret.picking_id.move_ids.product_qty, 2, "two lamps back")

    def test_a_kit_is_flagged_to_receive_by_hand(self):
        _payload, order = self.amazon_order(factory.item("SKU-A", 1))
        line = order._amazon_goods_lines()
        delivery = self.delivery(order)
        # A kit leaves as its components (as a bill of materials of kit type
        # makes them): here a shade and a base instead of the lamp.
        for name in ("Shade", "Base"):
            component = self.env["product.product"].create(
                {"name": name, "is_storable": True}
            )
            self.env["stock.move"].create(
                {
                    "name": name,
                    "product_id": component.id,
                    "product_uom": component.uom_id.id,
                    "product_uom_qty": 1,
                    "picking_id": delivery.id,
                    "location_id": delivery.location_id.id,
                    "location_dest_id": delivery.location_dest_id.id,
                    "sale_line_id": line.id,
                }
            )
        delivery.move_ids.filtered(
            lambda m: m.product_id == self.product_a
        )._action_cancel()
        delivery.action_confirm()
        self.validate(delivery)
        summary = self.apply(
            merchant_return(
                order.amazon_order_ref, "DQ7k1", ("SKU-A", 1, line.amazon_order_item_id)
            )
        )
        ret = self.returns_of(order)
        self.assertIn("kit: receive the components by hand", ret.note)
        self.assertNotIn("capped", ret.note)
        self.assertNotIn("capped", summary)
        self.assertTrue(ret.to_check)
        self.assertEqual(ret.line_ids.quantity, 1)
        self.assertFalse(ret.picking_id)

    def test_the_known_returns_transfers_are_read_in_one_search(self):
        order, ids = self.shipped_order(factory.item("SKU-A", 3))
        rmas = [
            merchant_return(
                order.amazon_order_ref, f"DQ7q{n}", ("SKU-A", 1, ids["SKU-A"])
            )
            for n in range(3)
        ]
        self.apply(*rmas)
        self.assertEqual(len(self.return_transfers(order)), 3)
        Picking = type(self.env["stock.picking"])
        searches = []
        search_fetch = Picking.search_fetch

        def counted(model, domain, *args, **kwargs):
            if "amazon_return_id" in str(domain):
                searches.append(domain)
            return search_fetch(model, domain, *args, **kwargs)

        with patch.object(Picking, "search_fetch", counted):
            summary = self.apply(*rmas)
        self.assertIn("3 unchanged", summary)
        self.assertEqual(len(searches), 1, "one search for the three returns")

    # ------------------------------------------------------------ bad input

    def test_a_return_of_an_order_never_imported_is_only_listed(self):
        order, ids = self.shipped_order(factory.item("SKU-A", 1))
        summary = self.apply(
            merchant_return("303-0000000-0000001", "DQ7x1", ("SKU-A", 1, "999")),
            merchant_return("303-0000000-0000002", "DQ7x2", ("SKU-A", 1, "998")),
            merchant_return("303-0000000-0000002", "DQ7x4", ("SKU-A", 1, "998")),
            merchant_return(
                order.amazon_order_ref, "DQ7x3", ("SKU-A", 1, ids["SKU-A"])
            ),
        )
        self.assertIn(
            "3 return(s) of orders not in Odoo: 303-0000000-0000001; "
            "303-0000000-0000002",
            summary,
        )
        self.assertEqual(
            self.env["amazon.return"]
            .search([("account_id", "=", self.account.id)])
            .mapped("amazon_rma_ref"),
            ["DQ7x3"],
        )

    def test_the_same_rma_twice_is_one_return_and_one_transfer(self):
        order, ids = self.shipped_order(factory.item("SKU-A", 2))
        rma = merchant_return(
            order.amazon_order_ref, "DQ7d1", ("SKU-A", 1, ids["SKU-A"])
        )
        summary = self.apply(rma, rma)
        self.assertIn("1 new", summary)
        self.assertIn("1 unchanged", summary)
        # The next day's report overlaps: the same RMA, delivered back now.
        later = merchant_return(
            order.amazon_order_ref,
            "DQ7d1",
            ("SKU-A", 1, ids["SKU-A"]),
            status="Approved",
            delivered_date=date(2026, 12, 2),
        )
        summary = self.apply(later)
        self.assertIn("0 new (0 return transfer(s)), 1 updated", summary)
        ret = self.returns_of(order)
        self.assertEqual(len(ret), 1)
        self.assertEqual(
            (ret.amazon_status, ret.delivered_date), ("Approved", date(2026, 12, 2))
        )
        self.assertEqual(len(self.return_transfers(order)), 1)
        self.assertIn("0 updated, 1 unchanged", self.apply(later))

    def test_more_units_than_shipped_are_capped_and_flagged(self):
        order, ids = self.shipped_order(factory.item("SKU-A", 2))
        summary = self.apply(
            merchant_return(order.amazon_order_ref, "DQ7c1", ("SKU-A", 5, ids["SKU-A"]))
        )
        ret = self.returns_of(order)
        self.assertEqual(ret.line_ids.quantity, 2)
        self.assertTrue(ret.to_check)
        self.assertIn("SKU-A 5 capped at 2", ret.note)
        self.assertIn("1 return(s) capped at the units delivered", summary)
        self.assertEqual(ret.picking_id.move_ids.product_uom_qty, 2)
        # A second RMA of the same units: nothing left to come back.
        self.apply(
            merchant_return(order.amazon_order_ref, "DQ7c2", ("SKU-A", 1, ids["SKU-A"]))
        )
        second = self.returns_of(order) - ret
        self.assertEqual(second.line_ids.quantity, 0)
        self.assertTrue(second.to_check)
        self.assertFalse(second.picking_id, "nothing to receive: no transfer")
        self.assertEqual(second.state, "closed")
        self.assertEqual(len(self.return_transfers(order)), 1)

    def test_a_returnless_refund_makes_no_transfer(self):
        order, ids = self.shipped_order(factory.item("SKU-A", 1))
        self.apply(
            merchant_return(
                order.amazon_order_ref,
                "DQ7n1",
                ("SKU-A", 1, ids["SKU-A"]),
                resolution="ReturnlessRefund",
                returnless=True,
                label_type=None,
            )
        )
        ret = self.returns_of(order)
        self.assertTrue(ret.returnless)
        self.assertEqual(ret.line_ids.quantity, 1)
        self.assertFalse(ret.picking_id)
        self.assertFalse(self.return_transfers(order))
        self.assertEqual(ret.state, "closed")

    def test_amazon_closing_the_request_cancels_the_waiting_transfer(self):
        order, ids = self.shipped_order(factory.item("SKU-A", 1))
        item = ("SKU-A", 1, ids["SKU-A"])
        self.apply(merchant_return(order.amazon_order_ref, "DQ7e1", item))
        ret = self.returns_of(order)
        self.assertEqual(ret.state, "to_receive")
        self.apply(
            merchant_return(order.amazon_order_ref, "DQ7e1", item, status="Closed")
        )
        self.assertEqual(ret.picking_id.state, "cancel")
        self.assertEqual(ret.state, "closed")

    def test_a_request_first_seen_closed_comes_back_only_if_it_was_delivered(self):
        order, ids = self.shipped_order(
            factory.item("SKU-A", 1), factory.item("SKU-B", 1)
        )
        self.apply(
            merchant_return(
                order.amazon_order_ref,
                "DQ7e2",
                ("SKU-A", 1, ids["SKU-A"]),
                status="Closed",
            ),
            merchant_return(
                order.amazon_order_ref,
                "DQ7e3",
                ("SKU-B", 1, ids["SKU-B"]),
                status="Closed",
                delivered_date=date(2026, 12, 1),
            ),
        )
        closed, delivered = (
            self.returns_of(order).filtered(lambda r, rma=rma: r.amazon_rma_ref == rma)
            for rma in ("DQ7e2", "DQ7e3")
        )
        self.assertFalse(closed.picking_id)
        self.assertEqual(closed.state, "closed")
        self.assertEqual(delivered.picking_id.move_ids.product_id, self.product_b)
        self.assertEqual(delivered.state, "to_receive")

    def test_a_sku_on_no_order_line_is_listed(self):
        order, ids = self.shipped_order(factory.item("SKU-A", 1))
        summary = self.apply(
            merchant_return(
                order.amazon_order_ref,
                "DQ7u1",
                ("SKU-A", 1, ids["SKU-A"]),
                ("SKU-ZZZ", 1, None),
            )
        )
        self.assertIn(
            f"1 item(s) on no order line: {order.amazon_order_ref}: SKU-ZZZ", summary
        )
        ret = self.returns_of(order)
        self.assertTrue(ret.to_check)
        self.assertIn("SKU-ZZZ", ret.note)
        unmatched = ret.line_ids.filtered(lambda line: line.sku == "SKU-ZZZ")
        self.assertFalse(unmatched.sale_line_id)
        # The matched item still comes back.
        self.assertEqual(ret.picking_id.move_ids.product_id, self.product_a)

    def test_rows_not_read_are_listed(self):
        summary = self.apply(problems=[(7, "Return quantity is not a number: 'x'")])
        self.assertIn(
            "1 row(s) not read: line 7: Return quantity is not a number: 'x'", summary
        )

    def test_the_returns_views(self):
        order, ids = self.shipped_order(factory.item("SKU-A", 1))
        self.apply(
            merchant_return(order.amazon_order_ref, "DQ7v1", ("SKU-A", 1, ids["SKU-A"]))
        )
        action = self.env.ref("amazon_connector.action_amazon_return")
        self.assertEqual(
            self.env.ref("amazon_connector.menu_amazon_return").action, action
        )
        views = self.env["amazon.return"].get_views(
            [(False, kind) for kind in ("list", "form", "search", "pivot", "graph")]
        )["views"]
        search = views["search"]["arch"]
        for name in ("to_receive", "received", "refunded", "not_refunded"):
            self.assertIn(f'name="{name}"', search)
        for group_by in ("reason_code", "product_id", "fulfillment_channel"):
            self.assertIn(f"'group_by': '{group_by}'", search)
        self.assertIn('name="product_id" type="col"', views["pivot"]["arch"])
        grouped = self.env["amazon.return"].read_group(
            [("order_id", "=", order.id)],
            ["product_id"],
            ["reason_code", "product_id"],
            lazy=False,
        )
        self.assertEqual(
            [(g["reason_code"], g["product_id"][0], g["__count"]) for g in grouped],
            [("DEFECTIVE", self.product_a.id, 1)],
        )
        order_form = self.env["sale.order"].get_view(
            self.env.ref("sale.view_order_form").id
        )["arch"]
        self.assertIn('name="amazon_return_ids"', order_form)
        self.assertIn('name="action_amazon_view_returns"', order_form)
        picking_form = self.env["stock.picking"].get_view(
            self.env.ref("stock.view_picking_form").id
        )["arch"]
        self.assertIn('name="amazon_return_rma"', picking_form)

    # ------------------------------------------------------------ end to end

    def us_row(self, order_ref, rma, sku, quantity, reason="CR-DEFECTIVE"):
        """A row of the US 2025 file (its cells, values of this test)."""
        cells = [order_ref, "10-Jul-2025", "14-Jul-2025", "Approved", rma, " "]
        cells += ["AmazonPrePaidLabel", "4.14", "USD", "UPS", "1Z999AA10123456784"]
        cells += ["Customer", "N", "N", "B000TEST01", sku, "Lamp", str(quantity)]
        cells += [reason, "Y", "C-Returns", "StandardRefund", " ", " ", "10.00", "1"]
        cells += [""] * 6
        return "\t".join(cells)

    def test_a_returns_report_document_through_amazon_report(self):
        order, _ids = self.shipped_order(factory.item("SKU-A", 2))
        document = "\n".join(
            (
                US_2025_HEADER,
                self.us_row(order.amazon_order_ref, "DfqRyqfBRRMA", "SKU-A", 1),
                self.us_row("113-9999999-9999999", "Dk2xTpQ7RRMA", "SKU-A", 1),
            )
        ).encode()
        report = self.env["amazon.report"]._amazon_create(
            self.account, MERCHANT_REPORT, self.env["amazon.return"]
        )
        report.write({"state": "in_progress", "amazon_report_ref": "R-E2E-1"})
        report._amazon_ended("DONE", ReportDocument(document, "utf-8"))
        self.assertEqual(report.state, "done", report.result)
        self.assertIn("1 new (1 return transfer(s))", report.result)
        self.assertIn("orders not in Odoo: 113-9999999-9999999", report.result)
        ret = self.returns_of(order)
        self.assertEqual(ret.amazon_rma_ref, "DfqRyqfBRRMA")
        self.assertEqual(ret.line_ids.sale_line_id.product_id, self.product_a)
        self.assertEqual(ret.picking_id.move_ids.product_uom_qty, 1)
        self.assertEqual(ret.picking_id.state, "assigned")
        run = self.account.sync_run_ids.filtered(lambda r: r.kind == "returns")
        self.assertEqual((run.state, run.summary), ("ok", report.result))

    def test_the_daily_fetch_against_the_simulator(self):
        order, _ids = self.shipped_order(factory.item("SKU-A", 2))
        self.simulator.state.add_return(order.amazon_order_ref)
        with run_jobs(retry=True) as run:
            self.env["amazon.return"]._amazon_fetch(self.account)
        self.assertIn("_amazon_request", run.methods())
        reports = self.env["amazon.report"].search(
            [("account_id", "=", self.account.id), ("res_model", "=", "amazon.return")]
        )
        merchant = reports.filtered(lambda r: r.report_type == MERCHANT_REPORT)
        self.assertEqual(merchant.state, "done", merchant.result)
        ret = self.returns_of(order)
        self.assertEqual(len(ret), 1)
        self.assertTrue(ret.amazon_rma_ref)
        self.assertEqual(ret.line_ids.quantity, 2)
        self.assertEqual(ret.picking_id.move_ids.product_uom_qty, 2)
        self.assertEqual(ret.state, "to_receive")
        # The next day's fetch overlaps: the same RMA, no second return.
        with run_jobs(retry=True):
            self.env["amazon.return"]._amazon_fetch(self.account)
        self.assertEqual(self.returns_of(order), ret)
        self.assertEqual(len(self.return_transfers(order)), 1)
