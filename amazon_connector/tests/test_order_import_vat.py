# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""VAT of Amazon orders in both of Amazon's shapes: ITEM + TAX (Amazon's amount
wins) and ITEM only (no TAX: the taxes Odoo itself applies, through the customer's
fiscal position, included in Amazon's prices), and the marketplace facilitator
recognised from Amazon's own marker.

Every test asserts each line's product, quantity, unit price and taxes, and that no
adjustment or rounding line was needed.
"""

from decimal import Decimal

from odoo import Command
from odoo.tests import tagged

from . import order_factory as f
from .common_orders import AmazonOrderCommon, minutes_ago


@tagged("post_install", "-at_install")
class TestOrderImportVat(AmazonOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account_tax = cls.env["account.account"].create(
            {
                "code": "VATOUT",
                "name": "VAT collected",
                "account_type": "liability_current",
            }
        )

        cls.vat_de = cls.sales_tax("Test VAT DE 19%", 19.0, cls.account_tax)
        cls.vat_fr = cls.sales_tax("Test VAT FR OSS 20%", 20.0, cls.account_tax)
        cls.vat_de_7 = cls.sales_tax("Test VAT DE 7%", 7.0, cls.account_tax)
        cls.product_a.taxes_id = cls.vat_de
        cls.product_b.taxes_id = cls.vat_de_7
        cls.product_untaxed = cls.env["product.product"].create(
            {"name": "Untaxed mug", "default_code": "SKU-C", "taxes_id": False}
        )
        france = cls.env.ref("base.fr")
        cls.oss_fr = cls.env["account.fiscal.position"].create(
            {
                "name": "OSS France (test)",
                "auto_apply": True,
                "country_id": france.id,
                "company_id": cls.company.id,
                "tax_ids": [
                    Command.create(
                        {"tax_src_id": cls.vat_de.id, "tax_dest_id": cls.vat_fr.id}
                    ),
                ],
            }
        )
        cls.exempt_ch = cls.env["account.fiscal.position"].create(
            {
                "name": "Export Switzerland (test)",
                "auto_apply": True,
                "country_id": cls.env.ref("base.ch").id,
                "company_id": cls.company.id,
                "tax_ids": [
                    Command.create({"tax_src_id": cls.vat_de.id, "tax_dest_id": False}),
                ],
            }
        )
        cls.marketplace_uk = cls.env.ref("amazon_connector.marketplace_uk")
        cls.account_na = cls.simulator_account("Test NA VAT", "na", cls.marketplace_us)

    # ------------------------------------------------------------------ helpers

    # ------------------------------------------------------------------ ITEM only

    def test_item_only_order_carries_the_products_own_vat_included(self):
        payload = f.order(
            [
                f.item("SKU-A", 2, "11.90", shipping="4.90"),
                f.item("SKU-B", 1, "10.70"),
            ],
            marketplace="DE",
            item_only=True,
        )
        order = self.import_one(payload)
        de_19, de_7 = self.twin(self.vat_de), self.twin(self.vat_de_7)
        shipping = self.account.shipping_product_id
        self.assertLines(
            order,
            [
                (self.product_a, 2, "11.90", de_19),
                (shipping, 1, "4.90", de_19),  # shipping follows its item
                (self.product_b, 1, "10.70", de_7),
            ],
        )
        self.assertTotal(order, payload)
        # 23.80 + 4.90 at 19 % included, 10.70 at 7 % included.
        self.assertEqual(
            Decimal(str(order.amount_tax)), Decimal("4.58") + Decimal("0.70")
        )
        self.assertFalse(order.amazon_needs_review)
        # The twin is the same tax, included in the price: same rate, accounts.
        self.assertTrue(de_19.price_include)
        self.assertEqual(de_19.amount, 19.0)
        self.assertEqual(
            de_19.invoice_repartition_line_ids.mapped("account_id"), self.account_tax
        )
        # A second order reuses the twins.
        second = self.import_one(
            f.order(
                [f.item("SKU-A", 1, "5.95")],
                marketplace="DE",
                item_only=True,
                created=minutes_ago(10),
                updated=minutes_ago(5),
            )
        )
        self.assertEqual(second.order_line.tax_id, de_19)
        self.assertEqual(
            len(
                self.env["account.tax"].search(
                    [("amazon_excluded_tax_id", "=", self.vat_de.id)]
                )
            ),
            1,
        )

    def test_item_only_order_follows_the_customers_fiscal_position(self):
        payload = f.order(
            [f.item("SKU-A", 1, "24.00")],
            marketplace="DE",
            item_only=True,
            city="Paris",
            postal_code="75001",
            street="1 rue de Rivoli",
            country="FR",
        )
        order = self.import_one(payload)
        self.assertEqual(order.fiscal_position_id, self.oss_fr)
        self.assertLines(order, [(self.product_a, 1, "24.00", self.twin(self.vat_fr))])
        self.assertEqual(Decimal(str(order.amount_tax)), Decimal("4.00"))
        self.assertTotal(order, payload)

    def test_fiscal_position_mapping_to_nothing_means_no_tax(self):
        payload = f.order(
            [f.item("SKU-A", 1, "20.00")],
            marketplace="DE",
            item_only=True,
            city="Zürich",
            postal_code="8001",
            street="Bahnhofstrasse 1",
            country="CH",
        )
        order = self.import_one(payload)
        self.assertEqual(order.fiscal_position_id, self.exempt_ch)
        self.assertLines(order, [(self.product_a, 1, "20.00", self.env["account.tax"])])
        self.assertEqual(order.amount_tax, 0)
        self.assertFalse(order.amazon_needs_review, "the seller's own exemption")
        self.assertTotal(order, payload)

    def test_product_without_sales_tax_is_flagged_for_review(self):
        payload = f.order(
            [f.item("SKU-C", 1, "9.99"), f.item("SKU-A", 1, "11.90")],
            marketplace="DE",
            item_only=True,
        )
        order = self.import_one(payload)
        self.assertLines(
            order,
            [
                (self.product_untaxed, 1, "9.99", self.env["account.tax"]),
                (self.product_a, 1, "11.90", self.twin(self.vat_de)),
            ],
        )
        self.assertTotal(order, payload)
        self.assertTrue(order.amazon_needs_review)
        self.assertIn("VAT", order.amazon_last_action)
        activity = order.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn("Untaxed mug", activity.note)
        # The import runs as OdooBot: a person gets the activity.
        self.assertFalse(activity.user_id._is_superuser())
        self.assertTrue(activity.user_id._is_internal())

    def test_item_only_us_order_has_no_tax(self):
        payload = f.order(
            [f.item("SKU-A", 1, "25.00")],
            marketplace="US",
            item_only=True,
            city="Seattle",
            postal_code="98101",
            street="410 Terry Ave N",
            state_or_region="WA",
        )
        order = self.import_one(payload, self.account_na)
        self.assertLines(order, [(self.product_a, 1, "25.00", self.env["account.tax"])])
        self.assertTotal(order, payload)
        self.assertFalse(order.amazon_needs_review)

    # ------------------------------------------------------------------ ITEM + TAX

    def test_amazons_tax_wins_when_amazon_sends_it(self):
        # The product's own tax says 7 %; Amazon charged 19 %: Amazon's is booked.
        payload = f.order([f.item("SKU-B", 1, "11.90")], marketplace="DE")
        order = self.import_one(payload)
        (line,) = order.order_line
        self.assertEqual(line.tax_id.amount, 19.0)
        self.assertTrue(line.tax_id.price_include)
        self.assertEqual(Decimal(str(line.price_unit)), Decimal("11.90"))
        self.assertEqual(Decimal(str(order.amount_tax)), Decimal("1.90"))
        self.assertTotal(order, payload)

    # ------------------------------------------------------------------ facilitator

    def test_facilitator_recognised_from_amazons_marker(self):
        """UK low-value imports: Amazon collects the VAT (deemed supplier)."""
        payload = f.order(
            [f.item("SKU-A", 1, "24.00")],
            marketplace="UK",
            facilitator=True,
            reporting_scheme="IOSS",
            city="London",
            postal_code="EC1A 1BB",
            street="1 Main Street",
        )
        order = self.import_one(payload)
        self.assertLines(
            order,
            [
                (self.product_a, 1, "20.00", self.env["account.tax"]),
                (
                    self.account.facilitator_tax_product_id,
                    1,
                    "4.00",
                    self.env["account.tax"],
                ),
            ],
        )
        self.assertTotal(order, payload)
        self.assertEqual(order.amazon_tax_reporting_scheme, "IOSS")

    def test_us_tax_without_marker_is_the_facilitators(self):
        payload = f.order(
            [f.item("SKU-A", 2, "10.00")],
            marketplace="US",
            city="New York",
            postal_code="10001",
            street="5th Avenue 1",
            state_or_region="NY",
        )
        order = self.import_one(payload, self.account_na)
        tax = sum(
            Decimal(b["subtotal"]["amount"])
            for i in payload["orderItems"]
            for b in i["proceeds"]["breakdowns"]
            if b["type"] == "TAX"
        )
        self.assertLines(
            order,
            [
                (self.product_a, 2, "10.00", self.env["account.tax"]),
                (
                    self.account_na.facilitator_tax_product_id,
                    1,
                    str(tax),
                    self.env["account.tax"],
                ),
            ],
        )
        self.assertTotal(order, payload)

    def test_tax_data_is_asked_for(self):
        payload = f.order(
            [f.item("SKU-A", 1, "24.00")], marketplace="DE", reporting_scheme="UOSS"
        )
        order = self.import_one(payload)
        self.assertEqual(order.amazon_tax_reporting_scheme, "UOSS")
