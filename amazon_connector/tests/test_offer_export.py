# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The export: one JSON_LISTINGS_FEED per account with only what changed, sent to
the simulator over HTTP, and Amazon's verdict on each offer."""

from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from ..models import amazon_offer_export
from .common_offers import LISTINGS_FEED, AmazonOfferCommon
from .job_runner import run_jobs, trap_jobs

STOCK = "/attributes/fulfillment_availability"
PRICE = "/attributes/purchasable_offer"


def patch_of(message, path):
    return next((p for p in message["patches"] if p["path"] == path), None)


@tagged("post_install", "-at_install")
class TestOfferExport(AmazonOfferCommon):
    def test_one_feed_with_what_changed_and_amazon_keeps_it(self):
        lamp = self.storable("EX-1", 12, sale_delay=3)
        mug = self.storable("EX-2", 4)
        sticker = self.env["product.product"].create(
            {"name": "Sticker", "default_code": "EX-3", "is_storable": False}
        )
        offers = self.offer(lamp) | self.offer(mug) | self.offer(sticker)
        offers.sync_price = False
        self.export()
        feeds = self.listings_feeds()
        self.assertEqual(len(feeds), 1, "one feed for the account")
        self.assertEqual(feeds[0]["header"]["sellerId"], self.account.seller_id)
        messages = {m["sku"]: m for m in feeds[0]["messages"]}
        self.assertEqual(set(messages), {"EX-1", "EX-2", "EX-3"})
        lamp_patch = patch_of(messages["EX-1"], STOCK)
        self.assertEqual(messages["EX-1"]["operationType"], "PATCH")
        self.assertEqual(messages["EX-1"]["productType"], "PRODUCT")
        self.assertEqual(lamp_patch["op"], "merge", "Amazon keeps the other settings")
        self.assertEqual(
            lamp_patch["value"],
            [
                {
                    "fulfillment_channel_code": "DEFAULT",
                    "quantity": 12,
                    "lead_time_to_ship_max_days": 3,
                }
            ],
        )
        self.assertEqual(
            patch_of(messages["EX-3"], STOCK)["value"][0]["quantity"], 1000
        )
        self.assertEqual(self.sim_listing("EX-1")["quantity"], 12)
        self.assertEqual(self.sim_listing("EX-2")["quantity"], 4)
        self.assertEqual(offers.mapped("state"), ["ok"] * 3)
        self.assertEqual(offers.mapped("last_sent_qty"), [12, 4, 1000])
        self.assertTrue(all(offers.mapped("last_sent_qty_date")))

        # Nothing changed: nothing sent.
        self.export()
        self.assertEqual(len(self.listings_feeds()), 1)
        # One product's stock changed: only its offer is sent.
        self.put(mug, 3)
        self.export()
        feeds = self.listings_feeds()
        self.assertEqual(len(feeds), 2)
        self.assertEqual([m["sku"] for m in feeds[1]["messages"]], ["EX-2"])
        self.assertEqual(self.sim_listing("EX-2")["quantity"], 7)
        self.assertEqual(offers[1].last_sent_qty, 7)

    def test_fba_offers_and_sync_switches(self):
        fba = self.offer(self.storable("EX-4", 5), fulfillment_channel="amazon")
        off = self.offer(self.storable("EX-5", 5), sync_stock=False, sync_price=False)
        fba.price = 25.0
        self.export()
        messages = {m["sku"]: m for m in self.sent_messages()}
        self.assertNotIn(off.sku, messages)
        self.assertIsNone(patch_of(messages[fba.sku], STOCK), "FBA: no quantity")
        self.assertIsNotNone(patch_of(messages[fba.sku], PRICE))

    def test_prices_own_or_pricelist_tax_included_in_the_marketplace_currency(self):
        lamp = self.storable("EX-6", 5, taxes_id=[(6, 0, self.vat_19.ids)])
        pricelist = self.marketplace_de._amazon_pricelist(self.company)
        rule = self.env["product.pricelist.item"].create(
            {
                "pricelist_id": pricelist.id,
                "applied_on": "0_product_variant",
                "product_id": lamp.id,
                "compute_price": "fixed",
                "fixed_price": 100.0,
            }
        )
        own = self.offer(self.storable("EX-7", 5), price=19.99, minimum_price=15.0)
        from_pricelist = self.offer(lamp)
        self.export(stock=False)
        messages = {m["sku"]: m for m in self.sent_messages()}
        value = patch_of(messages[own.sku], PRICE)["value"][0]
        self.assertEqual(value["marketplace_id"], self.marketplace_de.marketplace_id)
        self.assertEqual(value["currency"], "EUR")
        self.assertEqual(value["audience"], "ALL")
        self.assertEqual(
            value["our_price"], [{"schedule": [{"value_with_tax": 19.99}]}]
        )
        self.assertEqual(
            value["minimum_seller_allowed_price"],
            [{"schedule": [{"value_with_tax": 15.0}]}],
        )
        self.assertIsNone(patch_of(messages[own.sku], STOCK), "prices only")
        pricelist_value = patch_of(messages[from_pricelist.sku], PRICE)["value"][0]
        self.assertEqual(
            pricelist_value["our_price"][0]["schedule"][0]["value_with_tax"],
            119.0,
            "Amazon.de's prices include VAT",
        )
        self.assertEqual(from_pricelist.last_sent_price, 119.0)
        prices = self.sim_listing(from_pricelist.sku)["prices"]
        self.assertEqual(
            prices[self.marketplace_de.marketplace_id]["value_with_tax"], 119.0
        )

        # The pricelist's rule changes the price: it is sent, and only it.
        rule.fixed_price = 90.0
        self.export(stock=False)
        last = self.listings_feeds()[-1]["messages"]
        self.assertEqual([m["sku"] for m in last], [from_pricelist.sku])
        self.assertEqual(from_pricelist.last_sent_price, 107.1)

    def test_yen_prices_are_whole(self):
        jp = self.env.ref("amazon_connector.marketplace_jp")
        account = self.simulator_account("Japan", "fe", jp)
        offer = self.offer(self.storable("JP-1", 2), marketplace=jp, price=1980.4)
        offer.account_id = account
        self.export(account, stock=False)
        value = patch_of(self.sent_messages()[0], PRICE)["value"][0]
        self.assertEqual(value["currency"], "JPY")
        self.assertEqual(value["our_price"], [{"schedule": [{"value_with_tax": 1980}]}])
        self.assertIsInstance(
            value["our_price"][0]["schedule"][0]["value_with_tax"], int
        )
        self.assertEqual(offer.last_sent_price, 1980.0)

    def test_amazon_rejecting_one_sku_puts_only_that_offer_in_error(self):
        good = self.offer(self.storable("EX-8", 5))
        bad = self.offer(self.storable("EX-9", 5))
        self.simulator.state.reject_sku(
            bad.sku, code="90220", message="'[batteries_required]' is required."
        )
        self.export(price=False)
        self.assertEqual(good.state, "ok")
        self.assertEqual(self.sim_listing(good.sku)["quantity"], 5)
        self.assertEqual(bad.state, "error")
        self.assertIn("90220", bad.error)
        self.assertIn("batteries_required", bad.error)
        self.assertFalse(bad.last_sent_qty_date, "last sent: only what Amazon accepted")
        # The refused value is not sent again until it changes.
        self.export(price=False)
        self.assertEqual(len(self.listings_feeds()), 1, self.listings_feeds()[1:])
        self.put(bad.product_id, 1)
        self.simulator.state.accept_sku(bad.sku)
        self.export(price=False)
        self.assertEqual(bad.state, "ok")
        self.assertEqual(bad.last_sent_qty, 6)

    def test_fatal_feed_leaves_offers_pending_and_they_are_sent_again(self):
        offer = self.offer(self.storable("EX-10", 8))
        self.simulator.state.inject_fault(
            "createFeed", "fatal", feed_type=LISTINGS_FEED
        )
        self.export(price=False)
        self.assertEqual(offer.state, "pending")
        self.assertIn("FATAL", offer.error)
        self.assertFalse(offer.last_sent_qty_date)
        self.assertNotIn("quantity", self.sim_listing(offer.sku))
        self.export(price=False)
        self.assertEqual(offer.state, "ok")
        self.assertEqual(self.sim_listing(offer.sku)["quantity"], 8)

    def test_offer_without_product_type_is_in_error_and_not_sent(self):
        offer = self.offer(self.storable("EX-11", 8), product_type=False)
        self.export(price=False)
        self.assertEqual(offer.state, "error")
        self.assertIn("product type", offer.error)
        self.assertEqual(self.listings_feeds(), [])
        offer.product_type = "PRODUCT"
        self.export(price=False)
        self.assertEqual(offer.state, "ok")

    def test_more_messages_than_a_feed_holds_make_several_feeds(self):
        offers = self.env["amazon.offer"]
        for number in range(5):
            offers |= self.offer(self.storable(f"EX-M{number}", number + 1))
        with patch.object(amazon_offer_export, "MAX_MESSAGES", 2):
            self.export(price=False)
        feeds = self.listings_feeds()
        self.assertEqual([len(f["messages"]) for f in feeds], [2, 2, 1])
        self.assertEqual(set(offers.mapped("state")), {"ok"})
        self.assertEqual(
            self.env["amazon.feed"].search_count([("feed_type", "=", LISTINGS_FEED)]), 3
        )

    def test_handling_time_change_is_sent(self):
        product = self.storable("EX-12", 3, sale_delay=2)
        offer = self.offer(product)
        self.export(price=False)
        offer.handling_time = 5
        self.export(price=False)
        last = self.listings_feeds()[-1]["messages"][0]
        self.assertEqual(
            patch_of(last, STOCK)["value"][0]["lead_time_to_ship_max_days"], 5
        )
        self.assertEqual(self.sim_listing(offer.sku)["lead_time_to_ship_max_days"], 5)

    def test_offer_button_sends_even_unchanged_values(self):
        offer = self.offer(self.storable("EX-13", 3))
        self.export(price=False)
        with run_jobs(retry=True):
            offer.action_export()
        self.assertEqual(len(self.listings_feeds()), 2)

    def test_account_buttons_need_a_connected_account(self):
        self.account.state = "draft"
        with self.assertRaises(UserError):
            self.account.action_export_stock()
        with self.assertRaises(UserError):
            self.account.action_import_listings()

    def test_cron_queues_one_export_per_connected_account(self):
        self.offer(self.storable("EX-14", 3))
        with run_jobs(retry=True) as run:
            self.env["amazon.offer"]._cron_amazon_export()
        self.assertIn("_amazon_export", run.methods())
        self.assertEqual(self.sim_listing("EX-14")["quantity"], 3)
        self.env["ir.config_parameter"].sudo().set_param(
            "amazon_connector.enabled", "False"
        )
        with run_jobs(retry=True) as run:
            self.env["amazon.offer"]._cron_amazon_export()
        self.assertEqual(run.methods(), [], "Settings switch off: nothing")


