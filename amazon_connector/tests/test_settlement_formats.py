# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Settlements in each marketplace's own format (decimal comma and thousands,
day-first dates in the UK, Japan's cp932 and JST), fetched and uploaded."""

import base64
import gzip
from datetime import timedelta
from decimal import Decimal

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from . import order_factory as factory
from .common_settlements import AmazonSettlementCommon


@tagged("post_install", "-at_install")
class TestSettlementFormats(AmazonSettlementCommon):
    def assertSettled(self, settlement, published, order):
        self.assertEqual(settlement.state, "posted", settlement.last_error)
        self.assertEqual(
            Decimal(str(settlement.total_amount)).quantize(Decimal("0.01")),
            published.total,
        )
        self.assertEqual(
            settlement.deposit_date, published.deposit_date.replace(tzinfo=None)
        )
        self.assertEqual(settlement.start_date, published.start.replace(tzinfo=None))
        self.assertEqual(order.invoice_ids.payment_state, "paid")

    def test_german_file_with_thousands(self):
        payload, order = self.shipped_order(self.item(quantity=3, price="1499.00"))
        published = self.publish_settlement(payload, advertising=None)
        self.assertRegex(published.content.decode(), r"\t\d\.\d{3},\d\d\t")
        settlement = self.upload(published)
        self.assertSettled(settlement, published, order)

    def test_uk_file_read_day_first(self):
        uk = self.env.ref("amazon_connector.marketplace_uk")
        payload, order = self.shipped_order(
            self.item(price="80.00"),
            marketplace="UK",
            city="London",
            postal_code="SW1A 1AA",
        )
        published = self.publish_settlement(payload, marketplace="UK")
        self.assertRegex(published.content.decode(), r"\d\d/\d\d/\d{4} ")
        settlement = self.upload(published)
        self.assertEqual(settlement.marketplace_id, uk)
        self.assertEqual(settlement.currency_id.name, "GBP")
        self.assertSettled(settlement, published, order)

    def test_japanese_file_fetched_gzipped(self):
        japan = self.env.ref("amazon_connector.marketplace_jp")
        jp = self.simulator_account("Amazon JP", "fe", japan)
        payload = factory.order(
            [factory.item("SKU-A", 2, "1980")],
            marketplace="JP",
            updated=fields.Datetime.now() - timedelta(minutes=9),
        )
        order = self.import_one(payload, jp)
        self.ship(self.delivery(order), tracking="JP1")
        published = self.publish_settlement(payload, marketplace="JP", compress=True)
        self.assertIn("月額登録料".encode("cp932"), published.content)
        self.fetch(jp)
        settlement = self.settlement(published.settlement_id, jp)
        self.assertTrue(settlement)
        self.assertSettled(settlement, published, order)
        subscription = settlement.line_ids.filtered(
            lambda li: li.amount_description == "月額登録料"
        )
        self.assertEqual(subscription.fee_type, "subscription")

    def test_upload_wizard_reads_gzip_and_refuses_garbage(self):
        payload, order = self.shipped_order()
        published = self.publish_settlement(payload)
        # The company's first settlement: its mapping rules are made during the
        # upload, whose context defaults account_id to the Amazon account.
        self.env["amazon.settlement.mapping"].with_context(active_test=False).search(
            [("company_id", "=", self.company.id)]
        ).unlink()
        wizard = Form(
            self.env["amazon.settlement.upload.wizard"].with_context(
                default_account_id=self.account.id
            )
        )
        wizard.file = base64.b64encode(gzip.compress(published.content))
        action = wizard.save().action_import()
        settlement = self.env["amazon.settlement"].browse(action["res_id"])
        self.assertEqual(settlement.settlement_ref, published.settlement_id)
        self.assertEqual(order.invoice_ids.payment_state, "paid")
        rules = self.env["amazon.settlement.mapping"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertTrue(rules)
        self.assertFalse(rules.account_id, "no rule took the Amazon account's id")
        garbage = Form(
            self.env["amazon.settlement.upload.wizard"].with_context(
                default_account_id=self.account.id
            )
        )
        garbage.file = base64.b64encode(b"\x1f\x8bnot really gzip")
        with self.assertRaisesRegex(UserError, "GZIP"):
            garbage.save().action_import()
