# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Amazon's third money shape, end to end: ``ITEM`` holds what the buyer paid, VAT
included, and ``TAX`` gives the VAT part of it (v0's ``ItemPrice`` / ``ItemTax``
carried into v2026, as Amazon's Orders API migration guide maps them; the payloads
are :func:`order_factory.order` with ``vat_included``).

Imported, delivered, invoiced and paid by the simulator's settlement of the order:
the order and invoice total are Amazon's ``grandTotal``, each line's VAT is the part
Amazon states for it, and the invoice is paid. A ``TAX`` that cannot be the item's
is refused without losing the order.
"""

import importlib
import random
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from odoo.tests import tagged

from . import order_factory as f
from .common import import_simulator
from .common_orders import ADJUSTMENT, ROUNDING
from .common_settlements import AmazonSettlementCommon


def amount(value):
    return Decimal(str(value)).quantize(Decimal("0.01"))


@tagged("post_install", "-at_install")
class TestOrderVatIncluded(AmazonSettlementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shipping = cls.account.shipping_product_id
        cls.promotion = cls.company.amazon_promotion_product_id

    def vat_parts(self, payload):
        """Amazon's VAT per kind of line, by item: {(item id, subtype): amount},
        the DISCOUNT part negative."""
        return {
            (item["orderItemId"], detail["subtype"]): Decimal(detail["value"]["amount"])
            for item in payload["orderItems"]
            for breakdown in item["proceeds"]["breakdowns"]
            if breakdown["type"] == "TAX"
            for detail in breakdown["detailedBreakdowns"]
        }

    def line_vat(self, line):
        return amount(line.price_total - line.price_subtotal)

    def sell_ship_settle(self, marketplace, rate, **address):
        """An order of 3 lamps at 23.98 with 4.99 shipping and a 7.20 promotion,
        and a chair at 59.90, on ``marketplace`` in the VAT-included shape:
        imported, shipped, invoiced, then paid by the simulator's settlement."""
        payload, order = self.shipped_order(
            f.item("SKU-A", 3, "23.98", shipping="4.99", discount="7.20"),
            f.item("SKU-B", 1, "59.90"),
            marketplace=marketplace,
            vat_included=True,
            **address,
        )
        lamp, chair = (item["orderItemId"] for item in payload["orderItems"])
        parts = self.vat_parts(payload)
        # The payload is the shape under test: TAX is inside the amounts.
        for item in payload["orderItems"]:
            proceeds = item["proceeds"]
            self.assertEqual(
                sum(
                    Decimal(b["subtotal"]["amount"])
                    for b in proceeds["breakdowns"]
                    if b["type"] != "TAX"
                ),
                Decimal(proceeds["proceedsTotal"]["amount"]),
            )
        self.assertEqual(payload["proceeds"]["grandTotal"]["amount"], "129.63")

        # The sales order: Amazon's prices as paid, Amazon's rate included.
        vat = ((rate, True),)
        self.assertLines(
            order,
            [
                (self.product_a, 3, "23.98", vat),
                (self.shipping, 1, "4.99", vat),
                (self.promotion, 1, "-7.20", vat),
                (self.product_b, 1, "59.90", vat),
            ],
        )
        self.assertTotal(order, payload)
        lines = order.order_line.sorted("sequence")
        expected_vat = [
            parts[lamp, "ITEM"],
            parts[lamp, "SHIPPING"],
            parts[lamp, "DISCOUNT"],
            parts[chair, "ITEM"],
        ]
        self.assertEqual([self.line_vat(line) for line in lines], expected_vat)

        # The invoice: Amazon's total, Amazon's VAT line by line.
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(
            amount(invoice.amount_total),
            Decimal(payload["proceeds"]["grandTotal"]["amount"]),
        )
        invoice_lines = invoice.invoice_line_ids.sorted("sequence")
        self.assertEqual(
            [
                (line.product_id, line.quantity, self.line_vat(line))
                for line in invoice_lines
            ],
            [
                (self.product_a, 3, parts[lamp, "ITEM"]),
                (self.shipping, 1, parts[lamp, "SHIPPING"]),
                (self.promotion, 1, parts[lamp, "DISCOUNT"]),
                (self.product_b, 1, parts[chair, "ITEM"]),
            ],
        )
        self.assertEqual(amount(invoice.amount_tax), sum(parts.values()))
        self.assertEqual(
            {tax.amount for tax in invoice_lines.tax_ids}, {rate}, "one VAT rate"
        )

        # The settlement of this order pays the invoice.
        self.assertEqual(invoice.payment_state, "not_paid")
        published = self.publish_settlement(payload, advertising=None)
        self.assertFalse(
            [
                row
                for row in published.rows
                if row["amount-description"] in ("Tax", "ShippingTax")
            ],
            "the Principal holds the VAT: no Tax row adds it again",
        )
        self.fetch()
        settlement = self.settlement(published.settlement_id)
        self.assertFalse(settlement.last_error)
        self.assertEqual(settlement.state, "posted")
        self.assertEqual(settlement.unmatched_count, 0)
        self.assertEqual(amount(settlement.amount_sales), amount(invoice.amount_total))
        self.assertEqual(invoice.payment_state, "paid")
        return payload, order

    def test_amazon_de_19_percent(self):
        payload, _order = self.sell_ship_settle("DE", 19.0)
        parts = self.vat_parts(payload)
        self.assertEqual(
            sorted(parts.values()),
            [Decimal(v) for v in ("-1.15", "0.80", "9.56", "11.49")],
        )

    def test_amazon_fr_20_percent(self):
        payload, _order = self.sell_ship_settle(
            "FR", 20.0, city="Paris", postal_code="75001"
        )
        parts = self.vat_parts(payload)
        self.assertEqual(
            sorted(parts.values()),
            [Decimal(v) for v in ("-1.20", "0.83", "9.98", "11.99")],
        )

    def test_a_tax_larger_than_its_item_is_refused_and_kept_to_retry(self):
        good = f.order([f.item("SKU-A", 1, "23.80")], vat_included=True)
        broken = f.order([f.item("SKU-B", 1, "23.80")], vat_included=True)
        fixed = f.order(
            [f.item("SKU-B", 1, "23.80")],
            vat_included=True,
            order_id=broken["orderId"],
        )
        tax = broken["orderItems"][0]["proceeds"]["breakdowns"][-1]
        self.assertEqual(tax["type"], "TAX")
        tax["subtotal"]["amount"] = "38.00"
        tax["detailedBreakdowns"][0]["value"]["amount"] = "38.00"
        self.publish(good, broken)
        self.import_orders()
        self.assertTrue(self.imported(good))
        record = self.import_record(broken)
        self.assertEqual(record.state, "failed")
        self.assertIn(broken["orderId"], record.error)
        self.assertIn("TAX on ITEM (38.00) is larger than ITEM (23.80)", record.error)
        self.assertFalse(self.sale_order(broken))
        self.assertEqual(self.account.failed_import_count, 1)
        # Amazon corrects the order: the Retry imports it.
        self.publish(fixed)
        record.with_user(self.amazon_admin).action_retry()
        order = self.imported(fixed)
        self.assertEqual(record.state, "done")
        self.assertTotal(order, fixed)
        self.assertEqual(
            self.line_vat(order.order_line), self.vat_parts(fixed).popitem()[1]
        )

    def test_simulator_orders_of_every_tax_included_marketplace(self):
        """The simulator's own orders in this shape (its generator, TAX_INCLUDED)
        on Amazon.de, .fr, .it, .es and .co.uk: Amazon's total, and each item's
        VAT is its TAX, without a rounding or adjustment line."""
        import_simulator()
        generator_module = importlib.import_module("amazon_simulator.generator")
        marketplaces = importlib.import_module("amazon_simulator.marketplaces")
        codes = ("DE", "FR", "IT", "ES", "UK")
        self.account.marketplace_ids |= self.env.ref(
            "amazon_connector.marketplace_it"
        ) | self.env.ref("amazon_connector.marketplace_es")
        generator = generator_module.OrderGenerator(
            random.Random(19), self.account.seller_id
        )
        now = datetime.now(timezone.utc) - timedelta(minutes=10)
        payloads = []
        for code in codes:
            marketplace = marketplaces.MARKETPLACES[code]
            made = 0
            while made < 2:
                payload = generator.order(
                    marketplace, now, tax_shape=generator_module.TAX_INCLUDED
                ).order
                fulfillment = payload["fulfillment"]
                if (fulfillment["fulfillmentStatus"], fulfillment["fulfilledBy"]) == (
                    "UNSHIPPED",
                    "MERCHANT",
                ):
                    payloads.append(payload)
                    made += 1
        self.publish(*payloads)
        self.import_orders()
        for payload in payloads:
            ref = payload["orderId"]
            order = self.imported(payload)
            self.assertTotal(order, payload)
            self.assertFalse(
                order.order_line.filtered(
                    lambda line: (
                        line.name == ROUNDING or line.name.startswith(ADJUSTMENT)
                    )
                ),
                ref,
            )
            self.assertTrue(all(order.order_line.tax_id.mapped("price_include")), ref)
            vat = defaultdict(Decimal)
            for line in order.order_line:
                vat[line.amazon_order_item_id] += self.line_vat(line)
            taxes = {}
            for item in payload["orderItems"]:
                breakdowns = item["proceeds"]["breakdowns"]
                (tax,) = [b for b in breakdowns if b["type"] == "TAX"]
                taxes[item["orderItemId"]] = Decimal(tax["subtotal"]["amount"])
                self.assertEqual(
                    sum(
                        Decimal(b["subtotal"]["amount"])
                        for b in breakdowns
                        if b["type"] != "TAX"
                    ),
                    Decimal(item["proceeds"]["proceedsTotal"]["amount"]),
                    f"{ref}: the TAX is inside the amounts",
                )
            self.assertEqual(dict(vat), taxes, ref)
