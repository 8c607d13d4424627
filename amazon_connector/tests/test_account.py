# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import AmazonCommon


@tagged("post_install", "-at_install")
class TestAmazonAccount(AmazonCommon):
    def test_defaults(self):
        account = self.env["amazon.account"].create(
            {"name": "Defaults", "seller_id": "A1DEFAULTS", "region": "na"}
        )
        self.assertEqual(account.state, "draft")
        self.assertEqual(account.company_id, self.env.company)
        self.assertTrue(account.import_orders_from)
        self.assertEqual(account.warehouse_id.company_id, self.env.company)
        self.assertTrue(account.team_id)

    def test_marketplace_outside_region_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "Marketplaces: Amazon.com"):
            with self.cr.savepoint():
                self.account.write({"marketplace_ids": [(4, self.marketplace_us.id)]})
        self.assertEqual(
            self.account.marketplace_ids, self.marketplace_de | self.marketplace_fr
        )

    def test_region_change_must_fit_marketplaces(self):
        with self.assertRaisesRegex(
            ValidationError, "do not belong to the region North"
        ):
            with self.cr.savepoint():
                self.account.region = "na"
        self.assertEqual(self.account.region, "eu")

    def test_same_seller_and_region_twice_in_a_company_is_refused(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError) as caught:
            with self.cr.savepoint():
                self.env["amazon.account"].create(
                    {"name": "Twin", "seller_id": "A1TESTSELLER01", "region": "eu"}
                )
        self.assertIn("seller_region_company_uniq", str(caught.exception))
        # Another region is another account.
        self.env["amazon.account"].create(
            {"name": "NA", "seller_id": "A1TESTSELLER01", "region": "na"}
        )

    def test_malformed_endpoint_is_refused(self):
        for url, reason in [
            ("sellingpartnerapi-eu.amazon.com", "https://host"),
            ("https://", "https://host"),
            ("ftp://example.com", "https://host"),
            ("http://example.com", "plain http"),
            ("https://example.com:notaport", "port"),
            ("https://example.com/?x=1", "query string"),
        ]:
            with self.subTest(url=url):
                with self.assertRaisesRegex(
                    ValidationError, f"API Endpoint Override.*{reason}"
                ):
                    with self.cr.savepoint():
                        self.account.api_endpoint = url
        with self.assertRaisesRegex(ValidationError, "LWA Token URL Override"):
            with self.cr.savepoint():
                self.account.lwa_token_url = "not a url"
        self.assertFalse(self.account.api_endpoint)
        # Accepted: Amazon's sandbox and a local simulator.
        self.account.api_endpoint = "https://sandbox.sellingpartnerapi-eu.amazon.com"
        self.account.lwa_token_url = "http://127.0.0.1:8899/auth/o2/token"
        self.account.api_endpoint = "http://localhost:8899"

    def test_placeholders_are_created_once_per_company(self):
        company = self.env.company
        generic = company.amazon_generic_product_id
        self.assertTrue(generic)
        self.assertEqual(generic.type, "consu")
        self.assertFalse(generic.is_storable, "an unknown SKU must not move real stock")
        self.assertEqual(company.amazon_shipping_product_id.type, "service")
        self.assertEqual(company.amazon_gift_wrap_product_id.type, "service")
        self.assertEqual(
            company.amazon_pending_partner_id.name, "Amazon Pending Account"
        )
        self.assertEqual(self.account.generic_product_id, generic)
        self.env["amazon.account"].create(
            {"name": "Second", "seller_id": "A1SECOND", "region": "fe"}
        )
        self.assertEqual(company.amazon_generic_product_id, generic)
        self.assertEqual(
            self.env["product.product"].search_count(
                [
                    ("name", "=", "Amazon Generic Product"),
                    ("company_id", "=", company.id),
                ]
            ),
            1,
        )

    def test_placeholders_are_per_company(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        account = (
            self.env["amazon.account"]
            .with_company(other)
            .create({"name": "Other", "seller_id": "A1OTHER", "region": "eu"})
        )
        self.assertEqual(account.company_id, other)
        self.assertEqual(other.amazon_generic_product_id.company_id, other)
        self.assertNotEqual(
            other.amazon_generic_product_id, self.company.amazon_generic_product_id
        )

    def test_test_connection_without_credentials_names_the_fields(self):
        account = self.env["amazon.account"].create(
            {
                "name": "Empty",
                "seller_id": "A1EMPTY",
                "region": "eu",
                "refresh_token": " ",
            }
        )
        with self.assertRaisesRegex(
            UserError, "fill in LWA Client ID, LWA Client Secret, Refresh Token"
        ):
            account.action_test_connection()
        self.assertEqual(account.state, "draft")
        self.assertFalse(account.last_error)
        self.assertFalse(
            self.env["amazon.api.log"].search_count([("account_ref", "=", account.id)])
        )
