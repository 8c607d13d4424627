# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from lxml import etree

from odoo.tests import Form, tagged

from .common import AmazonCommon


@tagged("post_install", "-at_install")
class TestAmazonSettings(AmazonCommon):
    def test_settings_block_toggle_and_account_count(self):
        self.env["amazon.account"].create(
            {"name": "Archived", "seller_id": "A1ARCH", "region": "na", "active": False}
        )
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.amazon_account_count, 1)
        self.assertFalse(settings.amazon_connector_enabled)
        self.assertEqual(settings.amazon_import_interval, 15)
        settings.amazon_connector_enabled = True
        settings.amazon_import_interval = 30
        settings.save().execute()
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("amazon_connector.enabled"),
            "True",
        )
        cron = self.env.ref("amazon_connector.ir_cron_amazon_import_orders")
        self.assertEqual((cron.interval_number, cron.interval_type), (30, "minutes"))
        self.assertEqual(
            Form(self.env["res.config.settings"]).amazon_import_interval, 30
        )

    def test_stock_and_price_export_interval(self):
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.amazon_export_interval, 15)
        settings.amazon_connector_enabled = True
        settings.amazon_export_interval = 5
        settings.save().execute()
        cron = self.env.ref("amazon_connector.ir_cron_amazon_export_offers")
        self.assertEqual((cron.interval_number, cron.interval_type), (5, "minutes"))
        self.assertEqual(
            Form(self.env["res.config.settings"]).amazon_export_interval, 5
        )

    def test_settings_view_shows_the_amazon_block_instead_of_the_upsell(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        view = etree.fromstring(arch)
        block = view.xpath("//block[@id='amazon_connector_setting_container']")
        self.assertEqual(len(block), 1)
        self.assertEqual(block[0].get("title"), "Amazon Connector")
        self.assertTrue(block[0].xpath(".//field[@name='amazon_connector_enabled']"))
        self.assertTrue(block[0].xpath(".//field[@name='amazon_account_count']"))
        link = block[0].xpath(".//button[@type='action']")
        action = self.env.ref("amazon_connector.action_amazon_account")
        self.assertEqual(link[0].get("name"), str(action.id))
        upsell = view.xpath("//setting[@id='amazon_connector']")
        self.assertTrue(upsell and upsell[0].get("invisible") in ("1", "True"))
