# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Amazon's Inventory Ledger becomes stock moves of the account's FBA
locations, each row once: receipts from In Transit to Amazon, customer
shipments matched to the FBA orders' deliveries, customer returns matched to
the FBA returns (never counted twice, whichever comes first), removals out to a
receipt in the warehouse or to the loss location, transfers between centres
netted, adjustments by reason code; the bad input of the issue.

The rows are ``LedgerEvent`` values as the ledger's reader hands them over; their
columns and words are those of ``GET_LEDGER_DETAIL_VIEW_DATA`` as Amazon's
Seller Central help on the Inventory Ledger report and SP-API's report type
values describe them (Date, FNSKU, ASIN, MSKU, Title, Event Type, Reference ID,
Quantity, Fulfillment Center, Disposition, Reason, Country): FNSKUs shaped like
Amazon's (``X00…``), inbound shipment ids like ``FBA15…``, fulfilment centres
of Amazon.de (LEJ1, DTM2). The reason codes M (Inventory misplaced), F
(Inventory found), E (Damaged at Amazon fulfillment center), D (Disposed of) and
Q (disposition changed) are read with the kinds Seller Central's help on
inventory adjustments gives them; "ZZ" is a code nobody documents."""

from datetime import date, datetime, time, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from ..amazon import ledger_vocabulary
from ..amazon.inventory_ledger import LedgerEvent, LedgerReading
from . import order_factory as f
from .common_offers import AmazonOfferCommon
from .common_orders import minutes_ago
from .test_returns_fba import fba_return
from .test_returns_fba import reading as returns_reading

DAY = date(2026, 12, 1)
#: Customer shipments match the orders ordered around their day: today's.
TODAY = date.today()

#: The reason codes the tests use, with their kinds and Amazon's words.
REASONS = {
    "M": (ledger_vocabulary.LOST, "Inventory misplaced"),
    "F": (ledger_vocabulary.FOUND, "Inventory found"),
    "E": (ledger_vocabulary.DAMAGED, "Damaged at Amazon fulfillment center"),
    "D": (ledger_vocabulary.DISPOSED, "Disposed of"),
    "Q": (ledger_vocabulary.DISPOSITION, "Disposition changed"),
}


def row(event_type, sku, quantity, **values):
    """One ledger row: a sellable unit at LEJ1 on Amazon.de unless told."""
    return LedgerEvent(
        **{
            "day": DAY,
            "fnsku": f"X00{sku.replace('-', '')}01",
            "asin": "B000TEST01",
            "sku": sku,
            "title": f"Test product {sku}",
            "event_type": event_type,
            "reference_id": None,
            "quantity": quantity,
            "fulfillment_center": "LEJ1",
            "disposition": "SELLABLE",
            "reason": None,
            "country": "DE",
            **values,
        }
    )


def ledger(*events, problems=()):
    return LedgerReading(events=events, problems=problems)


class FbaLedgerCommon(AmazonOfferCommon):
    def setUp(self):
        super().setUp()
        # The reason codes' table is the vocabulary's; these tests ask of it
        # only a kind (or None) and Amazon's words per code.
        kinds = patch.object(
            ledger_vocabulary,
            "adjustment_kind",
            lambda code: REASONS.get(code, (None, None))[0],
        )
        labels = patch.object(
            ledger_vocabulary,
            "reason_label",
            lambda code: REASONS.get(code, (None, code))[1],
        )
        for patcher in (kinds, labels):
            patcher.start()
            self.addCleanup(patcher.stop)
        with self.simulator.state.lock:
            self.simulator.state.returns.clear()
        self.Event = self.env["amazon.fba.event"]
        self.fba = self.account._amazon_fba_location()
        self.unsellable = self.account._amazon_fba_unsellable_location()
        self.transit = self.account._amazon_fba_transit_location()
        self.loss = self.account._amazon_fba_loss_location()
        self.fba_offer(self.product_b, "SKU-B")

    def fba_offer(self, product, sku, **values):
        return self.env["amazon.offer"].create(
            {
                "account_id": self.account.id,
                "marketplace_id": self.marketplace_de.id,
                "sku": sku,
                "product_id": product.id,
                "fulfillment_channel": "amazon",
                **values,
            }
        )

    def apply(self, *events, problems=(), report=None):
        return self.Event._amazon_apply_ledger(
            self.account, ledger(*events, problems=problems), report=report
        )

    def events(self, **domain):
        return self.Event.search(
            [("account_id", "=", self.account.id)]
            + [(name, "=", value) for name, value in domain.items()],
            order="id",
        )

    def at(self, product, location):
        return product.with_context(location=location.id).qty_available

    def fba_order(self, sku="SKU-B", quantity=2):
        """An order Amazon fulfilled and shipped, imported: its sales order."""
        return self.fba_orders((sku, quantity))[0]

    def fba_orders(self, *items):
        """Orders Amazon fulfilled and shipped (one per ``(sku, quantity)``,
        the first the oldest), imported in one run: their sales orders."""
        payloads = [
            f.order(
                [f.item(sku, quantity, "20.00", shipped=quantity)],
                fulfilled_by="AMAZON",
                status="SHIPPED",
                created=minutes_ago(90 - 10 * n),
            )
            for n, (sku, quantity) in enumerate(items)
        ]
        self.publish(*payloads)
        self.import_orders()
        orders = [self.imported(payload) for payload in payloads]
        for order in orders:
            self.assertEqual(order.picking_ids.state, "done")
        return orders


@tagged("post_install", "-at_install")
class TestFbaLedger(FbaLedgerCommon):
    # ------------------------------------------------------------ receipts

    def test_a_receipt_moves_units_from_transit_into_fba(self):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.account._amazon_fba_send_picking_type().id,
                "amazon_inbound_shipment_id": "FBA15ABCDE01",
            }
        )
        summary = self.apply(
            row("Receipts", "SKU-B", 3, reference_id="FBA15ABCDE01"),
            row(
                "Receipts",
                "SKU-B",
                1,
                reference_id="FBA15ABCDE01",
                disposition="WAREHOUSE_DAMAGED",
            ),
        )
        sellable, damaged = self.events()
        self.assertRecordValues(
            sellable | damaged,
            [
                {
                    "state": "moved",
                    "product_id": self.product_b.id,
                    "picking_id": picking.id,
                    "note": False,
                },
                {
                    "state": "moved",
                    "product_id": self.product_b.id,
                    "picking_id": picking.id,
                    "note": False,
                },
            ],
        )
        self.assertRecordValues(
            sellable.move_id | damaged.move_id,
            [
                {
                    "state": "done",
                    "quantity": 3.0,
                    "location_id": self.transit.id,
                    "location_dest_id": self.fba.id,
                    "origin": "FBA15ABCDE01",
                    "amazon_ledger_key": sellable.key,
                    "amazon_ledger_account_id": self.account.id,
                    "amazon_ledger_reason": "Receipts",
                },
                {
                    "state": "done",
                    "quantity": 1.0,
                    "location_id": self.transit.id,
                    "location_dest_id": self.unsellable.id,
                    "origin": "FBA15ABCDE01",
                    "amazon_ledger_key": damaged.key,
                    "amazon_ledger_account_id": self.account.id,
                    "amazon_ledger_reason": "Receipts",
                },
            ],
        )
        self.assertEqual(self.at(self.product_b, self.fba), 3)
        self.assertEqual(self.at(self.product_b, self.unsellable), 1)
        self.assertIn("2 movement(s) read, 0 already known; 2 moved", summary)

    def test_queries_grow_with_the_moves_only_not_the_skus(self):
        """A report of 12 SKUs costs what 2 cost plus what Odoo itself spends
        on the 10 more moves it creates and validates (the bare ORM)."""
        products = [self.storable(f"LED-{n:02d}") for n in range(24)]
        for product in products:
            self.fba_offer(product, product.default_code)

        def ledger_run(day, batch):
            self.apply(*(row("Receipts", p.default_code, 1, day=day) for p in batch))

        def bare_run(batch):
            moves = self.env["stock.move"].create(
                [
                    {
                        "name": "bare",
                        "product_id": p.id,
                        "product_uom": p.uom_id.id,
                        "product_uom_qty": 1,
                        "location_id": self.transit.id,
                        "location_dest_id": self.fba.id,
                        "picked": True,
                        "move_line_ids": [
                            (
                                0,
                                0,
                                {
                                    "product_id": p.id,
                                    "product_uom_id": p.uom_id.id,
                                    "quantity": 1,
                                    "location_id": self.transit.id,
                                    "location_dest_id": self.fba.id,
                                },
                            )
                        ],
                    }
                    for p in batch
                ]
            )
            moves._action_done()

        ledger_small = self.queries(lambda: ledger_run(date(2026, 12, 2), products[:2]))
        ledger_large = self.queries(
            lambda: ledger_run(date(2026, 12, 3), products[:12])
        )
        bare_small = self.queries(lambda: bare_run(products[12:14]))
        bare_large = self.queries(lambda: bare_run(products[12:24]))
        self.assertEqual(self.at(products[11], self.fba), 1)
        self.assertLessEqual(
            ledger_large - ledger_small,
            bare_large - bare_small + 2,
            "the ledger's own queries grow with the SKUs",
        )

    def queries(self, function):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        function()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def test_a_receipt_without_transfer_is_noted(self):
        summary = self.apply(row("Receipts", "SKU-B", 2, reference_id="FBA15NOTOURS"))
        event = self.events()
        self.assertEqual(event.state, "moved")
        self.assertFalse(event.picking_id)
        self.assertIn("FBA15NOTOURS", event.note)
        self.assertIn("below zero", event.note)
        # The units did travel: In Transit to Amazon is below zero, and the
        # run says so.
        self.assertEqual(self.at(self.product_b, self.transit), -2)
        self.assertIn("no Send to Amazon transfer", summary)
        self.assertIn("FBA15NOTOURS", summary)

    def test_a_receipt_is_linked_to_a_transfer_recorded_later(self):
        self.apply(
            row("Receipts", "SKU-B", 2, reference_id="FBA15LATE", day=TODAY),
        )
        event = self.events()
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.account._amazon_fba_send_picking_type().id,
                "amazon_inbound_shipment_id": "FBA15LATE",
            }
        )
        summary = self.apply()
        self.assertRecordValues(event, [{"picking_id": picking.id, "note": False}])
        self.assertIn("1 earlier receipt(s) linked", summary)

    # ----------------------------------------------------------- shipments

    def test_a_shipment_is_matched_to_the_fba_order_that_delivered_it(self):
        older, newer = self.fba_orders(("SKU-B", 1), ("SKU-B", 2))
        fba_before = self.at(self.product_b, self.fba)
        self.apply(
            row("Shipments", "SKU-B", -1, reference_id="DzL1vbWmN", day=TODAY),
            row("Shipments", "SKU-B", -2, reference_id="DzL1vbWmP", day=TODAY),
        )
        first, second = self.events()
        self.assertRecordValues(
            first | second,
            [
                {"state": "matched", "sale_order_id": older.id, "move_id": False},
                {"state": "matched", "sale_order_id": newer.id, "move_id": False},
            ],
        )
        # The orders' deliveries took the units: the ledger moves none again.
        self.assertEqual(self.at(self.product_b, self.fba), fba_before)

    def test_a_shipment_without_order_waits_one_run_then_is_flagged(self):
        summary = self.apply(
            row("Shipments", "SKU-B", -1, reference_id="DzL1vbWmN", day=TODAY)
        )
        event = self.events()
        self.assertEqual(event.state, "waiting")
        self.assertIn("1 customer shipment(s) wait for their order", summary)
        summary = self.apply()
        self.assertEqual(event.state, "flagged")
        self.assertIn("No imported Amazon order shipped these units", event.note)
        self.assertIn("Needs a look", summary)
        self.assertFalse(event.move_id)
        # Tried again by the next runs, listed only once.
        summary = self.apply()
        self.assertEqual(event.state, "flagged")
        self.assertNotIn("Needs a look", summary)

    def test_a_waiting_shipment_is_matched_when_its_order_arrives(self):
        self.apply(row("Shipments", "SKU-B", -2, day=TODAY))
        event = self.events()
        self.assertEqual(event.state, "waiting")
        order = self.fba_order(quantity=2)
        self.apply()
        self.assertRecordValues(
            event, [{"state": "matched", "sale_order_id": order.id, "note": False}]
        )

    def test_an_old_order_does_not_absorb_a_shipment(self):
        """Only the orders ordered from 7 days before the shipment's day to
        the day after it are matched: an old order left unmatched does not
        take a multi-channel shipment's units."""
        old = self.fba_order(quantity=1)
        old.amazon_purchase_date = fields.Datetime.subtract(
            old.amazon_purchase_date, days=8
        )
        self.apply(row("Shipments", "SKU-B", -1, day=TODAY))
        event = self.events()
        self.assertEqual(event.state, "waiting")
        # A shipment of 8 days ago is the old order's.
        self.apply(
            row("Shipments", "SKU-B", -1, day=TODAY - timedelta(days=8)),
        )
        earlier = self.events() - event
        self.assertEqual(earlier.sale_order_id, old)

    def test_a_flagged_shipment_is_matched_by_an_order_imported_late(self):
        self.apply(row("Shipments", "SKU-B", -2, day=TODAY))
        event = self.events()
        self.apply()
        self.assertEqual(event.state, "flagged")
        order = self.fba_order(quantity=2)
        summary = self.apply()
        self.assertRecordValues(
            event, [{"state": "matched", "sale_order_id": order.id, "note": False}]
        )
        self.assertNotIn("Needs a look", summary)

    def test_a_flagged_shipment_is_tried_again_for_30_days(self):
        day = TODAY - timedelta(days=31)
        self.apply(row("Shipments", "SKU-B", -1, day=day))
        self.apply()
        event = self.events()
        self.assertEqual(event.state, "flagged")
        order = self.fba_order(quantity=1)
        order.amazon_purchase_date = datetime.combine(day, time(12))
        summary = self.apply()
        # Older than 30 days: not tried again.
        self.assertEqual(event.state, "flagged")
        self.assertNotIn("Needs a look", summary)
        event.date = TODAY - timedelta(days=29)
        order.amazon_purchase_date = datetime.combine(event.date, time(12))
        self.apply()
        self.assertEqual(event.sale_order_id, order)

    def test_a_shipment_waits_while_the_same_run_reads_another_report(self):
        """A run asks a report per marketplace: a shipment of the first is
        not flagged by the second's retry, only by the next run's."""
        Report = self.env["amazon.report"]
        first, second = (
            Report._amazon_create(
                self.account, "GET_LEDGER_DETAIL_VIEW_DATA", self.Event
            )
            for _n in range(2)
        )
        self.apply(row("Shipments", "SKU-B", -1, day=TODAY), report=first)
        self.apply(report=second)
        event = self.events()
        self.assertEqual(event.state, "waiting")
        self.assertEqual(event.report_id, first)
        self.apply()  # the next run
        self.assertEqual(event.state, "flagged")

    def test_shipped_units_are_matched_once(self):
        order = self.fba_order(quantity=1)
        self.apply(row("Shipments", "SKU-B", -1, reference_id="DzL1", day=TODAY))
        self.apply(row("Shipments", "SKU-B", -1, reference_id="DzL2", day=TODAY))
        first, second = self.events()
        self.assertEqual(first.sale_order_id, order)
        self.assertEqual(second.state, "waiting")

    # ---------------------------------------------------- customer returns

    def test_the_returns_report_first_then_the_ledger_matches_it(self):
        order = self.fba_order(quantity=2)
        self.env["amazon.return"]._amazon_apply_fba_returns(
            self.account,
            returns_reading(fba_return(order.amazon_order_ref, "SKU-B")),
        )
        ret = self.env["amazon.return"].search(
            [("amazon_order_ref", "=", order.amazon_order_ref)]
        )
        fba_before = self.at(self.product_b, self.fba)
        ref = order.amazon_order_ref
        self.apply(row("CustomerReturns", "SKU-B", 1, reference_id=ref))
        self.apply(
            row(
                "CustomerReturns",
                "SKU-B",
                1,
                reference_id=ref,
                fulfillment_center="DTM2",
            )
        )
        matched, other = self.events()
        self.assertRecordValues(
            matched, [{"state": "matched", "return_id": ret.id, "move_id": False}]
        )
        # A second unit no return reported: moved back from the customer.
        self.assertEqual(other.state, "moved")
        self.assertEqual(other.move_id.location_dest_id, self.fba)
        self.assertEqual(self.at(self.product_b, self.fba), fba_before + 1)

    def test_the_ledger_first_then_the_returns_report_links_its_move(self):
        order = self.fba_order(quantity=2)
        fba_before = self.at(self.product_b, self.fba)
        self.apply(
            row(
                "CustomerReturns",
                "SKU-B",
                1,
                disposition="CUSTOMER_DAMAGED",
                reference_id=order.amazon_order_ref,
            )
        )
        event = self.events()
        self.assertEqual(event.move_id.location_dest_id, self.unsellable)
        self.env["amazon.return"]._amazon_apply_fba_returns(
            self.account,
            returns_reading(
                fba_return(
                    order.amazon_order_ref, "SKU-B", disposition="CUSTOMER_DAMAGED"
                )
            ),
        )
        ret = self.env["amazon.return"].search(
            [("amazon_order_ref", "=", order.amazon_order_ref)]
        )
        self.assertEqual(event.return_id, ret)
        self.assertEqual(ret.line_ids.move_id, event.move_id)
        self.assertEqual(self.at(self.product_b, self.unsellable), 1)
        self.assertEqual(self.at(self.product_b, self.fba), fba_before)

    def fba_returns(self, order, *rows):
        """The FBA returns report's rows of ``order`` applied: its returns."""
        self.env["amazon.return"]._amazon_apply_fba_returns(
            self.account,
            returns_reading(
                *(
                    fba_return(
                        order.amazon_order_ref,
                        "SKU-B",
                        license_plate_number=f"LPN{order.id:05d}{n:05d}",
                        **values,
                    )
                    for n, values in enumerate(rows)
                )
            ),
        )
        return self.env["amazon.return"].search(
            [("amazon_order_ref", "=", order.amazon_order_ref)], order="id"
        )

    def units_back(self, before):
        """Units of SKU-B in FBA and FBA Unsellable, less ``before``."""
        return (
            self.at(self.product_b, self.fba)
            + self.at(self.product_b, self.unsellable)
            - before
        )

    def test_a_ledger_row_of_two_covers_two_returns_of_one(self):
        order = self.fba_order(quantity=2)
        before = self.units_back(0)
        ref = order.amazon_order_ref
        self.apply(row("CustomerReturns", "SKU-B", 2, reference_id=ref))
        first, second = self.fba_returns(order, {}, {})
        self.assertEqual(self.units_back(before), 2)
        event = self.events()
        self.assertEqual(event.return_id, first)
        self.assertEqual(first.line_ids.move_id, event.move_id)
        self.assertEqual(second.line_ids.move_id, event.move_id)

    def test_a_return_of_two_covers_two_ledger_rows_of_one(self):
        order = self.fba_order(quantity=2)
        before = self.units_back(0)
        ret = self.fba_returns(order, {"quantity": 2})
        ref = order.amazon_order_ref
        self.apply(row("CustomerReturns", "SKU-B", 1, reference_id=ref))
        self.apply(
            row(
                "CustomerReturns",
                "SKU-B",
                1,
                reference_id=ref,
                fulfillment_center="DTM2",
            )
        )
        self.assertEqual(self.units_back(before), 2)
        self.assertRecordValues(
            self.events(),
            [
                {"state": "matched", "return_id": ret.id, "move_id": False},
                {"state": "matched", "return_id": ret.id, "move_id": False},
            ],
        )

    def test_a_ledger_row_partly_taken_back_moves_the_rest(self):
        """Ledger first for one unit, the return says two: one more moved;
        a return of one, then a ledger row of two: one more moved."""
        order, other = self.fba_orders(("SKU-B", 2), ("SKU-B", 2))
        before = self.units_back(0)
        self.apply(
            row("CustomerReturns", "SKU-B", 1, reference_id=order.amazon_order_ref)
        )
        ret = self.fba_returns(order, {"quantity": 2})
        self.assertEqual(self.units_back(before), 2)
        self.assertEqual(ret.line_ids.move_id.quantity, 1)
        self.fba_returns(other, {})
        self.apply(
            row("CustomerReturns", "SKU-B", 2, reference_id=other.amazon_order_ref)
        )
        self.assertEqual(self.units_back(before), 4)
        event = self.events(reference_id=other.amazon_order_ref)
        self.assertEqual((event.state, event.move_id.quantity), ("moved", 1))
        self.assertIn("1 unit(s) already taken back", event.note)

    def test_a_return_graded_otherwise_stays_where_the_first_put_it(self):
        order, other = self.fba_orders(("SKU-B", 2), ("SKU-B", 2))
        fba, unsellable = (
            self.at(self.product_b, loc) for loc in (self.fba, self.unsellable)
        )
        # The returns report first (damaged), the ledger then says sellable.
        self.fba_returns(order, {"disposition": "CUSTOMER_DAMAGED"})
        self.apply(
            row("CustomerReturns", "SKU-B", 1, reference_id=order.amazon_order_ref)
        )
        event = self.events(reference_id=order.amazon_order_ref)
        self.assertEqual(event.state, "matched")
        self.assertIn("SELLABLE", event.note)
        # The ledger first (sellable), the returns report then says damaged.
        self.apply(
            row("CustomerReturns", "SKU-B", 1, reference_id=other.amazon_order_ref)
        )
        ret = self.fba_returns(other, {"disposition": "CUSTOMER_DAMAGED"})
        self.assertIn("first: they stay there", ret.note)
        self.assertEqual(self.at(self.product_b, self.unsellable), unsellable + 1)
        self.assertEqual(self.at(self.product_b, self.fba), fba + 1)

    def test_a_return_of_another_order_is_not_matched(self):
        order, other = self.fba_orders(("SKU-B", 1), ("SKU-B", 1))
        before = self.units_back(0)
        self.fba_returns(order, {})
        self.apply(
            row("CustomerReturns", "SKU-B", 1, reference_id=other.amazon_order_ref)
        )
        self.assertEqual(self.events().state, "moved")
        self.assertEqual(self.units_back(before), 2)

    # ------------------------------------------------ removals, transfers

    def test_a_removal_goes_to_transit_and_a_receipt_waits_in_the_warehouse(self):
        self.apply(
            row("VendorReturns", "SKU-B", -2, reference_id="RMV0001"),
            row(
                "VendorReturns",
                "SKU-B",
                -1,
                reference_id="RMV0001",
                disposition="DEFECTIVE",
            ),
        )
        sellable, defective = self.events()
        self.assertEqual(sellable.move_id.location_id, self.fba)
        self.assertEqual(defective.move_id.location_id, self.unsellable)
        self.assertEqual((sellable | defective).move_id.location_dest_id, self.transit)
        receipt = sellable.picking_id
        self.assertEqual(defective.picking_id, receipt)
        warehouse = self.account._amazon_fba_warehouse()
        self.assertRecordValues(
            receipt,
            [
                {
                    "picking_type_id": warehouse.in_type_id.id,
                    "location_id": self.transit.id,
                    "location_dest_id": warehouse.lot_stock_id.id,
                    "amazon_removal_order_id": "RMV0001",
                    "amazon_fba_account_id": self.account.id,
                    "state": "assigned",
                }
            ],
        )
        self.assertEqual(sum(receipt.move_ids.mapped("product_uom_qty")), 3)

    def test_a_removal_shipped_over_two_days_has_one_receipt(self):
        self.apply(row("VendorReturns", "SKU-B", -1, reference_id="RMV0003"))
        self.apply(
            row(
                "VendorReturns",
                "SKU-B",
                -2,
                reference_id="RMV0003",
                day=date(2026, 12, 2),
            )
        )
        first, second = self.events()
        self.assertEqual(first.picking_id, second.picking_id)
        self.assertEqual(sum(first.picking_id.move_ids.mapped("product_uom_qty")), 3)
        self.assertEqual(first.picking_id.state, "assigned")

    def test_a_disposal_goes_to_the_loss_location(self):
        self.apply(
            row(
                "VendorReturns",
                "SKU-B",
                -1,
                reference_id="RMV0002",
                disposition="DEFECTIVE",
                reason="D",
            )
        )
        event = self.events()
        self.assertEqual(event.move_id.location_id, self.unsellable)
        self.assertEqual(event.move_id.location_dest_id, self.loss)
        self.assertFalse(event.picking_id)

    def test_a_transfer_between_centres_nets_to_zero(self):
        self.apply(
            row("WhseTransfers", "SKU-B", -1, fulfillment_center="LEJ1"),
            row("WhseTransfers", "SKU-B", 1, fulfillment_center="DTM2"),
        )
        self.assertEqual(self.events().mapped("state"), ["netted", "netted"])
        self.assertFalse(self.events().move_id)

    # --------------------------------------------------------- adjustments

    def test_adjustments_by_reason_code(self):
        self.apply(
            row("Adjustments", "SKU-B", -1, reason="M"),
            row("Adjustments", "SKU-B", 1, reason="F"),
            row("Adjustments", "SKU-B", -1, reason="E"),
            row("Adjustments", "SKU-B", 1, reason="E", disposition="WAREHOUSE_DAMAGED"),
        )
        lost, found, damaged_out, damaged_in = self.events()
        self.assertRecordValues(
            lost | found | damaged_out | damaged_in,
            [
                {
                    "state": "moved",
                    "adjustment_kind": "lost",
                    "reason_code": "M",
                    "reason": "Inventory misplaced",
                },
                {
                    "state": "moved",
                    "adjustment_kind": "found",
                    "reason_code": "F",
                    "reason": "Inventory found",
                },
                {
                    "state": "moved",
                    "adjustment_kind": "damaged",
                    "reason_code": "E",
                    "reason": "Damaged at Amazon fulfillment center",
                },
                {
                    "state": "moved",
                    "adjustment_kind": "damaged",
                    "reason_code": "E",
                    "reason": "Damaged at Amazon fulfillment center",
                },
            ],
        )
        self.assertEqual(
            (lost.move_id.location_id, lost.move_id.location_dest_id),
            (self.fba, self.loss),
        )
        self.assertEqual(
            lost.move_id.amazon_ledger_reason, "Adjustments M: Inventory misplaced"
        )
        self.assertEqual(
            (found.move_id.location_id, found.move_id.location_dest_id),
            (self.loss, self.fba),
        )
        # A damage: a sellable unit out, a damaged one in; nets in the loss.
        self.assertEqual(damaged_in.move_id.location_dest_id, self.unsellable)
        self.assertEqual(self.at(self.product_b, self.fba), -1)
        self.assertEqual(self.at(self.product_b, self.unsellable), 1)

    def test_an_undocumented_reason_code_moves_units_out_only(self):
        summary = self.apply(
            row("Adjustments", "SKU-B", -2, reason="ZZ"),
            row("Adjustments", "SKU-B", 1, reason="ZZ", fulfillment_center="DTM2"),
        )
        out, found = self.events()
        self.assertRecordValues(
            out | found,
            [
                {"state": "moved", "adjustment_kind": False, "reason": "ZZ"},
                {"state": "flagged", "adjustment_kind": False, "reason": "ZZ"},
            ],
        )
        self.assertEqual(out.move_id.location_dest_id, self.loss)
        self.assertFalse(found.move_id)
        self.assertIn("ZZ", out.note)
        self.assertIn("ZZ", found.note)
        self.assertIn("Needs a look: SKU-B: Reason code ZZ", summary)


