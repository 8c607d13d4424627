# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Onboarding from Amazon's listings: GET_MERCHANT_LISTINGS_ALL_DATA requested,
polled as later jobs, downloaded and turned into offers, over HTTP."""

from odoo.tests import tagged

from .common_offers import AmazonOfferCommon
from .job_runner import run_jobs

JP_TITLE = "ステンレス製マグカップ 350ml"


@tagged("post_install", "-at_install")
class TestListingsImport(AmazonOfferCommon):
    def setUp(self):
        super().setUp()
        self.account.marketplace_ids = self.marketplace_de
        with self.simulator.state.lock:
            self.simulator.state.reports.clear()

    def import_listings(self, account=None):
        with run_jobs(retry=True) as run:
            (account or self.account).action_import_listings()
        self.run = run
        return run

    def offers(self, account=None):
        return self.env["amazon.offer"].search(
            [("account_id", "=", (account or self.account).id)]
        )

    def test_offers_created_from_the_listings_report(self):
        lamp = self.storable("LI-1", 5)
        state = self.simulator.state
        state.add_listing(
            "LI-1",
            marketplace="DE",
            asin="B0LAMP0001",
            title="Lamp",
            price="24.90",
            quantity=7,
        )
        state.add_listing(
            "LI-2",
            marketplace="DE",
            asin="B0FBA00002",
            title="Mug",
            price="9.99",
            fulfillment_channel="AMAZON_EU",
        )
        state.add_listing("LI-3", marketplace="DE", title="Nobody's", quantity=1)
        self.import_listings()
        self.assertIn("_amazon_poll_listings", self.run.methods(), "polled later")
        offers = {o.sku: o for o in self.offers()}
        self.assertEqual(set(offers), {"LI-1", "LI-2", "LI-3"})
        self.assertEqual(offers["LI-1"].product_id, lamp)
        self.assertEqual(offers["LI-1"].asin, "B0LAMP0001")
        self.assertEqual(offers["LI-1"].marketplace_id, self.marketplace_de)
        self.assertEqual(offers["LI-1"].fulfillment_channel, "merchant")
        self.assertEqual(
            (offers["LI-1"].amazon_qty, offers["LI-1"].amazon_price), (7, 24.9)
        )
        self.assertEqual(offers["LI-2"].fulfillment_channel, "amazon", "FBA flagged")
        self.assertFalse(offers["LI-3"].product_id, "unmatched: staff maps it")
        message = self.account.message_ids[:1].body
        self.assertIn("LI-3", message)
        self.assertIn("3 offer(s) created", message)

        # Twice: nothing changes.
        before = {o.sku: o.write_date for o in self.offers()}
        self.import_listings()
        self.assertEqual({o.sku: o.write_date for o in self.offers()}, before)
        self.assertIn("0 updated, 3 unchanged", self.account.message_ids[:1].body)

        # An unmatched offer gets its product: exported from then on.
        chair = self.storable("CHAIR", 2)
        offers["LI-3"].product_id = chair
        self.export(price=False)
        self.assertEqual(self.sim_listing("LI-3")["quantity"], 2)

    def test_a_product_created_later_is_bound_by_the_next_import(self):
        self.simulator.state.add_listing("LI-4", marketplace="DE", quantity=1)
        self.import_listings()
        self.assertFalse(self.offers().product_id)
        product = self.storable("LI-4")
        self.import_listings()
        self.assertEqual(self.offers().product_id, product)

    def test_japanese_listings_in_cp932(self):
        jp = self.env.ref("amazon_connector.marketplace_jp")
        account = self.simulator_account("Japan", "fe", jp)
        mug = self.storable("JP-MUG-1", 3)
        self.simulator.state.add_listing(
            "JP-MUG-1", marketplace="JP", title=JP_TITLE, price="1980", quantity=3
        )
        self.import_listings(account)
        offer = self.offers(account)
        self.assertEqual(offer.title, JP_TITLE)
        self.assertEqual((offer.product_id, offer.amazon_price), (mug, 1980.0))

    def test_report_with_bom_and_unknown_columns(self):
        state = self.simulator.state
        state.listings_report_bom = True
        state.listings_report_extra_columns = ("zshop-new-thing", "fulfilment-extra")
        try:
            state.add_listing("LI-5", marketplace="DE", title="Café crème", quantity=2)
            self.import_listings()
        finally:
            state.listings_report_bom = False
            state.listings_report_extra_columns = ()
        offer = self.offers()
        self.assertEqual((offer.sku, offer.title), ("LI-5", "Café crème"))

    def test_a_fatal_report_says_so_and_creates_nothing(self):
        self.simulator.state.add_listing("LI-6", marketplace="DE", quantity=2)
        self.simulator.state.inject_fault("createReport", "fatal")
        self.import_listings()
        self.assertFalse(self.offers())
        self.assertIn("could not produce", self.account.message_ids[:1].body)

    def test_a_marketplace_without_listings_says_so(self):
        self.import_listings()
        self.assertFalse(self.offers())
        self.assertIn("no listings", self.account.message_ids[:1].body)

    def test_an_offer_of_every_marketplace_is_completed_not_duplicated(self):
        product = self.storable("LI-7", 1)
        offer = self.env["amazon.offer"].create(
            {"account_id": self.account.id, "sku": "LI-7", "product_id": product.id}
        )
        self.simulator.state.add_listing(
            "LI-7", marketplace="DE", asin="B0ANY00007", price="5.00", quantity=4
        )
        self.import_listings()
        self.assertEqual(self.offers(), offer, "no second offer for the SKU")
        self.assertEqual(offer.asin, "B0ANY00007")
        written = offer.write_date
        self.import_listings()
        self.assertEqual(offer.write_date, written, "twice: nothing written")
