# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Money of imported Amazon orders: the sales order total is Amazon's
``proceeds.grandTotal`` to the cent, whatever the marketplace, currency or charges.

Orders travel through the simulator over HTTP and the real import job.
"""

import json
import unittest
from datetime import datetime
from decimal import Decimal

from odoo.tests import tagged

from . import order_factory as f
from .common_orders import AmazonOrderCommon


def _sum_tax(payload):
    """Amazon's tax of an order: the sum of the items' ``TAX`` breakdowns."""
    return sum(
        (
            Decimal(breakdown["subtotal"]["amount"])
            for item in payload["orderItems"]
            for breakdown in item["proceeds"]["breakdowns"]
            if breakdown["type"] == "TAX"
        ),
        Decimal(0),
    )


def sandbox_orders():
    """Every order of the official ``x-amzn-api-sandbox`` static examples of
    searchOrders and getOrder (Orders API v2026-01-01), by order id.

    The calling test skips, naming what is missing and how to provide it, when the
    official models cannot be had."""
    from amazon_simulator import SharedModelsNotFound, shared_models_dir  # noqa: PLC0415

    try:
        path = shared_models_dir() / "orders_2026-01-01.json"
    except SharedModelsNotFound as error:
        raise unittest.SkipTest(str(error)) from None
    model = json.loads(path.read_text(encoding="utf-8"))
    orders = {}
    for operations in model["paths"].values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            if operation.get("operationId") not in ("searchOrders", "getOrder"):
                continue
            for response in operation["responses"].values():
                examples = response.get("x-amzn-api-sandbox", {}).get("static", [])
                for example in examples:
                    body = example.get("response") or {}
                    found = body.get("orders") or (
                        [body["order"]] if isinstance(body.get("order"), dict) else []
                    )
                    for order in found:
                        orders[order["orderId"]] = order
    return orders


@tagged("post_install", "-at_install")
class TestOrderImportMoney(AmazonOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.marketplace_uk = ref("amazon_connector.marketplace_uk")
        cls.marketplace_jp = ref("amazon_connector.marketplace_jp")
        cls.account_na = cls.simulator_account(
            "Test NA",
            "na",
            cls.marketplace_us | ref("amazon_connector.marketplace_br"),
        )
        cls.account_fe = cls.simulator_account("Test FE", "fe", cls.marketplace_jp)

    # ------------------------------------------------------------------ helpers

    def import_one(self, payload, account=None):
        self.publish(payload)
        self.import_orders(account)
        return self.imported(payload, account)

    def assertTotal(self, order, payload):
        grand_total = payload["proceeds"]["grandTotal"]
        self.assertEqual(order.currency_id.name, grand_total["currencyCode"])
        self.assertEqual(
            Decimal(str(order.currency_id.round(order.amount_total))),
            Decimal(grand_total["amount"]),
            f"{payload['orderId']}: Odoo total differs from Amazon's grandTotal",
        )

    def assertNoRoundingLine(self, order):
        self.assertFalse(
            order.order_line.filtered(
                lambda line: line.name == "Rounding difference with Amazon"
            ),
            "Odoo's taxes reproduce Amazon's amounts: no rounding line needed",
        )

    def lines(self, order, product):
        return order.order_line.filtered(lambda line: line.product_id == product)

    # ------------------------------------------------------------------ tax included

    def test_de_eur_19_percent_included(self):
        payload = f.order(
            [
                f.item("SKU-A", 1, "19.99"),
                f.item("SKU-B", 2, "7.49", shipping="3.90"),
            ],
            marketplace="DE",
        )
        order = self.import_one(payload)
        self.assertTotal(order, payload)
        self.assertNoRoundingLine(order)
        self.assertEqual(
            Decimal(str(order.amount_tax)), _sum_tax(payload), "VAT to the cent"
        )
        for line in order.order_line:
            self.assertEqual(line.tax_id.mapped("amount"), [19.0], line.name)
            self.assertTrue(line.tax_id.price_include, line.name)
        chair = self.lines(order, self.product_b)
        self.assertEqual((chair.product_uom_qty, chair.price_unit), (2, 7.49))

    def test_uk_gbp_20_percent_included_with_shipping_and_gift_wrap(self):
        payload = f.order(
            [
                f.item(
                    "SKU-A",
                    1,
                    "24.99",
                    shipping="3.49",
                    gift_wrap="1.99",
                    gift_message="Cheers",
                )
            ],
            marketplace="UK",
            country="GB",
            city="London",
            postal_code="SW1A 1AA",
        )
        order = self.import_one(payload)
        self.assertTotal(order, payload)
        self.assertNoRoundingLine(order)
        self.assertEqual(order.amazon_marketplace_id, self.marketplace_uk)
        self.assertEqual(Decimal(str(order.amount_tax)), _sum_tax(payload))
        company = self.company
        shipping = self.lines(order, company.amazon_shipping_product_id)
        gift_wrap = self.lines(order, company.amazon_gift_wrap_product_id)
        self.assertEqual(shipping.price_unit, 3.49)
        self.assertEqual(gift_wrap.price_unit, 1.99)
        self.assertIn("Cheers", gift_wrap.name)
        for line in order.order_line:
            self.assertEqual(line.tax_id.mapped("amount"), [20.0], line.name)
            self.assertTrue(line.tax_id.price_include, line.name)

    def test_jp_jpy_without_decimals_10_percent_included(self):
        payload = f.order(
            [f.item("SKU-A", 3, "1980", shipping="350")],
            marketplace="JP",
            city="Tokyo",
            postal_code="100-0001",
        )
        self.assertEqual(payload["proceeds"]["grandTotal"]["amount"], "6290")
        order = self.import_one(payload, self.account_fe)
        self.assertTotal(order, payload)
        self.assertNoRoundingLine(order)
        self.assertEqual(order.currency_id.name, "JPY")
        self.assertEqual(order.currency_id.decimal_places, 0)
        self.assertEqual(order.amount_total, 6290)
        self.assertEqual(Decimal(str(order.amount_tax)), _sum_tax(payload))
        product_line = self.lines(order, self.product_a)
        self.assertEqual(
            (product_line.product_uom_qty, product_line.price_unit), (3, 1980)
        )
        self.assertEqual(product_line.tax_id.amount, 10)
        self.assertTrue(product_line.tax_id.price_include)

    # ------------------------------------------------------------------ US

    def test_us_marketplace_facilitator_tax_is_not_seller_revenue(self):
        payload = f.order(
            [f.item("SKU-A", 2, "19.99", shipping="5.00", gift_wrap="3.99")],
            marketplace="US",
            city="New York",
            postal_code="10001",
            state_or_region="NY",
        )
        amazon_tax = _sum_tax(payload)
        self.assertTrue(amazon_tax)
        order = self.import_one(payload, self.account_na)
        self.assertTotal(order, payload)
        self.assertEqual(order.currency_id.name, "USD")
        self.assertEqual(order.partner_shipping_id.state_id.code, "NY")
        facilitator_product = self.company.amazon_facilitator_tax_product_id
        facilitator = self.lines(order, facilitator_product)
        self.assertEqual(len(facilitator), 1)
        self.assertEqual(Decimal(str(facilitator.price_unit)), amazon_tax)
        self.assertFalse(facilitator.tax_id)
        # The seller collects no tax: every line is before tax, untaxed.
        self.assertFalse(order.order_line.tax_id)
        self.assertEqual(order.amount_tax, 0)
        product_line = self.lines(order, self.product_a)
        self.assertEqual(product_line.price_unit, 19.99)
        self.assertEqual(product_line.product_uom_qty, 2)
        # Booked to the clearing account (the test database has a chart).
        company = self.company
        self.assertTrue(
            self.env["account.account"].search_count(
                [("company_ids", "in", company.id)]
            ),
            "the test database is expected to have a chart of accounts",
        )
        clearing = facilitator_product.with_company(company).property_account_income_id
        self.assertEqual(clearing.code, "AMZFT")
        self.assertEqual(clearing.account_type, "liability_current")
        invoice = order._create_invoices()
        tax_line = invoice.invoice_line_ids.filtered(
            lambda line: line.product_id == facilitator_product
        )
        self.assertEqual(tax_line.account_id, clearing)
        self.assertFalse(tax_line.tax_ids)
        revenue = invoice.invoice_line_ids.filtered(
            lambda line: line.product_id == self.product_a
        )
        self.assertEqual(revenue.account_id.account_type, "income")
        self.assertNotEqual(revenue.account_id, clearing)
        self.assertEqual(
            Decimal(str(invoice.amount_total)),
            Decimal(payload["proceeds"]["grandTotal"]["amount"]),
        )

    # ------------------------------------------------------------------ awkward sums

    def test_three_units_for_ten_split_into_exact_lines(self):
        payload = f.order(
            [f.item("SKU-A", 3, "3.33", line_total="10.00")], marketplace="DE"
        )
        order = self.import_one(payload)
        self.assertTotal(order, payload)
        self.assertEqual(order.amount_total, 10.00)
        lines = self.lines(order, self.product_a).sorted("price_unit")
        self.assertEqual(
            [(line.product_uom_qty, line.price_unit) for line in lines],
            [(2, 3.33), (1, 3.34)],
        )
        self.assertEqual(
            set(lines.mapped("amazon_order_item_id")),
            {payload["orderItems"][0]["orderItemId"]},
        )
        self.assertEqual(order.order_line.mapped("product_uom_qty"), [2, 1])

    def test_three_units_for_ten_on_the_us_marketplace(self):
        payload = f.order(
            [f.item("SKU-A", 3, "3.33", line_total="10.00")],
            marketplace="US",
            state_or_region="CA",
            city="San Jose",
            postal_code="95113",
        )
        order = self.import_one(payload, self.account_na)
        self.assertTotal(order, payload)
        lines = self.lines(order, self.product_a).sorted("price_unit")
        self.assertEqual(
            [(line.product_uom_qty, line.price_unit) for line in lines],
            [(2, 3.33), (1, 3.34)],
        )

    def test_promotions_are_exact_negative_lines(self):
        payload = f.order(
            [
                f.item("SKU-A", 1, "29.99", discount="5.00"),
                f.item(
                    "SKU-B",
                    2,
                    "12.50",
                    shipping="4.99",
                    discount="2.00",
                    shipping_discount="4.99",
                ),
            ],
            marketplace="DE",
        )
        order = self.import_one(payload)
        self.assertTotal(order, payload)
        self.assertNoRoundingLine(order)
        promotion = self.company.amazon_promotion_product_id
        shipping_product = self.company.amazon_shipping_product_id
        first_item = payload["orderItems"][0]["orderItemId"]
        second_item = payload["orderItems"][1]["orderItemId"]
        discount = order.order_line.filtered(
            lambda line: (
                line.amazon_order_item_id == first_item and line.product_id == promotion
            )
        )
        self.assertEqual(discount.price_unit, -5.00)
        self.assertEqual(discount.product_uom_qty, 1)
        self.assertIn("PROMO-", discount.name)
        self.assertEqual(discount.price_total, -5.00)
        # A promotion reduces the VAT too: same 19% tax as the product it reduces.
        self.assertEqual(
            discount.tax_id.mapped("amount"),
            [19.0],
            "promotion line without VAT: amazon_order_sync._line_values gave "
            "infer_rate a negative amount and tax",
        )
        self.assertTrue(discount.tax_id.price_include)
        self.assertEqual(
            Decimal(str(order.amount_tax)), _sum_tax(payload), "VAT to the cent"
        )
        second_promotions = order.order_line.filtered(
            lambda line: (
                line.amazon_order_item_id == second_item and line.price_unit < 0
            )
        )
        # Item promotion and shipping promotion: two negative lines, exact together.
        self.assertEqual(len(second_promotions), 2)
        self.assertEqual(
            Decimal(str(round(sum(second_promotions.mapped("price_total")), 2))),
            Decimal("-6.99"),
        )
        self.assertIn(shipping_product, second_promotions.product_id)
        self.assertTrue(all(line.price_unit < 0 for line in second_promotions))

    # ------------------------------------------------------------------ Amazon's own

    def test_every_official_sandbox_order_imports_with_amazons_total(self):
        """The static examples of the Orders API model, published in the simulator
        and imported by the accounts whose marketplaces they belong to.

        None of them needs a skip: the FBA one (Amazon.co.jp) is Shipped, and the
        import start is set before all of them (they date from 2024-2025)."""
        ref = self.env.ref
        start = datetime(2020, 1, 1)
        self.account.write(
            {
                "import_orders_from": start,
                "marketplace_ids": [
                    (4, self.marketplace_uk.id),
                    (4, ref("amazon_connector.marketplace_tr").id),
                ],
            }
        )
        (self.account_na | self.account_fe).write({"import_orders_from": start})
        accounts = self.account | self.account_na | self.account_fe
        examples = sandbox_orders()
        self.assertGreaterEqual(len(examples), 6)
        marketplace_ids = set(accounts.marketplace_ids.mapped("marketplace_id"))
        for payload in examples.values():
            self.assertIn(
                payload["salesChannel"]["marketplaceId"],
                marketplace_ids,
                f"{payload['orderId']}: no test account sells on its marketplace",
            )
        self.publish(*examples.values())
        for account in accounts:
            self.import_orders(account)
        for order_id, payload in examples.items():
            account = accounts.filtered(
                lambda a, p=payload: (
                    p["salesChannel"]["marketplaceId"]
                    in a.marketplace_ids.mapped("marketplace_id")
                )
            )
            with self.subTest(order=order_id):
                order = self.imported(payload, account)
                self.assertEqual(order.client_order_ref, order_id)
                self.assertIn(order.state, ("sale", "draft"))
                if payload.get("proceeds", {}).get("grandTotal"):
                    self.assertTotal(order, payload)
        fba = self.imported({"orderId": "250-1234567-8901234"}, self.account_fe)
        self.assertEqual(fba.amazon_fulfilled_by, "amazon")
        self.assertEqual(fba.picking_ids.state, "done")
