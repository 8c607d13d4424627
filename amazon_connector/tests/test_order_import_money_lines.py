# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Money of imported Amazon orders, line by line: each line's product, quantity, unit
price and taxes (rate, included in the price or not), and the total Amazon's
``proceeds.grandTotal``.

- a tax-excluded marketplace (Amazon.ca, no facilitator) where Odoo's per-line tax
  rounding lands a cent away from Amazon's tax: the *Rounding difference with Amazon*
  line, its exact amount, without tax;
- every order of Amazon's own sandbox examples (Orders API v2026-01-01);
- a Pending order completed by Amazon: the same quotation, its lines replaced by the
  full order's.

Unless a test is about it, no rounding or adjustment line exists.
"""

from decimal import Decimal

from odoo import Command
from odoo.tests import tagged

from . import order_factory as f
from .common_orders import AmazonOrderCommon, minutes_ago
from .test_order_import_money import sandbox_orders


def set_item_tax(payload, index, taxes):
    """Give item ``index`` Amazon's ``TAX`` breakdown ``taxes`` (subtype: amount, as
    Amazon computed it), its proceedsTotal and the order's grandTotal following."""
    item = payload["orderItems"][index]
    breakdowns = item["proceeds"]["breakdowns"]
    currency = item["proceeds"]["proceedsTotal"]["currencyCode"]
    tax = next(b for b in breakdowns if b["type"] == "TAX")
    tax["detailedBreakdowns"] = [
        {"subtype": subtype, "value": {"amount": amount, "currencyCode": currency}}
        for subtype, amount in taxes.items()
    ]
    tax["subtotal"]["amount"] = str(sum(Decimal(a) for a in taxes.values()))
    item["proceeds"]["proceedsTotal"]["amount"] = str(
        sum(Decimal(b["subtotal"]["amount"]) for b in breakdowns)
    )
    payload["proceeds"]["grandTotal"]["amount"] = str(
        sum(
            Decimal(i["proceeds"]["proceedsTotal"]["amount"])
            for i in payload["orderItems"]
        )
    )
    return payload