@tagged("post_install", "-at_install")
class TestSoonerThanTheCron(AmazonOfferCommon):
    def commit_hooks(self):
        """Run what the transaction runs when it commits (its precommit hooks)."""
        self.env.cr.flush()

    def cron_triggers(self):
        cron = self.env.ref("amazon_connector.ir_cron_amazon_export_offers")
        return self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])

    def test_moves_trigger_one_export_and_a_sell_out_is_sent_at_once(self):
        product = self.storable("SO-1", 2)
        offer = self.offer(product)
        self.export(price=False)
        self.assertEqual(offer.last_sent_qty, 2)
        self.cron_triggers().unlink()

        picking = self.customer_delivery(product, 1)
        self.assertFalse(self.cron_triggers(), "checked once, at commit")
        self.commit_hooks()
        self.assertEqual(len(self.cron_triggers()), 1, "the export runs soon")
        picking.action_assign()
        self.customer_delivery(product, 1, confirm=False).action_confirm()
        self.commit_hooks()
        self.assertEqual(len(self.cron_triggers()), 1, "debounced: one run")
        self.assertTrue(
            self.cron_triggers().call_at > fields.Datetime.now(), "in a minute"
        )
        # Both units committed: sold out, sent at once, alone.
        self.assertEqual(offer.available_qty, 0)
        jobs = self.env["queue.job"].search(
            [("method_name", "=", "_amazon_send_sold_out")]
        )
        self.assertEqual(len(jobs), 1)
        with run_jobs(retry=True):
            jobs.ensure_one()
            self.env["amazon.offer"].browse(offer.id)._amazon_send_sold_out()
        patches = self.simulator.state.listings_patches
        self.assertEqual(len(patches), 1)
        self.assertEqual(patches[0]["sku"], "SO-1")
        self.assertEqual(patches[0]["body"]["patches"][0]["value"][0]["quantity"], 0)
        self.assertEqual(self.sim_listing("SO-1")["quantity"], 0)
        self.assertEqual((offer.last_sent_qty, offer.state), (0, "ok"))
        # Done again: Amazon has 0 already, nothing sent.
        offer._amazon_send_sold_out()
        self.assertEqual(len(self.simulator.state.listings_patches), 1)
        # The feed does not send the 0 again either.
        self.export(price=False)
        self.assertEqual(len(self.listings_feeds()), 1)

    def test_a_pending_quotation_reserving_stock_triggers_the_export(self):
        product = self.storable("SO-2", 5)
        self.offer(product)
        self.cron_triggers().unlink()
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": 2})
                ],
            }
        )
        self.commit_hooks()
        self.assertFalse(self.cron_triggers(), "an ordinary quotation reserves nothing")
        order.amazon_reserved = True
        self.commit_hooks()
        self.assertEqual(len(self.cron_triggers()), 1)

    def test_moves_of_products_without_offers_trigger_nothing(self):
        product = self.storable("SO-3", 5)
        self.cron_triggers().unlink()
        self.customer_delivery(product, 1)
        self.commit_hooks()
        self.assertFalse(self.cron_triggers())

    def test_a_warehouse_user_validating_a_delivery_triggers_the_export(self):
        product = self.storable("SO-4", 5)
        self.offer(product)
        self.cron_triggers().unlink()
        user = new_test_user(
            self.env, login="amazon_stock_user", groups="stock.group_stock_user"
        )
        picking = self.customer_delivery(product, 2).with_user(user)
        picking.action_assign()
        picking.move_ids.quantity = 2
        picking.move_ids.picked = True
        picking.button_validate()
        self.commit_hooks()
        self.assertEqual(picking.state, "done")
        self.assertEqual(len(self.cron_triggers()), 1)

    def test_a_sale_while_a_restock_is_on_its_way_is_not_forgotten(self):
        product = self.storable("SO-5")
        offer = self.offer(product)
        self.export(price=False)
        self.assertEqual((offer.last_sent_qty, offer.state), (0, "ok"))
        self.put(product, 5)
        with trap_jobs():  # the feed with 5 leaves, Amazon has not processed it
            self.env["amazon.offer"]._amazon_export(self.account, price=False)
        self.assertEqual((offer.state, offer.attempted_qty), ("pending", 5))
        self.customer_delivery(product, 5)  # the 5 sold meanwhile
        plan, _missing = self.env["amazon.offer"]._amazon_export_plan(
            self.account, price=False
        )
        self.assertEqual(
            [(row["id"], qty) for (row, qty, _p), _x in plan], [(offer.id, 0)]
        )
        self.assertTrue(offer._amazon_may_be_selling(), "5 on their way to Amazon")


