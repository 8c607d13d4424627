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
        company = cls.company
        cls.shipping = company.amazon_shipping_product_id
        cls.gift_wrap = company.amazon_gift_wrap_product_id
        cls.promotion = company.amazon_promotion_product_id
        cls.facilitator = company.amazon_facilitator_tax_product_id
        cls.no_tax = cls.env["account.tax"]

    # ------------------------------------------------------------------ helpers

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
        vat = ((19.0, True),)  # Amazon's TAX: 19 % included
        self.assertLines(
            order,
            [
                (self.product_a, 1, "19.99", vat),
                (self.product_b, 2, "7.49", vat),
                (self.shipping, 1, "3.90", vat),
            ],
        )
        self.assertTotal(order, payload)
        self.assertEqual(
            Decimal(str(order.amount_tax)), _sum_tax(payload), "VAT to the cent"
        )

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
        vat = ((20.0, True),)  # Amazon's TAX: 20 % included
        self.assertLines(
            order,
            [
                (self.product_a, 1, "24.99", vat),
                (self.shipping, 1, "3.49", vat),
                (self.gift_wrap, 1, "1.99", vat),
            ],
        )
        self.assertTotal(order, payload)
        self.assertEqual(order.amazon_marketplace_id, self.marketplace_uk)
        self.assertEqual(Decimal(str(order.amount_tax)), _sum_tax(payload))
        self.assertIn("Cheers", self.lines(order, self.gift_wrap).name)

    def test_jp_jpy_without_decimals_10_percent_included(self):
        payload = f.order(
            [f.item("SKU-A", 3, "1980", shipping="350")],
            marketplace="JP",
            city="Tokyo",
            postal_code="100-0001",
        )
        self.assertEqual(payload["proceeds"]["grandTotal"]["amount"], "6290")
        order = self.import_one(payload, self.account_fe)
        ct = ((10.0, True),)  # Amazon's TAX: 10 % consumption tax included
        self.assertLines(
            order,
            [(self.product_a, 3, "1980", ct), (self.shipping, 1, "350", ct)],
        )
        self.assertTotal(order, payload)
        self.assertEqual(order.currency_id.name, "JPY")
        self.assertEqual(order.currency_id.decimal_places, 0)
        self.assertEqual(order.amount_total, 6290)
        self.assertEqual(Decimal(str(order.amount_tax)), _sum_tax(payload))

    # ------------------------------------------------------------------ US

    def test_us_marketplace_facilitator_tax_is_not_seller_revenue(self):
        payload = f.order(
            [f.item("SKU-A", 2, "19.99", shipping="5.00", gift_wrap="3.99")],
            marketplace="US",
            city="New York",
            postal_code="10001",
            state_or_region="NY",
        )
        # 8.875 % of 39.98, 5.00 and 3.99, each rounded: 3.55 + 0.44 + 0.35.
        amazon_tax = _sum_tax(payload)
        self.assertEqual(amazon_tax, Decimal("4.34"))
        order = self.import_one(payload, self.account_na)
        # The seller collects no tax: every line is before tax, untaxed, and
        # Amazon's tax is one line of its own.
        self.assertLines(
            order,
            [
                (self.product_a, 2, "19.99", self.no_tax),
                (self.shipping, 1, "5.00", self.no_tax),
                (self.gift_wrap, 1, "3.99", self.no_tax),
                (self.facilitator, 1, "4.34", self.no_tax),
            ],
        )
        self.assertTotal(order, payload)
        self.assertEqual(order.currency_id.name, "USD")
        self.assertEqual(order.partner_shipping_id.state_id.code, "NY")
        self.assertEqual(order.amount_tax, 0)
        facilitator_product = self.facilitator
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
        # Shipped: the account invoices what shipped (Amazon's goods are invoiced
        # as delivered).
        delivery = order.picking_ids
        for move in delivery.move_ids:
            move.quantity = move.product_uom_qty
        delivery.move_ids.picked = True
        delivery.button_validate()
        invoice = order.invoice_ids
        self.assertEqual(invoice.state, "posted")
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
        vat = ((19.0, True),)
        self.assertLines(
            order,
            [(self.product_a, 2, "3.33", vat), (self.product_a, 1, "3.34", vat)],
        )
        self.assertTotal(order, payload)
        self.assertEqual(order.amount_total, 10.00)
        self.assertEqual(
            set(order.order_line.mapped("amazon_order_item_id")),
            {payload["orderItems"][0]["orderItemId"]},
        )

    def test_three_units_for_ten_on_the_us_marketplace(self):
        payload = f.order(
            [f.item("SKU-A", 3, "3.33", line_total="10.00")],
            marketplace="US",
            state_or_region="CA",
            city="San Jose",
            postal_code="95113",
        )
        # Amazon.com collects the tax: 8.875 % of 10.00 = 0.89, on its own line.
        self.assertEqual(_sum_tax(payload), Decimal("0.89"))
        order = self.import_one(payload, self.account_na)
        self.assertLines(
            order,
            [
                (self.product_a, 2, "3.33", self.no_tax),
                (self.product_a, 1, "3.34", self.no_tax),
                (self.facilitator, 1, "0.89", self.no_tax),
            ],
        )
        self.assertTotal(order, payload)
        self.assertEqual(order.amount_tax, 0)

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
        # A promotion reduces the VAT too: same 19 % tax as what it reduces (a
        # promotion line without VAT: amazon_order_sync._line_values gave
        # infer_rate a negative amount and tax). The shipping promotion is on the
        # shipping product.
        vat = ((19.0, True),)
        self.assertLines(
            order,
            [
                (self.product_a, 1, "29.99", vat),
                (self.promotion, 1, "-5.00", vat),
                (self.product_b, 2, "12.50", vat),
                (self.shipping, 1, "4.99", vat),
                (self.promotion, 1, "-2.00", vat),
                (self.shipping, 1, "-4.99", vat),
            ],
        )
        self.assertTotal(order, payload)
        promotion = self.promotion
        shipping_product = self.shipping
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
        # No product of this database has the sandbox's SKUs: the lines are on the
        # generic product, which has no sales tax (ITEM-only orders then carry
        # none); Amazon.com's TAX is the facilitator's.
        generic = self.company._amazon_ensure_placeholders().amazon_generic_product_id
        self.assertFalse(generic.taxes_id)
        none = self.no_tax
        expected_lines = {
            # Amazon.co.jp, FBA, ITEM only: 1 x 5980 and 2 x 6980.
            "250-1234567-8901234": [
                (generic, 1, "5980", none),
                (generic, 2, "6980", none),
            ],
            # Amazon.co.uk, ITEM only.
            "202-7654321-1098765": [(generic, 1, "34.99", none)],
            # Amazon.com.br, ITEM only.
            "171-2345678-9012345": [(generic, 1, "1599.90", none)],
            "171-9876543-2109876": [(generic, 1, "299.90", none)],
            # Amazon.com.tr, MARKETPLACE_FACILITATOR (IOSS), no TAX breakdown.
            "028-1234567-8901234": [(generic, 2, "62.50", none)],
            # Amazon.com: ITEM 39.99 + TAX 10.00, the facilitator's.
            "114-9876543-1234567": [
                (generic, 1, "39.99", none),
                (self.facilitator, 1, "10.00", none),
            ],
        }
        self.assertEqual(set(examples), set(expected_lines), "the sandbox's orders")
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
                self.assertLines(order, expected_lines[order_id])
                self.assertTotal(order, payload)
        fba = self.imported({"orderId": "250-1234567-8901234"}, self.account_fe)
        self.assertEqual(fba.amazon_fulfilled_by, "amazon")
        self.assertEqual(fba.picking_ids.state, "done")
