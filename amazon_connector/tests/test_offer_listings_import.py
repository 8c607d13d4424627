# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Onboarding from Amazon's listings: GET_MERCHANT_LISTINGS_ALL_DATA requested,
polled as later jobs, downloaded and turned into offers, over HTTP."""

from unittest.mock import patch

from odoo.tests import tagged

from .common import import_simulator
from .common_offers import AmazonOfferCommon
from .job_runner import run_jobs

STOCK = "/attributes/fulfillment_availability"

JP_TITLE = "ステンレス製マグカップ 350ml"


class ListingsImportCase(AmazonOfferCommon):
    """Amazon.de's listings imported through the jobs, the simulator's reports
    cleared before each test."""

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


@tagged("post_install", "-at_install")
class TestListingsImport(ListingsImportCase):
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
        self.assertIn("_amazon_poll", self.run.methods(), "polled later")
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

    def test_one_marketplace_does_not_make_an_fba_offer_of_every_one_merchant(self):
        """Amazon fulfils the SKU elsewhere; Amazon.de's report says DEFAULT: the
        offer of every marketplace stays Amazon's and Amazon is asked again."""
        product = self.storable("LI-8", 5)
        offer = self.env["amazon.offer"].create(
            {
                "account_id": self.account.id,
                "sku": "LI-8",
                "product_id": product.id,
                "fulfillment_channel": "amazon",
                "channel_unknown": False,
            }
        )
        self.simulator.state.add_listing("LI-8", marketplace="DE", quantity=4)
        self.import_listings()
        self.assertEqual(self.offers(), offer)
        self.assertEqual(offer.fulfillment_channel, "amazon")
        self.assertTrue(offer.channel_unknown)
        self.assertIn("Amazon fulfils elsewhere", offer.channel_note)


