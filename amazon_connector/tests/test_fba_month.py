# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""A month of an FBA seller, end to end against the simulator: stock sent to
Amazon with a Send to Amazon transfer (one unit never received), FBA orders
shipped and imported, a customer return read from both the FBA returns report
and the ledger, a unit lost and found, a damage, a removal sent back, a
disposal, a transfer between centres. One FBA run (the ledger report, then
Amazon's inventory summaries) leaves Odoo's FBA and FBA Unsellable quantities
equal to Amazon's for every SKU, with no difference listed, and the stock's
value moved where it should (a loss booked, a receipt at Amazon not).

Amazon here is the simulator: its ledger rows are Amazon's
``GET_LEDGER_DETAIL_VIEW_DATA`` columns (tools/amazon_simulator/fba_ledger.py
says where each shape comes from) and its summaries Amazon's
``getInventorySummaries`` model (fbaInventory.json)."""

from datetime import datetime, time, timedelta, timezone

from odoo import fields
from odoo.tests import tagged

from . import order_factory as f
from .common_offers import AmazonOfferCommon
from .job_runner import run_jobs

SKUS = ("MONTH-A", "MONTH-B", "MONTH-C")
COSTS = {"MONTH-A": 10.0, "MONTH-B": 20.0, "MONTH-C": 30.0}
SENT = {"MONTH-A": 20, "MONTH-B": 10, "MONTH-C": 5}
RECEIVED = {"MONTH-A": 20, "MONTH-B": 9, "MONTH-C": 5}
SHIPMENT = "FBA15MONTH01"


@tagged("post_install", "-at_install")
class TestFbaMonth(AmazonOfferCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["amazon.account"])
        category = cls.env["product.category"].create(
            {
                "name": "FBA month (AVCO, automated)",
                "property_cost_method": "average",
                "property_valuation": "real_time",
            }
        )
        cls.products = {}
        for sku in SKUS:
            product = cls.env["product.product"].create(
                {
                    "name": f"Product {sku}",
                    "default_code": sku,
                    "is_storable": True,
                    "categ_id": category.id,
                    "standard_price": COSTS[sku],
                }
            )
            cls.env["stock.quant"].with_context(inventory_mode=True).create(
                {
                    "product_id": product.id,
                    "location_id": cls.warehouse.lot_stock_id.id,
                    "inventory_quantity": 50,
                }
            ).action_apply_inventory()
            cls.products[sku] = product
        cls.account.write(
            {
                "state": "connected",
                "fba_ledger_fetched_until": cls.today - timedelta(days=31),
                "import_orders_from": fields.Datetime.now() - timedelta(days=40),
            }
        )

    def day(self, days_ago, hour=10):
        """A moment ``days_ago`` days before today, in UTC."""
        return datetime.combine(
            self.today - timedelta(days=days_ago), time(hour)
        ).replace(tzinfo=timezone.utc)

    def send_to_amazon(self):
        """The seller's Send to Amazon transfer of ``SENT``, validated."""
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.account._amazon_fba_send_picking_type().id,
                "amazon_inbound_shipment_id": SHIPMENT,
                "move_ids": [
                    fields.Command.create(
                        {
                            "name": sku,
                            "product_id": self.products[sku].id,
                            "product_uom_qty": units,
                            "product_uom": self.products[sku].uom_id.id,
                        }
                    )
                    for sku, units in SENT.items()
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        picking.date_done = self.day(28).replace(tzinfo=None)
        return picking

    def fba_order(self, sku, units, days_ago):
        """An FBA order Amazon shipped ``days_ago`` days ago (the simulator
        writes its ledger shipment), imported."""
        payload = f.order(
            [f.item(sku, units, "25.00", shipped=units)],
            fulfilled_by="AMAZON",
            status="SHIPPED",
            created=self.day(days_ago + 1),
            updated=self.day(days_ago),
        )
        self.simulator.state.add_order(payload)
        return payload

    def amazon_month(self, state):
        """What Amazon does in the month, each dated in the past."""
        state.fba_inbound_shipment(
            SHIPMENT, SENT, received=RECEIVED, at=self.day(27), marketplace="DE"
        )
        state.close_inbound_shipment(SHIPMENT, at=self.day(20))
        orders = [
            self.fba_order("MONTH-A", 2, 18),
            self.fba_order("MONTH-B", 1, 16),
            self.fba_order("MONTH-A", 1, 15),
        ]
        state.fba_adjust("MONTH-A", -1, "M", at=self.day(12), marketplace="DE")
        state.fba_adjust("MONTH-B", -1, "E", at=self.day(8), marketplace="DE")
        state.fba_removal("RMV-MONTH-1", {"MONTH-A": 2}, at=self.day(6))
        state.fba_removal(
            "RMV-MONTH-2",
            {"MONTH-B": 1},
            "WAREHOUSE_DAMAGED",
            disposal=True,
            at=self.day(4),
        )
        state.fba_transfer("MONTH-C", 2, "LEJ1", "DTM2", at=self.day(3))
        state.fba_adjust("MONTH-A", 1, "F", at=self.day(2), marketplace="DE")
        return orders

    def test_a_month_of_an_fba_seller_ends_with_amazons_quantities(self):
        state = self.simulator.state
        offers = {
            sku: self.offer(product, fulfillment_channel="amazon")
            for sku, product in self.products.items()
        }
        picking = self.send_to_amazon()
        orders = self.amazon_month(state)
        with run_jobs(retry=True):
            self.account._import_orders()
        imported = self.env["sale.order"].search(
            [("amazon_order_ref", "in", [o["orderId"] for o in orders])]
        )
        self.assertEqual(len(imported), 3)
        self.assertEqual(set(imported.picking_ids.mapped("state")), {"done"})
        # The buyer of the first order sends one unit back, damaged: the FBA
        # returns report and the ledger both tell it.
        item_id = orders[0]["orderItems"][0]["orderItemId"]
        state.add_return(
            orders[0]["orderId"],
            items={item_id: 1},
            at=self.day(10),
            disposition="CUSTOMER_DAMAGED",
        )
        with run_jobs(retry=True):
            self.env["amazon.return"]._amazon_fetch(self.account)
        with run_jobs(retry=True):
            self.account.action_amazon_fba_sync()

        fba = self.account.fba_location_id
        unsellable = self.account.fba_unsellable_location_id
        de = self.marketplace_de.marketplace_id
        page = state.get_inventory_summaries(
            {
                "details": ["true"],
                "granularityType": ["Marketplace"],
                "granularityId": [de],
                "marketplaceIds": [de],
            }
        )
        summaries = {
            summary["sellerSku"]: summary["inventoryDetails"]
            for summary in page["payload"]["inventorySummaries"]
        }
        for sku, product in self.products.items():
            details = summaries[sku]
            sellable = (
                details["fulfillableQuantity"]
                + details["reservedQuantity"]["totalReservedQuantity"]
            )
            unfulfillable = details["unfulfillableQuantity"][
                "totalUnfulfillableQuantity"
            ]
            self.assertEqual(
                product.with_context(location=fba.id).qty_available, sellable, sku
            )
            self.assertEqual(
                product.with_context(location=unsellable.id).qty_available,
                unfulfillable,
                sku,
            )
            self.assertEqual(
                offers[sku].fba_fulfillable_qty, details["fulfillableQuantity"], sku
            )
        # A: 20 received - 3 shipped - 1 lost + 1 found - 2 removed = 15.
        self.assertEqual(
            self.products["MONTH-A"].with_context(location=fba.id).qty_available, 15
        )
        self.assertFalse(
            self.account.fba_difference_ids.filtered(lambda d: d.state == "open")
        )
        events = self.account.fba_event_ids
        self.assertLessEqual(
            set(events.mapped("state")), {"moved", "matched", "netted"}
        )
        self.assertEqual(
            sorted(set(events.mapped("event_type"))),
            sorted(
                [
                    "Adjustments",
                    "CustomerReturns",
                    "Receipts",
                    "Shipments",
                    "VendorReturns",
                    "WhseTransfers",
                ]
            ),
        )
        # The return is counted once: by the FBA returns report's move, the
        # ledger's row matched to it.
        returned = events.filtered(lambda e: e.event_type == "CustomerReturns")
        self.assertEqual(returned.state, "matched")
        self.assertTrue(returned.return_id)

        # Where the value went: the receipts at Amazon book nothing, the lost
        # unit and the disposed one are booked as losses at their cost.
        receipts = events.filtered(lambda e: e.event_type == "Receipts")
        self.assertEqual(receipts.picking_id, picking)
        self.assertFalse(receipts.move_id.stock_valuation_layer_ids)
        lost = events.filtered(lambda e: e.reason_code == "M")
        self.assertAlmostEqual(lost.move_id.stock_valuation_layer_ids.value, -10.0)
        self.assertTrue(lost.move_id.stock_valuation_layer_ids.account_move_id)
        disposed = events.filtered(lambda e: e.reason_code == "D")
        self.assertAlmostEqual(
            sum(disposed.move_id.stock_valuation_layer_ids.mapped("value")), -20.0
        )
        # The removal comes back through the warehouse: a receipt to validate.
        removal = events.filtered(lambda e: e.event_type == "VendorReturns")
        self.assertEqual(removal.picking_id.picking_type_code, "incoming")
        self.assertEqual(removal.picking_id.state, "assigned")
        # The unit of MONTH-B Amazon never received is flagged on the transfer.
        self.assertEqual(picking.amazon_inbound_status, "missing")

    def test_each_stock_pool_is_asked_once(self):
        """Amazon.de and Amazon.fr share the Pan-European stock (each answers
        the EU-wide figures, amzn/selling-partner-api-models#452); Amazon.co.uk
        has its own. The comparison asks one marketplace per pool and adds the
        pools up: 3 units in Germany, 2 in France and 4 in the UK are 9."""
        state = self.simulator.state
        product = self.storable("POOL-D")
        self.offer(product, fulfillment_channel="amazon")
        state.fba_seed({"POOL-D": 3}, marketplace="DE")
        state.fba_seed({"POOL-D": 2}, marketplace="FR")
        state.fba_seed({"POOL-D": 4}, marketplace="UK")
        fba = self.account._amazon_fba_location()
        self.put(product, 9, fba)
        self.assertEqual(
            sorted(self.account.marketplace_ids.country_id.mapped("code")),
            ["DE", "FR", "GB"],
        )
        self.env["amazon.fba.difference"]._amazon_compare(self.account)
        self.assertFalse(
            self.account.fba_difference_ids.filtered(
                lambda d: d.state == "open" and d.product_id == product
            )
        )
        asked = [
            log
            for log in self.committed_api_logs()
            if log["operation"] == "getInventorySummaries"
        ]
        self.assertEqual(len(asked), 2)
