# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Available to sell: on hand across the account's warehouses, minus committed,
minus Pending reservations, then the reserve rule; kits, untracked and
backorderable products; bad reserve rules and duplicate offers."""

from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_offers import AmazonOfferCommon


@tagged("post_install", "-at_install")
class TestOfferAvailability(AmazonOfferCommon):
    def test_on_hand_across_sites_minus_committed_and_reserved(self):
        product = self.storable("AV-1", 10)
        self.put(product, 4, self.shelf)  # a sub-location of the stock
        self.put(product, 6, self.warehouse_2.lot_stock_id)  # another site
        self.put(product, 100, self.account._amazon_fba_location())  # not ours
        offer = self.offer(product)
        self.assertEqual(offer.on_hand_qty, 20)
        self.assertEqual(offer.available_qty, 20)

        self.customer_delivery(product, 3)  # confirmed, not reserved yet
        reserved_delivery = self.customer_delivery(product, 2)
        reserved_delivery.action_assign()
        self.customer_delivery(product, 5, confirm=False)  # a draft commits nothing
        self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "amazon_reserved": True,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": 4})
                ],
            }
        )
        offer.invalidate_recordset()
        self.assertEqual(offer.on_hand_qty, 20)
        self.assertEqual(offer.committed_qty, 5)
        self.assertEqual(offer.reserved_qty, 4)
        self.assertEqual(offer.available_qty, 11)
        self.assertIn("20 on hand", offer.availability_note)
        self.assertIn("= 11", offer.availability_note)

    def test_account_warehouses_limit_the_sites(self):
        product = self.storable("AV-2", 10)
        self.put(product, 6, self.warehouse_2.lot_stock_id)
        offer = self.offer(product)
        self.account.stock_warehouse_ids = self.warehouse_2
        self.assertEqual(offer.available_qty, 6)

    def test_reserve_rules_fixed_percent_and_account_default(self):
        product = self.storable("AV-3", 7)
        offer = self.offer(product)
        offer.reserve_rule = "5:FIXED"
        self.assertEqual((offer.held_back_qty, offer.available_qty), (5, 2))
        offer.reserve_rule = "10:PERCENT"  # 0.7 held back: rounded up, 6 sent
        self.assertEqual((offer.held_back_qty, offer.available_qty), (1, 6))
        offer.reserve_rule = "20:fixed"
        self.assertEqual(offer.available_qty, 0)
        offer.reserve_rule = False
        self.account.reserve_rule = "50:PERCENT"
        offer.invalidate_recordset()
        self.assertEqual(offer.available_qty, 3)

    def test_bad_reserve_rules_are_refused_naming_offer_and_field(self):
        product = self.storable("AV-4", 7)
        offer = self.offer(product, reserve_rule="2:FIXED")
        for rule in ("abc", "-5:FIXED", "150:PERCENT", "5:WHAT", "5:"):
            with self.subTest(rule=rule):
                with self.assertRaises(ValidationError) as caught:
                    offer.reserve_rule = rule
                    offer.flush_recordset()
                self.assertIn("AV-4", str(caught.exception))
                self.assertIn("Reserve Rule", str(caught.exception))
                offer.invalidate_recordset()
                self.assertEqual(offer.reserve_rule, "2:FIXED", "nothing saved")
        with self.assertRaises(ValidationError) as caught:
            self.account.reserve_rule = "ten:PERCENT"
        self.assertIn("Default Reserve Rule", str(caught.exception))

    def test_negative_quants_send_zero(self):
        product = self.storable("AV-5")
        self.put(product, -4)
        offer = self.offer(product)
        self.assertEqual(offer.available_qty, 0)

    def test_untracked_and_backorderable_products_send_the_account_quantity(self):
        consumable = self.env["product.product"].create(
            {"name": "Sticker", "default_code": "AV-6", "is_storable": False}
        )
        backorderable = self.storable("AV-7", 2, amazon_backorderable=True)
        offers = self.offer(consumable) | self.offer(backorderable)
        self.assertEqual(offers.mapped("available_qty"), [1000, 1000])
        self.account.backorder_quantity = 250
        offers.invalidate_recordset()
        self.assertEqual(offers.mapped("available_qty"), [250, 250])

    def test_archived_product_sends_zero_and_deleting_it_is_refused(self):
        product = self.storable("AV-8", 9)
        offer = self.offer(product)
        product.active = False
        offer.invalidate_recordset()
        self.assertEqual(offer.available_qty, 0)
        self.assertIn("archived", offer.availability_note)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            product.unlink()
            self.env.flush_all()

    def test_fba_offers_get_no_quantity(self):
        product = self.storable("AV-9", 9)
        offer = self.offer(product, fulfillment_channel="amazon")
        self.assertEqual(offer.available_qty, 0)
        self.assertIn("Amazon", offer.availability_note)
        self.assertNotIn(offer.id, offer._amazon_availability())

    def test_two_offers_for_one_sku_are_refused(self):
        product = self.storable("AV-10", 1)
        self.offer(product)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.offer(product)
            self.env.flush_all()

    def test_two_offers_for_one_sku_in_every_marketplace_are_refused(self):
        product = self.storable("AV-11", 1)
        values = {"account_id": self.account.id, "sku": "AV-11"}
        self.env["amazon.offer"].create(values | {"product_id": product.id})
        with self.assertRaises(ValidationError):
            self.env["amazon.offer"].create(values | {"product_id": product.id})

    def test_availability_takes_a_constant_number_of_queries(self):
        Offer = self.env["amazon.offer"]

        def queries_for(count, prefix):
            products = self.env["product.product"].create(
                [
                    {
                        "name": f"{prefix}{i}",
                        "default_code": f"{prefix}{i}",
                        "is_storable": True,
                    }
                    for i in range(count)
                ]
            )
            for product in products:
                self.put(product, 5)
            self.env["amazon.offer"].create(
                [
                    {
                        "account_id": self.account.id,
                        "marketplace_id": self.marketplace_de.id,
                        "sku": p.default_code,
                        "product_id": p.id,
                    }
                    for p in products
                ]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            rows = Offer._amazon_offer_rows(self.account)
            figures = Offer._amazon_compute_availability(rows)
            spent = self.cr.sql_log_count - before
            return spent, figures

        small, figures = queries_for(3, "QA")
        large, figures = queries_for(60, "QB")
        self.assertEqual(small, large)
        self.assertEqual(len(figures), 63)
        self.assertEqual({f.quantity for f in figures.values()}, {5})


@tagged("post_install", "-at_install")
class TestKitAvailability(AmazonOfferCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "mrp.bom" not in cls.env:
            cls.skipTest(cls, "kits need mrp: ./tools/run-tests installs it")
        cls.leg = cls.env["product.product"].create(
            {"name": "Leg", "default_code": "LEG", "is_storable": True}
        )
        cls.top = cls.env["product.product"].create(
            {"name": "Top", "default_code": "TOP", "is_storable": True}
        )
        cls.table = cls.env["product.product"].create(
            {"name": "Table kit", "default_code": "TABLE", "is_storable": False}
        )
        cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.table.product_tmpl_id.id,
                "type": "phantom",
                "bom_line_ids": [
                    (0, 0, {"product_id": cls.leg.id, "product_qty": 4}),
                    (0, 0, {"product_id": cls.top.id, "product_qty": 1}),
                ],
            }
        )

    def test_complete_kits_only(self):
        self.put(self.leg, 10)  # 2 complete kits' worth of legs
        self.put(self.top, 5)
        offer = self.offer(self.table)
        self.assertEqual(offer.available_qty, 2)
        self.assertEqual(offer.on_hand_qty, 2)
        self.customer_delivery(self.leg, 3)  # 7 legs left free: one kit
        offer.invalidate_recordset()
        self.assertEqual((offer.committed_qty, offer.available_qty), (1, 1))

    def test_a_pending_kit_reserves_its_components(self):
        self.put(self.leg, 12)
        self.put(self.top, 3)
        offer = self.offer(self.table)
        self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "amazon_reserved": True,
                "order_line": [
                    (0, 0, {"product_id": self.table.id, "product_uom_qty": 1})
                ],
            }
        )
        offer.invalidate_recordset()
        self.assertEqual((offer.reserved_qty, offer.available_qty), (1, 2))
