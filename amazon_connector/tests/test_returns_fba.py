# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""FBA customer returns: each row of Amazon's FBA customer returns report becomes
one return of its FBA order, once, and its units come back into the account's FBA
stock (sellable) or its FBA unsellable location, valued like the units that left.

The rows are ``FbaReturn`` values as the report's reader hands them over; their
columns and words are those of ``GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA``
(return-date, order-id, sku, asin, fnsku, product-name, quantity,
fulfillment-center-id, detailed-disposition, reason, status, license-plate-number,
customer-comments) as Seller Central's help on the FBA customer returns report
describes them; license plate numbers are shaped like Amazon's (``LPNRR…``). One
test reads the simulator's own FBA customer returns report of an imported order
with the addon's reader, as the fetch job does."""

from datetime import datetime, timedelta, timezone

from amazon_simulator.returns import FBA_REPORT_TYPE, build_returns_report

from odoo.tests import tagged

from ..amazon.fba_returns_report import FbaReturn, FbaReturnsReading, read_fba_returns
from . import order_factory as f
from .common_offers import AmazonOfferCommon
from .common_orders import minutes_ago

RETURNED = datetime(2026, 12, 3, 9, 15, tzinfo=timezone.utc)


def fba_return(order_ref, sku, quantity=1, **values):
    """One row of the report: a sellable unit back in LEJ1 unless told."""
    return FbaReturn(
        **{
            "return_date": RETURNED,
            "order_ref": order_ref,
            "sku": sku,
            "asin": "B000TEST01",
            "fnsku": "X00TEST001",
            "product_name": f"Test product {sku}",
            "quantity": quantity,
            "fulfillment_center": "LEJ1",
            "disposition": "SELLABLE",
            "reason_code": "UNWANTED_ITEM",
            "status": "Unit returned to inventory",
            "license_plate_number": "LPNRR0000000001",
            **values,
        }
    )


def reading(*rows, problems=()):
    return FbaReturnsReading(returns=rows, problems=problems)


