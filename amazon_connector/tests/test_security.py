# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import AmazonCommon

SECRETS = ("lwa_client_secret", "refresh_token")


@tagged("post_install", "-at_install")
class TestAmazonSecurity(AmazonCommon):
    def test_salesman_can_neither_read_nor_write_credentials(self):
        account = self.account.with_user(self.salesman)
        self.assertEqual(account.name, "Test EU")
        for field_name in SECRETS:
            with self.subTest(field=field_name):
                with self.assertRaises(AccessError):
                    account.read([field_name])
                with self.assertRaises(AccessError):
                    account.write({field_name: "stolen"})
        self.assertEqual(self.account.sudo().refresh_token, "Atzr|test-refresh-token")

    def test_secrets_are_not_exportable_nor_listed_for_non_admins(self):
        fields_for_salesman = (
            self.env["amazon.account"].with_user(self.salesman).fields_get()
        )
        for field_name in (*SECRETS, "lwa_client_id", "api_endpoint"):
            self.assertNotIn(field_name, fields_for_salesman)
        fields_for_admin = self.env["amazon.account"].fields_get(
            attributes=["exportable"]
        )
        for field_name in SECRETS:
            self.assertFalse(fields_for_admin[field_name]["exportable"])

    def test_amazon_administrator_configures_but_does_not_see_secrets(self):
        account = self.account.with_user(self.amazon_admin)
        account.write({"name": "Renamed", "lwa_client_id": "new-client"})
        self.assertEqual(self.account.lwa_client_id, "new-client")
        with self.assertRaises(AccessError):
            account.read(["refresh_token"])

    def test_amazon_user_cannot_configure_accounts(self):
        accounts = self.env["amazon.account"].with_user(self.salesman)
        with self.assertRaises(AccessError):
            accounts.create({"name": "No", "seller_id": "A1NO", "region": "eu"})
        with self.assertRaises(AccessError):
            self.account.with_user(self.salesman).write({"name": "No"})
        with self.assertRaises(AccessError):
            self.env["amazon.api.log"].with_user(self.salesman).search([])

    def test_settings_administrators_are_amazon_administrators(self):
        admin = new_test_user(
            self.env, login="settings_admin", groups="base.group_system"
        )
        self.assertTrue(admin.has_group("amazon_connector.group_amazon_manager"))
        self.assertTrue(admin.has_group("amazon_connector.group_amazon_user"))
        self.assertEqual(
            self.account.with_user(admin).refresh_token, "Atzr|test-refresh-token"
        )

    def test_accounts_are_company_bound(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        foreign = (
            self.env["amazon.account"]
            .with_company(other)
            .create({"name": "Foreign", "seller_id": "A1FOREIGN", "region": "eu"})
        )
        visible = self.env["amazon.account"].with_user(self.amazon_admin).search([])
        self.assertIn(self.account, visible)
        self.assertNotIn(foreign, visible)
        with self.assertRaises(AccessError):
            foreign.with_user(self.amazon_admin).read(["name"])

    def test_marketplaces_are_read_only_for_users(self):
        marketplace = self.marketplace_de.with_user(self.salesman)
        self.assertEqual(marketplace.code, "DE")
        with self.assertRaises(AccessError):
            marketplace.write({"name": "Amazon.de (mine)"})
        with self.assertRaises(AccessError):
            self.env["amazon.marketplace"].with_user(self.amazon_admin).create(
                {
                    "name": "Fake",
                    "code": "XX",
                    "marketplace_id": "X",
                    "region": "eu",
                    "country_id": self.env.ref("base.de").id,
                    "currency_id": self.env.ref("base.EUR").id,
                }
            )
