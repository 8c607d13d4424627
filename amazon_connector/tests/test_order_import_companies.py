# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""A second company: its account's orders, taxes, pricelists, customers, warehouse
and FBA location are its own; users of the first company neither see nor use that
account; and an order that fails half-way leaves nothing behind for the next ones.
"""

from unittest import mock

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from . import order_factory as f
from .common_orders import AmazonOrderCommon, minutes_ago


@tagged("post_install", "-at_install")
class TestSecondCompany(AmazonOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create(
            {
                "name": "Amazon Seller B",
                "currency_id": cls.env.ref("base.EUR").id,
                "country_id": cls.env.ref("base.de").id,
            }
        )
        cls.env.user.company_ids |= cls.company_b
        cls.warehouse_b = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company_b.id)], limit=1
        )
        # Created from company B, as its admin would (defaults: B's team, warehouse).
        cls.account_b = (
            cls.env["amazon.account"]
            .with_company(cls.company_b)
            .create(
                {
                    "name": "Seller B EU",
                    "company_id": cls.company_b.id,
                    "seller_id": "A1SELLERB",
                    "region": "eu",
                    "lwa_client_id": cls.account.lwa_client_id,
                    "lwa_client_secret": cls.account.lwa_client_secret,
                    "refresh_token": cls.account.refresh_token,
                    "api_endpoint": cls.account.api_endpoint,
                    "lwa_token_url": cls.account.lwa_token_url,
                    "import_orders_from": cls.account.import_orders_from,
                    "state": "connected",
                    "marketplace_ids": [
                        (6, 0, (cls.marketplace_de | cls.marketplace_fr).ids)
                    ],
                }
            )
        )
        cls.product_b_company = cls.env["product.product"].create(
            {
                "name": "B's lamp",
                "default_code": "SKU-B-ONLY",
                "is_storable": True,
                "company_id": cls.company_b.id,
            }
        )
        cls.user_a = new_test_user(
            cls.env,
            login="amazon_user_company_a",
            groups="sales_team.group_sale_manager,amazon_connector.group_amazon_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )

    def test_account_defaults_are_the_companys(self):
        self.assertEqual(self.account_b.warehouse_id, self.warehouse_b)
        self.assertEqual(self.account_b.generic_product_id.company_id, self.company_b)

    def test_orders_belong_to_the_second_company(self):
        payload = f.order(
            [f.item("SKU-B-ONLY", 2, "11.90"), f.item("SKU-UNKNOWN", 1, "5.95")],
            marketplace="DE",
        )
        self.publish(payload)
        self.import_orders(self.account_b)
        order = self.imported(payload, self.account_b)
        company = self.company_b
        self.assertEqual(order.company_id, company)
        self.assertEqual(order.warehouse_id, self.warehouse_b)
        self.assertEqual(
            order.picking_ids.picking_type_id.warehouse_id, self.warehouse_b
        )
        self.assertEqual(order.pricelist_id.company_id, company)
        self.assertEqual(order.partner_id.company_id, company)
        self.assertEqual(order.partner_shipping_id.company_id, company)
        self.assertEqual(order.order_line.tax_id.company_id, company)
        self.assertEqual(order.order_line[0].product_id, self.product_b_company)
        self.assertEqual(
            order.order_line[1].product_id, self.account_b.generic_product_id
        )
        # A product of company A only is never taken by B's account (a product
        # without company is shared by all companies, as Odoo has it).
        only_a = self.env["product.product"].create(
            {
                "name": "A's own",
                "default_code": "SKU-A-ONLY",
                "company_id": self.company.id,
            }
        )
        payload_a = f.order(
            [f.item("SKU-A-ONLY", 1, "11.90")],
            marketplace="DE",
            created=minutes_ago(10),
            updated=minutes_ago(5),
        )
        self.publish(payload_a)
        self.import_orders(self.account_b)
        order_a_sku = self.imported(payload_a, self.account_b)
        self.assertEqual(
            order_a_sku.order_line.product_id, self.account_b.generic_product_id
        )
        self.assertNotEqual(order_a_sku.order_line.product_id, only_a)

    def test_fba_orders_use_the_second_companys_location(self):
        payload = f.order(
            [f.item("SKU-B-ONLY", 1, "11.90")],
            marketplace="DE",
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self.publish(payload)
        self.import_orders(self.account_b)
        order = self.imported(payload, self.account_b)
        location = self.account_b.fba_location_id
        self.assertEqual(location.company_id, self.company_b)
        self.assertEqual(order.picking_ids.location_id, location)
        self.assertEqual(order.picking_ids.state, "done")

    # ------------------------------------------------------------------ access

    def test_a_user_of_the_first_company_cannot_read_the_account(self):
        Account = self.env["amazon.account"].with_user(self.user_a)
        self.assertNotIn(self.account_b, Account.search([]))
        with self.assertRaises(AccessError):
            self.account_b.with_user(self.user_a).read(["name"])

    def test_import_one_order_refuses_an_account_the_user_cannot_read(self):
        payload = f.order([f.item("SKU-B-ONLY")], marketplace="DE")
        self.publish(payload)
        wizard = (
            self.env["amazon.order.fetch.wizard"]
            .with_user(self.user_a)
            .create(
                {
                    "account_id": self.account_b.id,
                    "amazon_order_ref": payload["orderId"],
                }
            )
        )
        with self.assertRaises(AccessError):
            wizard.action_fetch()
        self.assertFalse(self.sale_order(payload, self.account_b))

    def test_a_company_without_country_gets_a_clear_error(self):
        self.company_b.write({"country_id": False, "account_fiscal_country_id": False})
        payload = f.order([f.item("SKU-B-ONLY", 1, "11.90")], marketplace="DE")
        self.publish(payload)
        self.import_orders(self.account_b)
        record = self.import_record(payload, self.account_b)
        self.assertEqual(record.state, "failed")
        self.assertIn("has no country", record.error)
        self.assertIn("Settings", record.error)

    # ------------------------------------------------------------------ failures

    def test_an_order_failing_half_way_leaves_nothing_behind(self):
        """The first order of the page fails after its customer, sales order,
        pricelist and tax were made (rolled back); the second order and both import
        records survive."""
        first = f.order(
            [f.item("SKU-B-ONLY", 1, "11.90")],
            marketplace="DE",
            created=minutes_ago(30),
            updated=minutes_ago(20),
        )
        second = f.order(
            [f.item("SKU-B-ONLY", 1, "23.80")],
            marketplace="DE",
            created=minutes_ago(29),
            updated=minutes_ago(19),
        )
        self.publish(first, second)
        Sync = type(self.env["amazon.order.sync"])
        confirm = Sync._confirm

        def _confirm(sync, batch, sale_order, order):
            if order.order_id == first["orderId"]:
                self.assertTrue(sale_order.partner_id)
                raise ValueError("the warehouse has no delivery route")
            return confirm(sync, batch, sale_order, order)

        with mock.patch.object(Sync, "_confirm", _confirm):
            self.import_orders(self.account_b)
        failed = self.import_record(first, self.account_b)
        self.assertEqual(failed.state, "failed")
        self.assertIn("no delivery route", failed.error)
        self.assertFalse(self.sale_order(first, self.account_b))
        done = self.import_record(second, self.account_b)
        self.assertEqual(done.state, "done", done.error)
        order = self.imported(second, self.account_b)
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.pricelist_id.exists())
        self.assertEqual(order.pricelist_id.company_id, self.company_b)