@tagged("post_install", "-at_install")
class TestFbaReturns(AmazonOfferCommon):
    def setUp(self):
        super().setUp()
        with self.simulator.state.lock:
            self.simulator.state.returns.clear()

    def fba_order(self, sku="SKU-B", quantity=2, price="20.00"):
        """An order Amazon fulfilled and shipped, imported: its sales order."""
        payload = f.order(
            [f.item(sku, quantity, price, shipped=quantity)],
            fulfilled_by="AMAZON",
            status="SHIPPED",
            created=minutes_ago(60),
        )
        order = self.import_one(payload)
        self.assertEqual(order.picking_ids.state, "done")
        return order

    def apply(self, *rows, problems=()):
        return self.env["amazon.return"]._amazon_apply_fba_returns(
            self.account, reading(*rows, problems=problems)
        )

    def returns(self, order_ref):
        return self.env["amazon.return"].search(
            [
                ("account_id", "=", self.account.id),
                ("amazon_order_ref", "=", order_ref),
            ]
        )

    def at(self, product, location):
        return product.with_context(location=location.id).qty_available

    def test_a_sellable_unit_comes_back_into_the_fba_stock(self):
        order = self.fba_order()
        fba = self.account.fba_location_id
        before = self.at(self.product_b, fba)
        summary = self.apply(
            fba_return(
                order.amazon_order_ref,
                "SKU-B",
                reason_code="DEFECTIVE",
                customer_comments="Wobbles",
            )
        )
        ret = self.returns(order.amazon_order_ref)
        self.assertRecordValues(
            ret,
            [
                {
                    "order_id": order.id,
                    "fulfillment_channel": "amazon",
                    "license_plate_number": "LPNRR0000000001",
                    "disposition": "SELLABLE",
                    "fulfillment_center": "LEJ1",
                    "reason_code": "DEFECTIVE",
                    "amazon_status": "Unit returned to inventory",
                    "customer_comments": "Wobbles",
                    "state": "received",
                    "note": False,
                }
            ],
        )
        self.assertEqual(ret.reason, "Item defective")
        self.assertEqual(ret.delivered_date.isoformat(), "2026-12-03")
        self.assertEqual(ret.request_date.isoformat(), "2026-12-03")
        line = ret.line_ids
        self.assertEqual(
            (line.product_id, line.quantity, line.sale_line_id),
            (self.product_b, 1, order.order_line.filtered("amazon_order_item_id")),
        )
        move = line.move_id
        outgoing = order.picking_ids.move_ids
        self.assertRecordValues(
            move,
            [
                {
                    "state": "done",
                    "quantity": 1.0,
                    "location_id": outgoing.location_dest_id.id,
                    "location_dest_id": fba.id,
                    "origin_returned_move_id": outgoing.id,
                    "to_refund": False,
                    "partner_id": order.partner_id.id,
                }
            ],
        )
        self.assertEqual(self.at(self.product_b, fba), before + 1)
        self.assertEqual(self.available(self.product_b), 50, "own stock untouched")
        self.assertEqual(
            order.order_line.filtered("amazon_order_item_id").qty_delivered,
            2,
            "not refunded through the order: the settlement's refund is",
        )
        self.assertIn("1 return(s) recorded", summary)
        self.assertIn(f"1 unit(s) into {fba.display_name}", summary)
        self.assertEqual(order.amazon_last_action, "return received 2026-12-03")

    def test_the_simulators_report_of_an_fba_order_read_and_applied_once(self):
        order = self.fba_order()  # 2 units
        state = self.simulator.state
        state.add_return(
            order.amazon_order_ref,
            disposition="CUSTOMER_DAMAGED",
            reason_code="DAMAGED_BY_FC",
            fulfillment_center="LEJ1",
        )
        now = datetime.now(timezone.utc)
        report = build_returns_report(
            FBA_REPORT_TYPE,
            state.returns,
            [self.marketplace_de.marketplace_id],
            now - timedelta(days=1),
            now + timedelta(minutes=1),
        )
        rows = read_fba_returns(report.content)
        summary = self.env["amazon.return"]._amazon_apply_fba_returns(
            self.account, rows
        )
        returns = self.returns(order.amazon_order_ref)
        self.assertEqual(len(returns), 2, "one return per license plate number")
        self.assertEqual(
            sorted(returns.mapped("license_plate_number")),
            sorted(unit["lpn"] for unit in state.returns[0]["units"]),
        )
        self.assertEqual(set(returns.mapped("disposition")), {"CUSTOMER_DAMAGED"})
        unsellable = self.account.fba_unsellable_location_id
        self.assertEqual(self.at(self.product_b, unsellable), 2)
        self.assertIn(f"2 unit(s) into {unsellable.display_name}", summary)
        again = self.env["amazon.return"]._amazon_apply_fba_returns(self.account, rows)
        self.assertIn("0 return(s) recorded, 2 already known", again)
        self.assertEqual(self.at(self.product_b, unsellable), 2)

    def test_a_damaged_unit_goes_to_the_unsellable_location_and_is_not_offered(self):
        offer = self.offer(self.product_b)
        order = self.fba_order()
        self.assertEqual(offer.available_qty, 50)
        self.assertFalse(self.account.fba_unsellable_location_id)
        summary = self.apply(
            fba_return(order.amazon_order_ref, "SKU-B", disposition="CUSTOMER_DAMAGED")
        )
        unsellable = self.account.fba_unsellable_location_id
        self.assertTrue(unsellable, "created when first needed")
        self.assertEqual(unsellable.usage, "internal")
        self.assertFalse(unsellable.warehouse_id, "outside every warehouse")
        self.assertEqual(unsellable.company_id, self.account.company_id)
        ret = self.returns(order.amazon_order_ref)
        self.assertEqual(ret.disposition, "CUSTOMER_DAMAGED")
        self.assertEqual(ret.line_ids.move_id.location_dest_id, unsellable)
        self.assertEqual(self.at(self.product_b, unsellable), 1)
        self.assertIn(f"1 unit(s) into {unsellable.display_name}", summary)
        offer.invalidate_recordset()
        self.assertEqual(
            (offer.on_hand_qty, offer.available_qty), (50, 50), "never offered"
        )
        # A second damaged unit goes to the same location.
        self.apply(
            fba_return(
                order.amazon_order_ref,
                "SKU-B",
                disposition="DEFECTIVE",
                license_plate_number="LPNRR0000000002",
            )
        )
        self.assertEqual(self.account.fba_unsellable_location_id, unsellable)
        self.assertEqual(self.at(self.product_b, unsellable), 2)

    def test_an_unknown_disposition_is_kept_unsellable_and_said(self):
        order = self.fba_order()
        self.apply(fba_return(order.amazon_order_ref, "SKU-B", disposition="GRADED_X"))
        ret = self.returns(order.amazon_order_ref)
        self.assertFalse(ret.disposition)
        self.assertIn("GRADED_X", ret.note)
        self.assertEqual(
            ret.line_ids.move_id.location_dest_id,
            self.account.fba_unsellable_location_id,
        )

    def test_the_same_license_plate_number_again_creates_nothing(self):
        order = self.fba_order()
        row = fba_return(order.amazon_order_ref, "SKU-B")
        self.apply(row)
        again = self.apply(row)
        self.assertIn("0 return(s) recorded", again)
        self.assertIn("1 already known", again)
        # An overlapping report: the known unit and a new one.
        later = fba_return(
            order.amazon_order_ref, "SKU-B", license_plate_number="LPNRR0000000002"
        )
        overlapping = self.apply(row, later, later)
        self.assertIn("1 return(s) recorded", overlapping)
        self.assertIn("2 already known", overlapping)
        returns = self.returns(order.amazon_order_ref)
        self.assertEqual(len(returns), 2)
        self.assertEqual(len(returns.line_ids.move_id), 2)
        self.assertEqual(
            self.at(self.product_b, self.account.fba_location_id), 0, "-2 + 2"
        )

    def test_rows_without_license_plate_number_dedupe_on_order_sku_day_and_centre(
        self,
    ):
        order = self.fba_order()
        row = fba_return(order.amazon_order_ref, "SKU-B", license_plate_number=None)
        self.apply(row)
        self.apply(row)
        self.assertEqual(len(self.returns(order.amazon_order_ref)), 1)
        other_centre = fba_return(
            order.amazon_order_ref,
            "SKU-B",
            license_plate_number=None,
            fulfillment_center="FRA7",
        )
        self.apply(other_centre)
        returns = self.returns(order.amazon_order_ref)
        self.assertEqual(len(returns), 2)
        self.assertEqual(sorted(returns.mapped("fulfillment_center")), ["FRA7", "LEJ1"])
        self.assertEqual(len(returns.line_ids.move_id), 2)

    def test_a_sku_without_product_is_kept_and_listed_without_stock_move(self):
        order = self.fba_order()
        summary = self.apply(fba_return(order.amazon_order_ref, "SKU-GONE"))
        ret = self.returns(order.amazon_order_ref)
        self.assertEqual(ret.note, "SKU SKU-GONE has no product in Odoo: no stock move")
        self.assertFalse(ret.line_ids.product_id)
        self.assertFalse(ret.line_ids.move_id)
        self.assertEqual(ret.line_ids.quantity, 1)
        self.assertIn("SKU SKU-GONE has no product in Odoo", summary)
        self.assertIn(ret.name, summary)
        self.assertFalse(self.account.fba_unsellable_location_id)

    def test_the_sku_is_found_through_the_accounts_offer(self):
        order = self.fba_order(sku="SKU-A")
        self.offer(self.product_b, sku="FBA-CHAIR", fulfillment_channel="amazon")
        # The order's line is found through its product's SKU on Amazon...
        self.offer(self.product_a, sku="FBA-LAMP", fulfillment_channel="amazon")
        self.apply(fba_return(order.amazon_order_ref, "FBA-LAMP"))
        line = self.returns(order.amazon_order_ref).line_ids
        self.assertEqual(
            (line.product_id, line.sale_line_id.product_id), (self.product_a,) * 2
        )
        self.assertTrue(line.move_id.origin_returned_move_id)
        # ...and a SKU the order does not hold is the offer's product, which the
        # order never shipped: nothing comes back, said.
        self.apply(
            fba_return(
                order.amazon_order_ref,
                "FBA-CHAIR",
                license_plate_number="LPNRR0000000002",
            )
        )
        ret = self.returns(order.amazon_order_ref).filtered(
            lambda r: r.license_plate_number == "LPNRR0000000002"
        )
        self.assertEqual(ret.line_ids.product_id, self.product_b)
        self.assertEqual(ret.line_ids.quantity, 0)
        self.assertFalse(ret.line_ids.move_id)
        self.assertIn("the order shipped 0", ret.note)

    def test_a_return_of_an_unknown_order_is_listed_and_nothing_recorded(self):
        merchant = self.import_one(f.order([f.item("SKU-A")], status="SHIPPED"))
        summary = self.apply(
            fba_return("302-9999999-9999999", "SKU-A"),
            fba_return(
                merchant.amazon_order_ref,
                "SKU-A",
                license_plate_number="LPNRR0000000009",
            ),
            problems=((7, "the quantity 'x' is not a number"),),
        )
        self.assertFalse(self.returns("302-9999999-9999999"))
        self.assertFalse(self.returns(merchant.amazon_order_ref))
        self.assertIn(
            "1 return(s) of orders not imported, nothing recorded: "
            "302-9999999-9999999 (SKU-A).",
            summary,
        )
        self.assertIn(
            "1 return(s) of orders Amazon did not fulfil, nothing recorded: "
            f"{merchant.amazon_order_ref} (SKU-A).",
            summary,
        )
        self.assertIn("line 7: the quantity 'x' is not a number", summary)
        self.assertFalse(merchant.amazon_return_ids)

    def test_a_row_odoo_refuses_is_listed_kept_for_the_next_report(self):
        order = self.fba_order()
        # Lot-tracked since it left: Odoo wants a lot for the unit coming back.
        self.product_b.tracking = "lot"
        row = fba_return(order.amazon_order_ref, "SKU-B")
        summary = self.apply(row)
        self.assertFalse(self.returns(order.amazon_order_ref))
        self.assertIn("0 return(s) recorded", summary)
        self.assertIn(f"Problems: {order.amazon_order_ref} (SKU-B): ", summary)
        self.assertIn(self.product_b.display_name, summary)
        self.product_b.tracking = "none"
        self.assertIn("1 return(s) recorded", self.apply(row))
        self.assertEqual(self.returns(order.amazon_order_ref).line_ids.quantity, 1)

    def test_more_units_than_shipped_are_capped_and_said(self):
        order = self.fba_order()  # 2 shipped
        fba = self.account.fba_location_id
        self.apply(fba_return(order.amazon_order_ref, "SKU-B"))
        summary = self.apply(
            fba_return(
                order.amazon_order_ref,
                "SKU-B",
                quantity=3,
                license_plate_number="LPNRR0000000002",
            )
        )
        ret = self.returns(order.amazon_order_ref).filtered(
            lambda r: r.license_plate_number == "LPNRR0000000002"
        )
        self.assertEqual(ret.line_ids.quantity, 1)
        self.assertEqual(ret.line_ids.move_id.quantity, 1)
        self.assertEqual(
            ret.note,
            "Amazon reports 3 unit(s) of SKU-B back, the order shipped 2 and 1 came "
            "back before: 1 taken back",
        )
        self.assertIn(ret.note, summary)
        self.assertEqual(self.at(self.product_b, fba), 0, "-2 shipped + 2 back")
        # Nothing more can come back: a third unit records a return of none.
        self.apply(
            fba_return(
                order.amazon_order_ref, "SKU-B", license_plate_number="LPNRR0000000003"
            )
        )
        self.assertEqual(self.at(self.product_b, fba), 0)
        self.assertEqual(len(order.amazon_return_ids.line_ids.move_id), 2)

    def test_amazon_units_are_the_order_lines_unit(self):
        order = self.fba_order()  # 2 chairs shipped
        pair = self.env["uom.uom"].create(
            {
                "name": "Pair",
                "category_id": self.product_b.uom_id.category_id.id,
                "uom_type": "bigger",
                "factor_inv": 2,
            }
        )
        line = order._amazon_goods_lines()
        # The chairs sold by the pair: one pair ordered, two chairs shipped.
        self.env.cr.execute(
            "UPDATE sale_order_line SET product_uom = %s, product_uom_qty = 1 "
            "WHERE id = %s",
            [pair.id, line.id],
        )
        line.invalidate_recordset(["product_uom", "product_uom_qty"])
        fba = self.account.fba_location_id
        self.apply(fba_return(order.amazon_order_ref, "SKU-B"))
        ret = self.returns(order.amazon_order_ref)
        self.assertEqual(ret.line_ids.quantity, 1, "Amazon's unit: one pair")
        self.assertFalse(ret.note)
        self.assertEqual(ret.line_ids.move_id.product_qty, 2, "two chairs back")
        self.assertEqual(self.at(self.product_b, fba), 0, "-2 shipped + 2 back")
        # Both chairs came back: another pair is capped at none.
        self.apply(
            fba_return(
                order.amazon_order_ref, "SKU-B", license_plate_number="LPNRR0000000009"
            )
        )
        again = self.returns(order.amazon_order_ref) - ret
        self.assertEqual(again.line_ids.quantity, 0)
        self.assertIn("the order shipped 1 and 1 came back before", again.note)
        self.assertEqual(self.at(self.product_b, fba), 0)

    def test_a_kit_is_flagged_to_receive_by_hand(self):
        order = self.fba_order(quantity=1)
        component = self.env["product.product"].create(
            {"name": "Chair leg set", "is_storable": True}
        )
        # A kit leaves as its components (as a bill of materials of kit type
        # makes them): the order's done move is of a component, not the chair.
        self.env.cr.execute(
            "UPDATE stock_move SET product_id = %s WHERE id IN %s",
            [component.id, tuple(order.picking_ids.move_ids.ids)],
        )
        self.env.invalidate_all()
        summary = self.apply(fba_return(order.amazon_order_ref, "SKU-B"))
        ret = self.returns(order.amazon_order_ref)
        self.assertIn("kit: receive the components by hand", ret.note)
        self.assertNotIn("shipped", ret.note)
        self.assertIn("kit: receive the components by hand", summary)
        self.assertEqual(ret.line_ids.quantity, 1)
        self.assertFalse(ret.line_ids.move_id, "no stock move of the kit")

    def test_a_returned_unit_is_valued_like_the_unit_that_left(self):
        if "stock.valuation.layer" not in self.env:
            self.fail("stock_account comes with sale_stock and account")
        category = self.fifo_category()
        product = self.env["product.product"].create(
            {
                "name": "Valued lamp",
                "default_code": "SKU-V",
                "is_storable": True,
                "categ_id": category.id,
                "standard_price": 10.0,
            }
        )
        order = self.fba_order(sku="SKU-V", quantity=1, price="40.00")
        outgoing = order.picking_ids.move_ids
        self.assertEqual(outgoing.stock_valuation_layer_ids.value, -10.0)
        product.standard_price = 30.0  # the cost moved on since
        self.apply(fba_return(order.amazon_order_ref, "SKU-V"))
        move = self.returns(order.amazon_order_ref).line_ids.move_id
        self.assertEqual(move.stock_valuation_layer_ids.value, 10.0)
        self.assertEqual(move.stock_valuation_layer_ids.quantity, 1.0)
        entry = move.account_move_ids
        self.assertEqual(entry.state, "posted")
        self.assertEqual(
            entry.line_ids.filtered(
                lambda li: li.account_id == category.property_stock_valuation_account_id
            ).debit,
            10.0,
        )

    def fifo_category(self):
        """A FIFO category with automated valuation and its own accounts."""

        def account(code, kind):
            return self.env["account.account"].create(
                {"name": f"Stock {code}", "code": code, "account_type": kind}
            )

        journal = self.env["account.journal"].create(
            {"name": "Stock (FBA returns test)", "code": "STKR", "type": "general"}
        )
        return self.env["product.category"].create(
            {
                "name": "FIFO automated",
                "property_cost_method": "fifo",
                "property_valuation": "real_time",
                "property_stock_valuation_account_id": account(
                    "1399001", "asset_current"
                ).id,
                "property_stock_account_input_categ_id": account(
                    "1399002", "asset_current"
                ).id,
                "property_stock_account_output_categ_id": account(
                    "1399003", "asset_current"
                ).id,
                "property_stock_journal": journal.id,
            }
        )