@tagged("post_install", "-at_install")
class TestOrderImportMoneyLines(AmazonOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.no_tax = cls.env["account.tax"]
        cls.vat_account = cls.env["account.account"].create(
            {
                "code": "VATMONEY",
                "name": "VAT collected (money lines)",
                "account_type": "liability_current",
            }
        )
        cls.vat_de = cls.sales_tax("Test VAT DE 19%", 19.0, cls.vat_account)
        cls.vat_fr = cls.sales_tax("Test VAT FR OSS 20%", 20.0, cls.vat_account)
        cls.vat_uk = cls.sales_tax("Test VAT UK 20%", 20.0, cls.vat_account)
        cls.ct_jp = cls.sales_tax("Test consumption tax JP 10%", 10.0, cls.vat_account)
        cls.icms_br = cls.sales_tax("Test ICMS SP 18%", 18.0, cls.vat_account)
        cls.kdv_tr = cls.sales_tax("Test KDV TR 20%", 20.0, cls.vat_account)
        cls.product_a.taxes_id = cls.vat_de
        cls.product_b.taxes_id = cls.vat_de
        cls.env["account.fiscal.position"].create(
            {
                "name": "OSS France (money lines)",
                "auto_apply": True,
                "country_id": ref("base.fr").id,
                "company_id": cls.company.id,
                "tax_ids": [
                    Command.create(
                        {"tax_src_id": cls.vat_de.id, "tax_dest_id": cls.vat_fr.id}
                    )
                ],
            }
        )
        cls.marketplace_uk = ref("amazon_connector.marketplace_uk")
        cls.marketplace_tr = ref("amazon_connector.marketplace_tr")
        cls.marketplace_ca = ref("amazon_connector.marketplace_ca")
        cls.marketplace_br = ref("amazon_connector.marketplace_br")
        cls.marketplace_jp = ref("amazon_connector.marketplace_jp")
        cls.account.marketplace_ids = [Command.link(cls.marketplace_tr.id)]
        cls.account_na = cls.simulator_account(
            "Test NA",
            "na",
            cls.marketplace_us | cls.marketplace_ca | cls.marketplace_br,
        )
        cls.account_fe = cls.simulator_account("Test FE", "fe", cls.marketplace_jp)
        cls.shipping = cls.company.amazon_shipping_product_id
        cls.promotion = cls.company.amazon_promotion_product_id
        cls.facilitator = cls.company.amazon_facilitator_tax_product_id

    # ------------------------------------------------------------------ helpers

    # ------------------------------------------------------------------ Amazon.ca

    def ca_order(self, items):
        return f.order(
            items,
            marketplace="CA",
            buyer_name="Jane Tremblay",
            street="290 Bremner Blvd",
            city="Toronto",
            postal_code="M5V 3L9",
            state_or_region="ON",
        )

    def assertCanadianPremises(self):
        self.assertFalse(self.marketplace_ca.prices_include_tax)
        self.assertFalse(
            self.marketplace_ca.facilitator_tax,
            "Amazon.ca is not a facilitator marketplace in data/amazon.marketplace.csv",
        )
        self.assertEqual(
            self.company.tax_calculation_rounding_method,
            "round_per_line",
            "Odoo rounds each line's tax (the company's default)",
        )

    def test_ca_odoo_per_line_tax_a_cent_above_amazons(self):
        """Amazon taxes the item's whole amount (14.08 x 13 % = 1.83) and gives the
        shipping what is left (0.52); Odoo rounds each line's 13 %: 1.31 + 0.53."""
        self.assertCanadianPremises()
        payload = self.ca_order([f.item("SKU-A", 1, "10.04", shipping="4.04")])
        set_item_tax(payload, 0, {"ITEM": "1.31", "SHIPPING": "0.52"})
        self.assertEqual(payload["proceeds"]["grandTotal"]["amount"], "15.91")
        order = self.import_one(payload, self.account_na)
        self.assertEqual(order.currency_id.name, "CAD")
        self.assertEqual(order.amazon_marketplace_id, self.marketplace_ca)
        hst = ((13.0, False),)
        self.assertLines(
            order,
            [(self.product_a, 1, "10.04", hst), (self.shipping, 1, "4.04", hst)],
            rounding="-0.01",
        )
        self.assertEqual(Decimal(str(order.amount_tax)), Decimal("1.84"))
        self.assertTotal(order, payload)
        self.assertEqual(order.amount_total, 15.91)
        self.assertEqual(order.state, "sale")

    def test_ca_odoo_per_line_tax_a_cent_below_amazons(self):
        """14.06 x 13 % = 1.83 at Amazon (1.30 + 0.53); Odoo: 1.30 + 0.52."""
        self.assertCanadianPremises()
        payload = self.ca_order([f.item("SKU-B", 1, "10.03", shipping="4.03")])
        set_item_tax(payload, 0, {"ITEM": "1.30", "SHIPPING": "0.53"})
        self.assertEqual(payload["proceeds"]["grandTotal"]["amount"], "15.89")
        order = self.import_one(payload, self.account_na)
        hst = ((13.0, False),)
        self.assertLines(
            order,
            [(self.product_b, 1, "10.03", hst), (self.shipping, 1, "4.03", hst)],
            rounding="0.01",
        )
        self.assertEqual(Decimal(str(order.amount_tax)), Decimal("1.82"))
        self.assertTotal(order, payload)
        self.assertEqual(order.amount_total, 15.89)

    def test_ca_cents_that_cancel_out_need_no_rounding_line(self):
        self.assertCanadianPremises()
        payload = self.ca_order(
            [
                f.item("SKU-A", 1, "10.04", shipping="4.04"),
                f.item("SKU-B", 1, "10.03", shipping="4.03"),
            ]
        )
        set_item_tax(payload, 0, {"ITEM": "1.31", "SHIPPING": "0.52"})
        set_item_tax(payload, 1, {"ITEM": "1.30", "SHIPPING": "0.53"})
        self.assertEqual(payload["proceeds"]["grandTotal"]["amount"], "31.80")
        order = self.import_one(payload, self.account_na)
        hst = ((13.0, False),)
        self.assertLines(
            order,
            [
                (self.product_a, 1, "10.04", hst),
                (self.shipping, 1, "4.04", hst),
                (self.product_b, 1, "10.03", hst),
                (self.shipping, 1, "4.03", hst),
            ],
        )
        self.assertTotal(order, payload)

    # ------------------------------------------------------------------ sandbox

    def test_every_official_sandbox_order_line_by_line(self):
        """Amazon's static examples of searchOrders and getOrder, each fetched by
        number (getOrder) by the account of its marketplace, as a seller would."""
        examples = sandbox_orders()
        Product = self.env["product.product"]

        def product(sku, tax):
            return Product.create(
                {"name": sku, "default_code": sku, "taxes_id": [Command.set(tax.ids)]}
            )

        echo_jp = product("ECHO-DOT-4-JP-CHARCOAL", self.ct_jp)
        fire_tv_jp = product("FIRE-TV-4K-MAX-JP", self.ct_jp)
        echo_uk = product("ECHO-DOT-4-UK-CHARCOAL-SINGLE", self.vat_uk)
        dell_br = product("DELL-I15-BR-001", self.icms_br)
        echo_br = product("ECHO-DOT-4-BR-PRETO", self.icms_br)
        fire_tr = product("FIRE-HD10-TR-BLK", self.kdv_tr)
        echo_pop_us = product("ECHO-POP-US-BLK", self.no_tax)
        ct_jp, vat_uk = self.ct_jp, self.vat_uk
        expected = {
            # Amazon.co.jp, FBA, ITEM only: Japan's consumption tax, included.
            "250-1234567-8901234": (
                self.account_fe,
                [(echo_jp, 1, "5980", ct_jp), (fire_tv_jp, 2, "6980", ct_jp)],
            ),
            # Amazon.co.uk, ITEM only: the product's 20 % VAT, included.
            "202-7654321-1098765": (self.account, [(echo_uk, 1, "34.99", vat_uk)]),
            # Amazon.com.br (tax-included), ITEM only: the product's ICMS, included.
            "171-2345678-9012345": (
                self.account_na,
                [(dell_br, 1, "1599.90", self.icms_br)],
            ),
            "171-9876543-2109876": (
                self.account_na,
                [(echo_br, 1, "299.90", self.icms_br)],
            ),
            # Amazon.com.tr, MARKETPLACE_FACILITATOR (IOSS) and no TAX: Amazon's
            # VAT, none of it the seller's; the product's own tax does not apply.
            "028-1234567-8901234": (self.account, [(fire_tr, 2, "62.50", None)]),
            # Amazon.com: ITEM 39.99 + TAX 10.00, the facilitator's.
            "114-9876543-1234567": (
                self.account_na,
                [(echo_pop_us, 1, "39.99", None), (self.facilitator, 1, "10.00", None)],
            ),
        }
        self.assertEqual(set(examples), set(expected), "the sandbox's orders")
        self.publish(*examples.values())
        for order_id, (account, lines) in expected.items():
            payload = examples[order_id]
            with self.subTest(order=order_id):
                record = account._fetch_and_import_order(order_id)
                self.assertEqual(record.state, "done", record.error)
                order = record.sale_order_id
                self.assertEqual(
                    order.amazon_marketplace_id.marketplace_id,
                    payload["salesChannel"]["marketplaceId"],
                )
                self.assertEqual(order.state, "sale")
                self.assertLines(
                    order,
                    [
                        (
                            product,
                            quantity,
                            price,
                            self.twin(tax) if tax else self.no_tax,
                        )
                        for product, quantity, price, tax in lines
                    ],
                )
                self.assertTotal(order, payload)
                # No VAT to review; the merchant orders Amazon already shows
                # Shipped (no Odoo delivery done) are flagged for that.
                shipped_outside = order_id in (
                    "202-7654321-1098765",
                    "028-1234567-8901234",
                )
                self.assertEqual(order.amazon_needs_review, shipped_outside)
                if shipped_outside:
                    self.assertIn("Shipped outside Odoo", order.amazon_last_action)
        uk = self.imported(examples["202-7654321-1098765"])
        self.assertEqual(Decimal(str(uk.amount_tax)), Decimal("5.83"))  # 34.99/6
        jp = self.imported(examples["250-1234567-8901234"], self.account_fe)
        self.assertEqual(jp.amount_tax, 544 + 1269)  # 5980/11, 13960/11
        self.assertEqual(jp.amazon_fulfilled_by, "amazon")
        self.assertEqual(jp.picking_ids.state, "done")
        tr = self.imported(examples["028-1234567-8901234"])
        self.assertEqual(tr.amount_tax, 0)
        self.assertEqual(tr.amazon_tax_reporting_scheme, "IOSS")
        us = self.imported(examples["114-9876543-1234567"], self.account_na)
        self.assertEqual(us.amount_tax, 0)

    # ------------------------------------------------------------------ pending

    HEADER = ("pricelist_id", "currency_id", "team_id", "user_id", "warehouse_id")

    def pending(self, full, account=None):
        """Import ``full`` as Amazon shows it while Pending: the quotation."""
        self.publish(f.pending_version(full, updated=minutes_ago(50)))
        self.import_orders(account)
        quotation = self.imported(full, account)
        self.assertEqual(quotation.state, "draft")
        self.assertEqual(quotation.amazon_status, "pending")
        marketplace = quotation.amazon_marketplace_id
        self.assertEqual(quotation.pricelist_id.amazon_marketplace_id, marketplace)
        self.assertEqual(quotation.currency_id, marketplace.currency_id)
        return quotation

    def complete(self, full, quotation, account=None):
        """Import ``full`` once Amazon moved it to Unshipped (a newer
        lastUpdatedTime): the same record, confirmed, its lines replaced."""
        pending_lines = quotation.order_line
        header = quotation.read(self.HEADER)[0]
        self.publish(f.with_status(full, "UNSHIPPED", updated=minutes_ago(3)))
        self.import_orders(account)
        self.assertEqual(self.sale_order(full, account), quotation, "same record")
        self.assertEqual(quotation.state, "sale")
        self.assertEqual(quotation.amazon_status, "unshipped")
        self.assertFalse(pending_lines.exists(), "the pending lines are replaced")
        self.assertEqual(
            quotation.read(self.HEADER)[0],
            header,
            "the buyer's arrival keeps the marketplace's pricelist and currency, "
            "and the account's team, salesperson and warehouse",
        )
        return quotation

    def test_pending_order_completed_has_the_full_orders_lines(self):
        full = f.order(
            [
                f.item("SKU-A", 2, "11.90", shipping="4.90"),
                f.item("SKU-B", 1, "10.70", discount="1.00"),
            ],
            marketplace="DE",
            created=minutes_ago(60),
        )
        quotation = self.pending(full)
        # Pending: no prices yet; the quantities reserve the stock.
        de_19 = self.twin(self.vat_de)
        self.assertLines(
            quotation,
            [(self.product_a, 2, "0.00", de_19), (self.product_b, 1, "0.00", de_19)],
        )
        order = self.complete(full, quotation)
        vat = ((19.0, True),)  # Amazon's TAX: 19 % included
        self.assertLines(
            order,
            [
                (self.product_a, 2, "11.90", vat),
                (self.shipping, 1, "4.90", vat),
                (self.product_b, 1, "10.70", vat),
                (self.promotion, 1, "-1.00", vat),
            ],
        )
        self.assertEqual(len(order.order_line), 4, "no line of the pending order left")
        self.assertTotal(order, full)
        self.assertEqual(
            sorted(order.order_line.mapped("amazon_order_item_id")),
            sorted(
                [full["orderItems"][0]["orderItemId"]] * 2
                + [full["orderItems"][1]["orderItemId"]] * 2
            ),
        )
        self.assertEqual(
            order.picking_ids.move_ids.product_id, self.product_a | self.product_b
        )
        self.assertEqual(
            sorted(order.picking_ids.move_ids.mapped("product_uom_qty")), [1, 2]
        )

    def test_pending_item_only_order_completed_takes_the_buyers_taxes(self):
        """While Pending the buyer is unknown; once Amazon reveals a French buyer,
        the lines carry the French VAT the fiscal position maps to."""
        full = f.order(
            [f.item("SKU-A", 1, "24.00", shipping="6.00")],
            marketplace="DE",
            item_only=True,
            created=minutes_ago(60),
            street="1 rue de Rivoli",
            city="Paris",
            postal_code="75001",
            country="FR",
        )
        order = self.complete(full, self.pending(full))
        fr_20 = self.twin(self.vat_fr)
        self.assertLines(
            order,
            [(self.product_a, 1, "24.00", fr_20), (self.shipping, 1, "6.00", fr_20)],
        )
        self.assertEqual(Decimal(str(order.amount_tax)), Decimal("5.00"))
        self.assertTotal(order, full)
        self.assertEqual(order.partner_shipping_id.country_id.code, "FR")