@tagged("post_install", "-at_install")
class TestListingsAsSellersGetThem(ListingsImportCase):
    """The All Listings Report in the layouts and languages real sellers get
    (the simulator writes them: tools/amazon_simulator/listings_report.py, each
    layout with its source), imported and then exported."""

    def stock_messages(self):
        """{sku: fulfillment_availability value} the simulator received."""
        return {
            m["sku"]: p["value"]
            for m in self.sent_messages()
            for p in m["patches"]
            if p["path"] == STOCK
        }

    def test_the_german_4140_report_never_sends_stock_to_an_fba_offer(self):
        """Amazon.de's header (#4140): fulfilment-channel in British spelling,
        placeholders, extra columns. The AMAZON_EU offer is Amazon's and the
        next export sends it no quantity, Send Stock on or not."""
        state = self.simulator.state
        state.listings_report_layouts = {"DE": "de-4140"}
        fba_product = self.storable("DE-FBA-1", 40)
        mfn_product = self.storable("DE-MFN-1", 6)
        state.add_listing(
            "DE-FBA-1", marketplace="DE", fulfillment_channel="AMAZON_EU", price="20"
        )
        state.add_listing("DE-MFN-1", marketplace="DE", quantity=2, price="10")
        self.import_listings()
        offers = {o.sku: o for o in self.offers()}
        fba, mfn = offers["DE-FBA-1"], offers["DE-MFN-1"]
        self.assertEqual(fba.fulfillment_channel, "amazon")
        self.assertEqual(mfn.fulfillment_channel, "merchant")
        self.assertFalse(fba.channel_unknown or mfn.channel_unknown)
        self.assertEqual((fba.product_id, mfn.product_id), (fba_product, mfn_product))
        self.assertTrue(fba.sync_stock, "Send Stock is on by default")
        self.export()
        stock = self.stock_messages()
        self.assertEqual(stock["DE-MFN-1"][0]["quantity"], 6)
        self.assertNotIn("DE-FBA-1", stock, "no quantity for Amazon's offer")
        for message in self.sent_messages():
            for patch_ in message["patches"]:
                for value in patch_["value"]:
                    if message["sku"] == "DE-FBA-1":
                        self.assertNotIn("fulfillment_channel_code", value)
        self.assertEqual(state.listings["DE-FBA-1"]["fulfillment_channel"], "AMAZON_EU")
        self.assertFalse(state.listings_item_requests, "the report said: not asked")
        # Forced, too.
        fba.action_export()
        with run_jobs(retry=True):
            pass
        self.assertNotIn("DE-FBA-1", self.stock_messages())

    def test_japanese_headers_in_cp932(self):
        jp = self.env.ref("amazon_connector.marketplace_jp")
        account = self.simulator_account("Japan JA", "fe", jp)
        self.simulator.state.listings_report_layouts = {"JP": "ja"}
        mug = self.storable("JA-MUG-1", 3)
        self.simulator.state.add_listing(
            "JA-MUG-1", marketplace="JP", title=JP_TITLE, price="1980", quantity=3
        )
        self.simulator.state.add_listing(
            "JA-FBA-1", marketplace="JP", fulfillment_channel="AMAZON_JP"
        )
        self.import_listings(account)
        offers = {o.sku: o for o in self.offers(account)}
        self.assertEqual(set(offers), {"JA-MUG-1", "JA-FBA-1"})
        self.assertEqual(offers["JA-MUG-1"].title, JP_TITLE)
        self.assertEqual(
            (offers["JA-MUG-1"].product_id, offers["JA-MUG-1"].amazon_price),
            (mug, 1980.0),
        )
        self.assertEqual(offers["JA-FBA-1"].fulfillment_channel, "amazon")
        self.assertFalse(offers["JA-FBA-1"].channel_note, "AMAZON_JP is Japan's")

    def test_custom_true_and_no_status_reports(self):
        self.simulator.state.add_listing("CU-1", marketplace="DE", quantity=4)
        for layout in ("custom", "no-status"):
            self.simulator.state.listings_report_layouts = {"DE": layout}
            self.import_listings()
            offer = self.offers()
            self.assertEqual((offer.sku, offer.amazon_qty), ("CU-1", 4), layout)
            self.assertEqual(offer.fulfillment_channel, "merchant")

    def test_a_header_in_an_unknown_language_is_refused_whole(self):
        """Bad input: a header the table does not know (Finnish names, made up
        for the test: no published Finnish report was found). The message names
        the columns found; no offer is created."""
        listings_report = import_simulator().listings_report
        finnish = (
            ("Tuotteen nimi", "item-name"),
            ("Myyjän SKU", "seller-sku"),
            ("Hinta", "price"),
            ("Toimituskanava", "fulfillment-channel"),
        )
        self.simulator.state.add_listing("FI-1", marketplace="DE", quantity=1)
        self.simulator.state.listings_report_layouts = {"DE": "fi"}
        with patch.dict(listings_report.LAYOUTS, {"fi": finnish}):
            self.import_listings()
        self.assertFalse(self.offers())
        message = self.account.message_ids[:1].body
        self.assertIn("cannot be read", message)
        self.assertIn("has no seller-sku and no fulfillment-channel column", message)
        self.assertIn("Tuotteen nimi, Myyjän SKU, Hinta, Toimituskanava", message)

    def test_an_unknown_channel_is_asked_of_amazon_before_any_export(self):
        """A row with no channel (Amazon left the cell empty): the offer is not
        merchant by default; Amazon's listing says it is FBA, nothing is sent."""
        state = self.simulator.state
        self.storable("UC-1", 9)
        self.storable("UC-2", 9)
        state.add_listing("UC-1", marketplace="DE", fulfillment_channel="AMAZON_EU")
        state.add_listing("UC-2", marketplace="DE", quantity=1)
        listings_report_row = import_simulator().listings_report._row

        def no_channel(sku, listing, market):
            row = listings_report_row(sku, listing, market)
            row["fulfillment-channel"] = ""
            return row

        with patch.object(import_simulator().listings_report, "_row", no_channel):
            self.import_listings()
        offers = {o.sku: o for o in self.offers()}
        self.assertTrue(all(o.channel_unknown for o in offers.values()))
        self.assertIn("does not say who fulfils", offers["UC-1"].channel_note)
        self.assertIn("unknown, asked of Amazon", self.account.message_ids[:1].body)
        self.export()
        self.assertEqual(
            sorted(r["sku"] for r in state.listings_item_requests), ["UC-1", "UC-2"]
        )
        self.assertEqual(
            state.listings_item_requests[0]["includedData"],
            ["summaries", "fulfillmentAvailability"],
        )
        self.assertEqual(offers["UC-1"].fulfillment_channel, "amazon")
        self.assertEqual(offers["UC-2"].fulfillment_channel, "merchant")
        self.assertFalse(
            offers["UC-1"].channel_unknown or offers["UC-2"].channel_unknown
        )
        stock = self.stock_messages()
        self.assertNotIn("UC-1", stock)
        self.assertEqual(stock["UC-2"][0]["quantity"], 9)
        self.assertEqual(state.listings["UC-1"]["fulfillment_channel"], "AMAZON_EU")

    def test_amazon_jp_on_an_eu_account(self):
        """Bad input: a row saying AMAZON_JP on Amazon.de. Read as fulfilled by
        Amazon (never sent a quantity), the offer and the summary name it."""
        self.storable("JPEU-1", 5)
        self.simulator.state.add_listing(
            "JPEU-1", marketplace="DE", fulfillment_channel="AMAZON_JP"
        )
        self.import_listings()
        offer = self.offers()
        self.assertEqual(offer.fulfillment_channel, "amazon")
        self.assertFalse(offer.channel_unknown)
        self.assertIn("AMAZON_JP is not the marketplace's region", offer.channel_note)
        self.assertIn("AMAZON_JP", self.account.message_ids[:1].body)
        self.export()
        self.assertNotIn("JPEU-1", self.stock_messages())

    def test_the_sku_column_twice_is_refused_whole(self):
        """Bad input: two columns that both mean the SKU (English and German
        names in one header, made up for the test): which holds it cannot be
        told, nothing is created."""
        listings_report = import_simulator().listings_report
        twice = (
            ("seller-sku", "seller-sku"),
            ("Händler-SKU", "listing-id"),
            ("fulfillment-channel", "fulfillment-channel"),
        )
        self.simulator.state.add_listing("TW-1", marketplace="DE", quantity=1)
        self.simulator.state.listings_report_layouts = {"DE": "twice"}
        with patch.dict(listings_report.LAYOUTS, {"twice": twice}):
            self.import_listings()
        self.assertFalse(self.offers())
        self.assertIn(
            "the seller-sku column twice ('seller-sku' and 'Händler-SKU')",
            self.account.message_ids[:1].body,
        )
