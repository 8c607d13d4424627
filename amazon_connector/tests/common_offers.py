# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Shared set-up of the stock and price tests: offers of a connected account whose
listings the simulator knows, stock in two warehouses, the export's jobs run."""

import json

from .common_shipments import AmazonShipmentCommon
from .job_runner import run_jobs

LISTINGS_FEED = "JSON_LISTINGS_FEED"


class AmazonOfferCommon(AmazonShipmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "amazon_connector.enabled", "True"
        )
        cls.stock = cls.warehouse.lot_stock_id
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Shelf 2", "usage": "internal", "location_id": cls.stock.id}
        )
        cls.warehouse_2 = cls.env["stock.warehouse"].create(
            {"name": "Second site", "code": "WH2", "company_id": cls.company.id}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Offer Tester"})
        cls.vat_19 = cls.env["account.tax"].create(
            {
                "name": "VAT 19% (test)",
                "amount": 19.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "price_include_override": "tax_excluded",
                "company_id": cls.company.id,
            }
        )

    def setUp(self):
        super().setUp()
        with self.simulator.state.lock:
            self.simulator.state.listings.clear()
            self.simulator.state.listings_patches.clear()
            self.simulator.state.listings_item_requests.clear()
            self.simulator.state.listings_report_layouts = {}

    # ------------------------------------------------------------------ set-up

    def storable(self, code, quantity=0.0, location=None, **values):
        product = self.env["product.product"].create(
            {"name": f"Product {code}", "default_code": code, "is_storable": True}
            | values
        )
        if quantity:
            self.put(product, quantity, location)
        return product

    def put(self, product, quantity, location=None):
        self.env["stock.quant"]._update_available_quantity(
            product, location or self.stock, quantity
        )

    def offer(self, product, sku=None, marketplace=None, **values):
        """An offer of ``product`` on Amazon.de, listed on the simulator."""
        marketplace = marketplace or self.marketplace_de
        sku = sku or product.default_code
        self.simulator.state.add_listing(
            sku,
            marketplace=marketplace.code,
            fulfillment_channel="AMAZON_EU"
            if values.get("fulfillment_channel") == "amazon"
            else "DEFAULT",
        )
        return self.env["amazon.offer"].create(
            {
                "account_id": self.account.id,
                "marketplace_id": marketplace.id,
                "sku": sku,
                "product_id": product.id,
            }
            | values
        )

    def customer_delivery(self, product, quantity, confirm=True):
        """A confirmed delivery of ``quantity`` ``product`` to a customer."""
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "location_id": self.stock.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "location_id": self.stock.id,
                            "location_dest_id": self.env.ref(
                                "stock.stock_location_customers"
                            ).id,
                        },
                    )
                ],
            }
        )
        if confirm:
            picking.action_confirm()
        return picking

    # ------------------------------------------------------------------ export

    def export(self, account=None, **options):
        """Run the export of ``account`` and every job it queues; the JobRun."""
        with run_jobs(retry=True) as run:
            self.env["amazon.offer"]._amazon_queue_export(
                account or self.account, **options
            )
        self.run = run
        return run

    def listings_feeds(self):
        """The JSON_LISTINGS_FEED documents the simulator received, parsed."""
        return [
            json.loads(feed["content"])
            for feed in self.simulator.state.feeds.values()
            if feed["feedType"] == LISTINGS_FEED
        ]

    def sent_messages(self):
        return [m for feed in self.listings_feeds() for m in feed["messages"]]

    def sim_listing(self, sku):
        return self.simulator.state.listings.get(sku, {})