@tagged("post_install", "-at_install")
class TestOfferChannelCheck(AmazonOfferCommon):
    """An offer made by hand (or from an order) is asked of Amazon
    (getListingsItem) before its first stock export: the connector never
    decides who fulfils it."""

    def test_a_hand_made_merchant_offer_amazon_fulfils_gets_no_quantity(self):
        product = self.storable("CH-1", 8)
        offer = self.env["amazon.offer"].create(
            {
                "account_id": self.account.id,
                "marketplace_id": self.marketplace_de.id,
                "sku": "CH-1",
                "product_id": product.id,
            }
        )
        self.simulator.state.add_listing(
            "CH-1", marketplace="DE", fulfillment_channel="AMAZON_EU"
        )
        self.assertEqual(offer.fulfillment_channel, "merchant")
        self.assertTrue(offer.channel_unknown, "not confirmed by Amazon yet")
        self.export()
        (request,) = self.simulator.state.listings_item_requests
        self.assertEqual(
            (request["sku"], request["marketplaceIds"]),
            ("CH-1", [self.marketplace_de.marketplace_id]),
        )
        self.assertEqual(offer.fulfillment_channel, "amazon")
        self.assertFalse(offer.channel_unknown)
        self.assertIn("Amazon fulfils this offer", offer.channel_note)
        for message in self.sent_messages():
            self.assertIsNone(patch_of(message, STOCK), message)
        self.assertEqual(
            self.simulator.state.listings["CH-1"]["fulfillment_channel"], "AMAZON_EU"
        )
        # Asked once: the next export does not ask again.
        self.export()
        self.assertEqual(len(self.simulator.state.listings_item_requests), 1)

    def test_an_offer_amazon_does_not_know_sends_nothing_and_says_why(self):
        product = self.storable("CH-2", 3)
        offer = self.env["amazon.offer"].create(
            {
                "account_id": self.account.id,
                "marketplace_id": self.marketplace_de.id,
                "sku": "CH-2",
                "product_id": product.id,
            }
        )
        self.export()
        self.assertFalse(self.listings_feeds(), "nothing sent")
        self.assertTrue(offer.channel_unknown)
        self.assertIn("Amazon has no listing of CH-2", offer.channel_note)
        # Listed since: the next export asks again, then sends.
        self.simulator.state.add_listing("CH-2", marketplace="DE")
        self.export()
        self.assertFalse(offer.channel_unknown)
        self.assertEqual(offer.last_sent_qty, 3)

    def test_an_offer_created_from_an_order_is_not_confirmed(self):
        """The order import creates offers with the values it has: the channel
        is confirmed by Amazon before the first export, like a hand-made one."""
        offer = self.env["amazon.offer"].create(
            {
                "account_id": self.account.id,
                "marketplace_id": self.marketplace_de.id,
                "sku": "CH-3",
                "asin": "B0CH3",
            }
        )
        self.assertTrue(offer.channel_unknown)
        explicit = self.env["amazon.offer"].create(
            {
                "account_id": self.account.id,
                "marketplace_id": self.marketplace_de.id,
                "sku": "CH-4",
                "channel_unknown": False,
            }
        )
        self.assertFalse(explicit.channel_unknown, "the listings import says so")

    def test_throttled_checks_send_nothing_for_the_offers_not_asked(self):
        product = self.storable("CH-5", 4)
        offer = self.offer(product)
        self.simulator.state.inject_fault("getListingsItem", "429", count=10)
        self.export()
        self.assertTrue(offer.channel_unknown)
        self.assertIn("could not be asked", offer.channel_note)
        self.assertFalse(self.listings_feeds())

    def test_set_to_merchant_by_hand_is_confirmed_by_amazon_first(self):
        fba = self.offer(self.storable("CH-6", 7), fulfillment_channel="amazon")
        self.export()
        self.assertEqual(
            (fba.fulfillment_channel, fba.channel_unknown), ("amazon", False)
        )
        fba.fulfillment_channel = "merchant"
        self.assertTrue(fba.channel_unknown)
        self.export()
        self.assertEqual(fba.fulfillment_channel, "amazon", "Amazon says it fulfils it")
        self.assertNotIn(
            "CH-6", [m["sku"] for m in self.sent_messages() if patch_of(m, STOCK)]
        )
