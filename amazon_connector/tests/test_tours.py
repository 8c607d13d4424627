# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The connector as its users see it: one browser tour per role, each as a user with
that role's groups, against the local Amazon simulator (static/tests/tours/).

The tours' clicks run in Odoo's HTTP server thread, where queue_job would only
queue the jobs: ``jobs_at_once()`` has them run there and then, as the job runner
would a moment later. What a tour did is then checked here, in the test's own
transaction (the server's requests share it).
"""

from datetime import datetime, timedelta, timezone

from odoo import fields
from odoo.tests import new_test_user, tagged

from . import order_factory as factory
from .common_offers import AmazonOfferCommon
from .common_settlements import AmazonSettlementCommon
from .common_tours import AmazonTourCase
from .job_runner import run_jobs


@tagged("post_install", "-at_install", "is_tour")
class TestTours(AmazonTourCase, AmazonOfferCommon, AmazonSettlementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            role: new_test_user(cls.env, login=f"tour_{role}", groups=groups)
            for role, groups in {
                "admin": "base.group_system,sales_team.group_sale_manager,"
                "stock.group_stock_manager",
                "salesperson": "sales_team.group_sale_salesman_all_leads,"
                "amazon_connector.group_amazon_user",
                "warehouse": "stock.group_stock_user,amazon_connector.group_amazon_user",
                "stock": "sales_team.group_sale_salesman,stock.group_stock_user,"
                "amazon_connector.group_amazon_manager",
                "seller": "sales_team.group_sale_salesman_all_leads,"
                "stock.group_stock_user,amazon_connector.group_amazon_user",
                "accountant": "account.group_account_invoice,"
                "sales_team.group_sale_salesman,amazon_connector.group_amazon_user",
            }.items()
        }

    def tour(self, name, url, role, **data):
        with self.jobs_at_once():
            self.start_tour(url, name, login=f"tour_{role}", tour_data=data)

    # ------------------------------------------------------------------ admin

    def test_admin_connects_an_account_and_imports_orders(self):
        """Settings > Sales: the connector on; a new account on the simulator,
        connected; Import Orders Now; the orders in Sales > Amazon > Orders;
        Import Listings; its report read in Sales > Amazon > Reports."""
        self.env["ir.config_parameter"].set_param("amazon_connector.enabled", "False")
        # The class's account has the simulator's seller: the admin makes their own.
        self.account.write({"seller_id": "A1OTHERSELLER", "active": False})
        payloads = [
            factory.order([factory.item("SKU-A")], buyer_name="Ada Admin"),
            factory.order([factory.item("SKU-B")], buyer_name="Bo Admin"),
        ]
        self.publish(*payloads)
        self.simulator.state.add_listing("SKU-A", marketplace="DE", quantity=3)
        credentials = self.simulator.credentials
        self.tour(
            "amazon_admin",
            "/odoo/settings",
            "admin",
            seller_id=credentials["seller_id"],
            client_id=credentials["client_id"],
            client_secret=credentials["client_secret"],
            refresh_token=credentials["refresh_token"],
            api_endpoint=self.simulator.url,
            lwa_token_url=self.simulator.token_url,
            buyers=["Ada Admin", "Bo Admin"],
        )
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("amazon_connector.enabled"),
            "True",
        )
        account = self.env["amazon.account"].search(
            [("seller_id", "=", credentials["seller_id"])]
        )
        self.assertEqual(account.state, "connected")
        self.assertEqual(account.api_endpoint, self.simulator.url)
        orders = self.env["sale.order"].search([("amazon_account_id", "=", account.id)])
        self.assertEqual(
            set(orders.mapped("amazon_order_ref")), {p["orderId"] for p in payloads}
        )
        reports = self.env["amazon.report"].search([("account_id", "=", account.id)])
        self.assertEqual(reports.mapped("state"), ["done"])
        self.assertEqual(reports.report_type, "GET_MERCHANT_LISTINGS_ALL_DATA")
        offers = self.env["amazon.offer"].search([("account_id", "=", account.id)])
        self.assertIn("SKU-A", offers.mapped("sku"))

    # ------------------------------------------------------------------ overview

    def test_seller_reads_the_overview_and_opens_the_late_orders(self):
        """Sales > Amazon > Overview: the account's card counts what waits; its
        Late figure opens exactly the late orders."""
        now = fields.Datetime.now()
        orders = {}
        for buyer, ship_in, days_ago in (
            ("Lena Late", -1, 3),
            ("Luis Late", -2, 4),
            ("Tom Today", 0.1, 1),
            ("Nora Next-week", 6, 0),
        ):
            _payload, order = self.amazon_order(factory.item("SKU-A"), buyer_name=buyer)
            order.write(
                {
                    "amazon_latest_ship_date": now + timedelta(days=ship_in),
                    "amazon_purchase_date": now - timedelta(days=days_ago),
                }
            )
            orders[buyer] = order
        orders["Nora Next-week"].amazon_marketplace_id = self.marketplace_fr
        refused = self.delivery(orders["Tom Today"])
        refused.amazon_sync_state = "error"
        self.publish_settlement_record(1234.56)
        account = self.account
        account.invalidate_recordset()
        self.assertEqual(account.overview_late, 2)
        self.tour(
            "amazon_overview",
            "/odoo/sales",
            "seller",
            account=account.name,
            to_ship=account.overview_to_ship,
            late=account.overview_late,
            refused=account.overview_shipments_failed,
            orders_run=account.sync_run_ids.filtered(
                lambda run: run.kind == "orders"
            ).summary,
            settlement_total="1,234.56",
            late_buyers=["Lena Late", "Luis Late"],
            on_time_buyer="Nora Next-week",
        )

    def publish_settlement_record(self, total):
        """A booked settlement of ``total`` EUR on the account, as imported."""
        return self.env["amazon.settlement"].create(
            {
                "account_id": self.account.id,
                "marketplace_id": self.marketplace_de.id,
                "settlement_ref": "24288136401",
                "deposit_date": fields.Datetime.now() - timedelta(days=1),
                "end_date": fields.Datetime.now() - timedelta(days=3),
                "currency_id": self.env.ref("base.EUR").id,
                "total_amount": total,
            }
        )

    # ------------------------------------------------------------------ sales

    def test_salesperson_finds_an_order_by_number_buyer_and_zip(self):
        """The ordinary Sales > Orders search, text typed and Enter: the Amazon
        order number, the buyer's name, the ZIP; then the order's Amazon page."""
        payload, order = self.amazon_order(
            factory.item("SKU-A"), buyer_name="Zacharias Quuxmann", postal_code="49610"
        )
        self.amazon_order(factory.item("SKU-B"), buyer_name="Erika Mustermann")
        self.tour(
            "amazon_salesperson",
            "/odoo/sales",
            "salesperson",
            order_ref=payload["orderId"],
            order_name=order.name,
            buyer="Quuxmann",
            zip="49610",
        )

    # ------------------------------------------------------------------ stock

    def test_warehouse_ships_and_amazon_is_told(self):
        """Inventory > Deliveries: the Amazon order's delivery validated with a
        carrier and a tracking number shows Confirmed to Amazon."""
        payload, order = self.amazon_order(
            factory.item("SKU-A"), buyer_name="Wanda Warehouse"
        )
        picking = self.delivery(order)
        self.tour(
            "amazon_warehouse",
            "/odoo/inventory",
            "warehouse",
            picking=picking.name,
            carrier=self.dhl.name,
            tracking="00340434161234567890",
        )
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.amazon_sync_state, "confirmed")
        (confirmation,) = self.confirmations(payload)
        self.assertIn("00340434161234567890", str(confirmation))

    def test_seller_receives_an_amazon_return(self):
        """Sales > Amazon > Returns: the return the daily fetch made from Amazon's
        returns report opens its return transfer; receiving it receives the
        return, and the order's last action says so."""
        payload, order = self.amazon_order(
            factory.item("SKU-A", 2), buyer_name="Rita Returns"
        )
        self.ship(self.delivery(order))
        self.simulator.state.add_return(
            order.amazon_order_ref, items={payload["orderItems"][0]["orderItemId"]: 1}
        )
        with run_jobs(retry=True):
            self.env["amazon.return"]._amazon_fetch(self.account)
        ret = order.amazon_return_ids
        self.assertEqual(ret.state, "to_receive")
        self.tour(
            "amazon_returns",
            "/odoo/sales",
            "seller",
            order_ref=order.amazon_order_ref,
            reason=ret.reason,
        )
        self.assertEqual(ret.picking_id.state, "done")
        self.assertEqual(ret.state, "received")
        self.assertIn("return received", order.amazon_last_action)

    def test_seller_reads_the_fba_ledger_and_differences(self):
        """Sales > Amazon > FBA Ledger: a receipt Amazon's ledger reports,
        moved into the FBA location; FBA Differences: a product Odoo holds one
        more of than Amazon; the account's FBA page and its locations."""
        product = self.storable("FBA-TOUR")
        self.offer(product, fulfillment_channel="amazon")
        self.simulator.state.fba_inbound_shipment(
            "FBA15TOUR001",
            {"FBA-TOUR": 5},
            received={"FBA-TOUR": 5},
            at=datetime.now(timezone.utc) - timedelta(days=3),
            marketplace="DE",
        )
        self.account.fba_ledger_fetched_until = fields.Date.today() - timedelta(days=7)
        with run_jobs(retry=True):
            self.account.action_amazon_fba_sync()
        fba = self.account.fba_location_id
        self.assertEqual(product.with_context(location=fba.id).qty_available, 5)
        self.put(product, 1, fba)
        self.env["amazon.fba.difference"]._amazon_compare(self.account)
        self.tour(
            "amazon_fba",
            "/odoo/sales",
            "stock",
            sku="FBA-TOUR",
            product=product.display_name,
            account=self.account.name,
            location=fba.name,
        )

    def test_stock_offer_explains_and_sends_its_quantity(self):
        """Sales > Amazon > Offers: the offer's form explains its available-to-sell
        figure; Send to Amazon sends it."""
        product = self.storable("MUG-RED", 12.0)
        offer = self.offer(product)
        self.assertEqual(offer.available_qty, 12)
        self.tour(
            "amazon_stock",
            "/odoo/sales",
            "stock",
            sku=offer.sku,
            note=offer.availability_note,
            quantity="12",
        )
        self.assertEqual(offer.last_sent_qty, 12)
        sent = [m for m in self.sent_messages() if m["sku"] == "MUG-RED"]
        self.assertTrue(sent, "a listings feed message for MUG-RED")

    # ------------------------------------------------------------------ accounting

    def test_accountant_uploads_a_settlement_and_the_invoice_is_paid(self):
        """An account's Upload Settlement: the simulator's settlement file books,
        and the invoice of the order it settles shows Paid."""
        payload, order = self.shipped_order(
            self.item(quantity=2, price="250.00", shipping="4.90")
        )
        invoice = order.invoice_ids
        self.assertEqual(invoice.payment_state, "not_paid")
        published = self.publish_settlement(payload, advertising=None)
        content = published.content
        self.tour(
            "amazon_accountant",
            "/odoo/sales",
            "accountant",
            account=self.account.name,
            settlement=content.decode() if isinstance(content, bytes) else content,
            settlement_ref=str(published.settlement_id),
            invoice=invoice.name,
        )
        self.assertEqual(self.settlement(published.settlement_id).state, "posted")
        self.assertEqual(invoice.payment_state, "paid")