@tagged("post_install", "-at_install")
class TestFbaLedgerBadInput(FbaLedgerCommon):
    def test_a_row_without_product_is_listed_then_bound_by_its_offer(self):
        lamp = self.storable("LAMP-9")
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.account._amazon_fba_send_picking_type().id,
                "amazon_inbound_shipment_id": "FBA15X",
            }
        )
        summary = self.apply(row("Receipts", "LAMP-9", 4, reference_id="FBA15X"))
        event = self.events()
        self.assertRecordValues(
            event, [{"state": "unbound", "product_id": False, "move_id": False}]
        )
        self.assertIn("No product for SKU (units): LAMP-9 (4)", summary)
        offer = self.fba_offer(lamp, "LAMP-9")
        self.apply()
        self.assertEqual(event.state, "moved")
        self.assertEqual(event.product_id, lamp)
        self.assertEqual(event.picking_id, picking)
        self.assertEqual(self.at(lamp, self.fba), 4)
        # The ledger taught the offer its FNSKU.
        self.assertEqual(offer.fnsku, "X00LAMP901")

    def test_a_row_is_bound_by_its_fnsku(self):
        lamp = self.storable("LAMP-8")
        self.fba_offer(lamp, "LAMP-8-DE", fnsku="X00LAMPDE8")
        self.apply(row("Receipts", "LAMP-8-OLD", 1, fnsku="X00LAMPDE8"))
        self.assertEqual(self.events().product_id, lamp)

    def test_the_same_day_read_twice_moves_nothing_twice(self):
        # Three single-unit losses at one centre on one day: three identical
        # rows, told apart by the reader's count of them.
        rows = [
            row("Adjustments", "SKU-B", -1, reason="M", occurrence=n) for n in (1, 2, 3)
        ]
        self.apply(*rows)
        self.assertEqual(len(self.events()), 3)
        self.assertEqual(self.at(self.product_b, self.fba), -3)
        # The same day again, and an overlapping report with the next day.
        summary = self.apply(*rows)
        self.assertIn("0 moved", summary)
        self.assertIn("3 already known", summary)
        self.apply(
            *rows, row("Adjustments", "SKU-B", -1, reason="M", day=date(2026, 12, 2))
        )
        self.assertEqual(len(self.events()), 4)
        self.assertEqual(self.at(self.product_b, self.fba), -4)
        self.assertEqual(len(self.events().move_id), 4)

    def test_a_row_added_later_to_a_day_read_is_moved_once(self):
        """Each run reads the last day read again: a row Amazon wrote after
        the first reading (a second identical loss) is moved, once."""
        loss = row("Adjustments", "SKU-B", -1, reason="M", occurrence=1)
        self.apply(loss)
        later = row("Adjustments", "SKU-B", -1, reason="M", occurrence=2)
        self.apply(loss, later)
        self.apply(loss, later)
        self.assertEqual(len(self.events().move_id), 2)
        self.assertEqual(self.at(self.product_b, self.fba), -2)

    def test_a_negative_quantity_is_not_clamped(self):
        """Amazon ships or loses units Odoo never saw arrive: Odoo's FBA
        quantity goes negative, for the comparison to show it."""
        self.apply(row("Adjustments", "SKU-B", -2, reason="M"))
        self.assertEqual(self.at(self.product_b, self.fba), -2)
        self.assertEqual(self.events().move_id.quantity, 2)

    def test_the_readers_problems_are_listed(self):
        summary = self.apply(
            row("Receipts", "SKU-B", 1),
            problems=((7, "the quantity abc is not a number"),),
        )
        self.assertIn("Problems: line 7: the quantity abc is not a number", summary)
        self.assertEqual(self.events().state, "moved")

    def test_an_unknown_event_type_is_flagged(self):
        self.apply(row("Adjustments", "SKU-B", -1, reason="M"))
        # Written as the reader could never give it, to be sure nothing moves.
        outcome = {}
        self.Event._amazon_event_outcome(
            None, {"event_type": "Teleports"}, outcome, first_run=True
        )
        self.assertEqual(outcome["state"], "flagged")


@tagged("post_install", "-at_install")
class TestFbaLedgerValuation(FbaLedgerCommon):
    def test_a_loss_books_its_value_a_receipt_books_none(self):
        category = self.env["product.category"].create(
            {
                "name": "AVCO automated (FBA ledger test)",
                "property_cost_method": "average",
                "property_valuation": "real_time",
            }
        )
        lamp = self.storable("LAMP-V", categ_id=category.id, standard_price=12.5)
        self.fba_offer(lamp, "LAMP-V")
        self.apply(row("Receipts", "LAMP-V", 3, reference_id="FBA15VAL"))
        receipt = self.events()
        self.assertFalse(receipt.move_id.stock_valuation_layer_ids)
        self.apply(row("Adjustments", "LAMP-V", -1, reason="M"))
        loss = self.events(reason_code="M")
        layer = loss.move_id.stock_valuation_layer_ids
        self.assertEqual(layer.quantity, -1)
        self.assertAlmostEqual(layer.value, -12.5)
        self.assertTrue(layer.account_move_id, "the loss is booked")
