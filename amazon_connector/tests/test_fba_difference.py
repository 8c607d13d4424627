# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Odoo's FBA quantities against Amazon's: the comparison lists every product
whose FBA (sellable) or FBA Unsellable quantity differs from Amazon's inventory
summary, with what the ledger says of it; Reconcile closes a difference with an
inventory adjustment.

The summaries are ``FbaSummary`` values as the summaries reader hands them over:
their figures are those of getInventorySummaries' ``inventoryDetails``
(fulfillableQuantity, reservedQuantity.totalReservedQuantity,
inbound{Working,Shipped,Receiving}Quantity, researchingQuantity,
unfulfillableQuantity) as Amazon's FBA Inventory API model (fbaInventory.json)
defines them; FNSKUs are shaped like Amazon's (``X00…``). The last test asks the
simulator's getInventorySummaries through the adapter, as the FBA run does."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.queue_job.exception import RetryableJobError

from ..amazon.adapter import SpApiAdapter
from ..amazon.errors import AmazonPaginationExpired
from ..amazon.fba_inventory import FbaSummary
from .common_offers import AmazonOfferCommon
from .test_fba_ledger import FbaLedgerCommon, row


def summary(sku, fulfillable=0, **figures):
    """One SKU's summary, its FNSKU derived from the SKU unless told."""
    figures.setdefault("fnsku", "X00" + sku.replace("-", "")[:7].upper())
    return FbaSummary(sku=sku, asin="B000TEST01", fulfillable=fulfillable, **figures)


@tagged("post_install", "-at_install")
class TestFbaDifference(AmazonOfferCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fba = cls.account._amazon_fba_location()
        cls.unsellable = cls.account._amazon_fba_unsellable_location()
        cls.loss = cls.account._amazon_fba_loss_location()
        cls.Difference = cls.env["amazon.fba.difference"]
        # As on the day after: the ledger is read past today, the day these
        # tests' differences are first seen (see the reconcilable tests).
        cls.account.fba_ledger_fetched_until = fields.Date.today()

    def fba_offer(self, code, odoo=0.0, sku=None):
        """An FBA offer of a new storable product with ``odoo`` units in FBA."""
        product = self.storable(code, odoo, location=self.fba)
        return self.offer(product, sku=sku, fulfillment_channel="amazon")

    def compare(self, *summaries):
        return self.Difference._amazon_compare_summaries(self.account, list(summaries))

    def open_differences(self):
        return self.Difference.search(
            [("account_id", "=", self.account.id), ("state", "=", "open")]
        )

    def figures(self, differences):
        return {
            (d.product_id.default_code, d.location_kind): (d.odoo_qty, d.amazon_qty)
            for d in differences
        }

    def qty(self, product, location):
        return self.env["stock.quant"]._get_available_quantity(
            product, location, allow_negative=True
        )

    # -------------------------------------------------------------- comparison

    def test_each_product_differing_is_listed_with_both_figures(self):
        lamp = self.fba_offer("FD-1", 5)
        mug = self.fba_offer("FD-2", 5)
        self.offer(mug.product_id, sku="FD-2-B", fulfillment_channel="amazon")
        vase = self.fba_offer("FD-3")
        self.put(vase.product_id, 1, self.unsellable)
        extra = self.storable("FD-4", 3, location=self.fba)
        message = self.compare(
            summary("FD-1", 3, reserved=1, inbound_shipped=6, researching=0),
            # Two SKUs of one product add up: 2 + 3 = Odoo's 5.
            summary("FD-2", 2),
            summary("FD-2-B", 3),
            summary("FD-3", unfulfillable=2),
        )
        self.assertEqual(
            self.figures(self.open_differences()),
            {
                ("FD-1", "sellable"): (5.0, 4.0),  # fulfillable + reserved
                ("FD-3", "unsellable"): (1.0, 2.0),
                ("FD-4", "sellable"): (3.0, 0.0),  # no summary: Amazon has none
            },
        )
        self.assertEqual(self.open_differences()[0].difference, -1.0)
        self.assertIn("4 SKU(s) compared", message)
        self.assertIn("3 differ", message)
        self.assertTrue(self.account.fba_synced_at)
        self.assertEqual(
            (lamp.fnsku, lamp.fba_fulfillable_qty, lamp.fba_reserved_qty),
            ("X00FD1", 3, 1),
        )
        self.assertEqual(lamp.fba_inbound_qty, 6)
        self.assertEqual(vase.fba_unfulfillable_qty, 2)
        self.assertTrue(lamp.fba_quantities_at)
        self.assertFalse(self.Difference.search([("product_id", "=", extra.id)]).sku)
        # Amazon no longer has FD-1: its offer holds nothing there.
        self.compare(summary("FD-3", unfulfillable=2))
        self.assertEqual(
            (lamp.fba_fulfillable_qty, lamp.fba_reserved_qty, lamp.fba_inbound_qty),
            (0, 0, 0),
        )
        self.assertEqual(vase.fba_unfulfillable_qty, 2)

    def test_the_open_list_is_the_last_comparison_reconciled_stay(self):
        lamp = self.fba_offer("FD-5", 4)
        mug = self.fba_offer("FD-6", 2)
        self.compare(summary("FD-5", 1), summary("FD-6", 1))
        first = self.open_differences()
        self.assertEqual(len(first), 2)
        first.filtered(lambda d: d.product_id == mug.product_id).action_reconcile()
        self.compare(summary("FD-5", 4), summary("FD-6", 1))
        self.assertFalse(self.open_differences(), "Amazon now agrees")
        history = self.Difference.search([("account_id", "=", self.account.id)])
        self.assertEqual(history.product_id, mug.product_id)
        self.assertEqual(history.state, "reconciled")
        # Idempotent: the same comparison twice lists the same once.
        self.compare(summary("FD-5", 3), summary("FD-6", 1))
        self.compare(summary("FD-5", 3), summary("FD-6", 1))
        self.assertEqual(self.open_differences().product_id, lamp.product_id)

    def test_explanations_from_the_ledger_and_the_summary(self):
        lamp = self.fba_offer("FD-7", 6)
        events = self.env["amazon.fba.event"]
        common = {"account_id": self.account.id, "fnsku": "X00FD7"}
        events.create(
            {
                **common,
                "key": "k1",
                "date": "2026-12-01",
                "event_type": "Shipments",
                "sku": "FD-7",
                "product_id": lamp.product_id.id,
                "quantity": -2,
                "disposition": "SELLABLE",
                "state": "flagged",
            }
        )
        events.create(
            {
                **common,
                "key": "k2",
                "date": "2026-12-02",
                "event_type": "Adjustments",
                "sku": "FD-7",
                "quantity": -1,
                "disposition": "SELLABLE",
                "reason_code": "G",
                "state": "unbound",
            }
        )
        events.create(
            {
                **common,
                "key": "k3",
                "date": "2026-12-02",
                "event_type": "Receipts",
                "sku": "FD-7",
                "product_id": lamp.product_id.id,
                "quantity": 4,
                "state": "moved",  # moved: explains nothing
            }
        )
        self.compare(summary("FD-7", 2, researching=1))
        explanation = self.open_differences().explanation
        self.assertIn("Amazon is researching 1 unit(s)", explanation)
        self.assertIn(
            "2 unit(s) shipped by Amazon with no imported order (2026-12-01)",
            explanation,
        )
        self.assertIn("1 unit(s) adjusted by Amazon (G) with no product", explanation)
        self.assertNotIn("received", explanation)

    # ---------------------------------------------------------------- bad input

    def test_negative_odoo_quantity_is_listed_never_fixed_silently(self):
        lamp = self.fba_offer("FD-8")
        self.put(lamp.product_id, -2, self.fba)
        self.compare(summary("FD-8", 0))
        difference = self.open_differences()
        self.assertEqual((difference.odoo_qty, difference.amazon_qty), (-2.0, 0.0))
        self.assertIn("Odoo's quantity is negative", difference.explanation)
        self.assertEqual(self.qty(lamp.product_id, self.fba), -2, "untouched")
        self.assertFalse(difference.move_id)

    def test_sku_without_offer_is_named_in_the_summary(self):
        self.fba_offer("FD-9", 1)
        message = self.compare(summary("FD-9", 1), summary("NO-OFFER-1", 7))
        self.assertFalse(self.open_differences())
        self.assertIn("1 SKU(s) at Amazon with no product in Odoo", message)
        self.assertIn("NO-OFFER-1", message)

    def test_negative_amazon_figure_is_listed_with_a_note_not_reconciled(self):
        lamp = self.fba_offer("FD-10", 0)
        self.compare(summary("FD-10", 2, reserved=-2))
        difference = self.open_differences()
        self.assertEqual(difference.product_id, lamp.product_id)
        self.assertIn("negative figure (FD-10: reserved -2)", difference.explanation)
        self.fba_offer("FD-11", 1)
        self.compare(summary("FD-11", -1))
        difference = self.open_differences()
        self.assertEqual(difference.amazon_qty, -1.0)
        with self.assertRaisesRegex(UserError, "negative"):
            difference.action_reconcile()
        self.assertEqual(difference.state, "open")

    # ---------------------------------------------------------------- reconcile

    def test_reconcile_adjusts_odoo_to_amazon_with_the_reason(self):
        lamp = self.fba_offer("FD-12", 5)
        vase = self.fba_offer("FD-13")
        self.compare(summary("FD-12", 3), summary("FD-13", unfulfillable=2))
        differences = self.open_differences()
        differences.action_reconcile()
        self.assertEqual(differences.mapped("state"), ["reconciled"] * 2)
        self.assertEqual(self.qty(lamp.product_id, self.fba), 3)
        self.assertEqual(self.qty(vase.product_id, self.unsellable), 2)
        lost = differences.filtered(lambda d: d.product_id == lamp.product_id).move_id
        self.assertEqual(lost.state, "done")
        self.assertTrue(lost.is_inventory)
        self.assertEqual(
            (lost.location_id, lost.location_dest_id), (self.fba, self.loss)
        )
        self.assertEqual(lost.quantity, 2)
        self.assertIn(
            "Reconciled with Amazon's inventory summary (Amazon 3, Odoo 5)",
            lost.amazon_ledger_reason,
        )
        found = differences.filtered(lambda d: d.product_id == vase.product_id).move_id
        self.assertEqual(
            (found.location_id, found.location_dest_id), (self.loss, self.unsellable)
        )
        # Twice: nothing more.
        differences.action_reconcile()
        self.assertEqual(self.qty(lamp.product_id, self.fba), 3)
        self.assertEqual(
            self.env["stock.move"].search_count(
                [("product_id", "=", lamp.product_id.id), ("is_inventory", "=", True)]
            ),
            1,
        )

    def test_reconcile_refused_when_odoo_moved_since(self):
        lamp = self.fba_offer("FD-14", 5)
        self.compare(summary("FD-14", 3))
        self.put(lamp.product_id, -1, self.fba)  # an FBA order shipped meanwhile
        difference = self.open_differences()
        with self.assertRaisesRegex(UserError, "Compare again"):
            difference.action_reconcile()
        self.assertEqual(difference.state, "open")
        self.assertEqual(self.qty(lamp.product_id, self.fba), 4)

    def test_only_stock_and_amazon_managers_reconcile(self):
        self.fba_offer("FD-15", 2)
        self.fba_offer("FD-16", 2)
        self.compare(summary("FD-15", 1), summary("FD-16", 1))
        first, second = self.open_differences()
        with self.assertRaises(AccessError):
            first.with_user(self.salesman).action_reconcile()
        self.assertEqual(first.state, "open")
        stock_manager = new_test_user(
            self.env,
            login="fba_stock_manager",
            groups="stock.group_stock_manager",
        )
        first.with_user(stock_manager).action_reconcile()
        second.with_user(self.amazon_admin).action_reconcile()
        self.assertEqual((first.state, second.state), ("reconciled", "reconciled"))

    # --------------------------------------------------- offers, page and cron

    def test_fba_offers_still_never_send_stock(self):
        lamp = self.fba_offer("FD-17", 0)
        self.compare(summary("FD-17", 30, reserved=2))
        self.assertEqual(lamp.fba_fulfillable_qty, 30)
        lamp.price = 25.0
        self.export()
        messages = {m["sku"]: m for m in self.sent_messages()}
        paths = [p["path"] for p in messages[lamp.sku]["patches"]]
        self.assertIn("/attributes/purchasable_offer", paths, "its price is sent")
        self.assertNotIn("/attributes/fulfillment_availability", paths)
        self.assertFalse(lamp.last_sent_qty_date, "no quantity ever sent")

    def test_forms_show_the_fba_page_and_amazon_quantities(self):
        arch = self.env["amazon.offer"].get_view(
            self.env.ref("amazon_connector.amazon_offer_view_form").id
        )["arch"]
        self.assertIn('name="fba_stock"', arch)
        self.assertIn("fba_unfulfillable_qty", arch)
        arch = self.env["amazon.account"].get_view(
            self.env.ref("amazon_connector.amazon_account_view_form").id
        )["arch"]
        for name in (
            'name="fba"',
            "action_amazon_fba_sync",
            "fba_open_difference_ids",
            "fba_loss_location_id",
            "action_view_fba_differences",
        ):
            self.assertIn(name, arch)
        self.fba_offer("FD-18", 2)
        self.compare(summary("FD-18", 1))
        self.assertEqual(self.account.fba_open_difference_count, 1)
        self.assertEqual(self.account.fba_open_difference_ids, self.open_differences())
        action = self.account.action_view_fba_differences()
        self.assertEqual(
            self.Difference.search(action["domain"] + [("state", "=", "open")]),
            self.open_differences(),
        )
        cron = self.env.ref("amazon_connector.ir_cron_amazon_fba_sync")
        self.assertEqual(cron.code, "model._cron_fba_sync()")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        job_function = self.env.ref("amazon_connector.queue_job_function_fba_compare")
        self.assertEqual(job_function.channel_id.name, "amazon")
        fetch = self.env.ref("amazon_connector.queue_job_function_fba_ledger_fetch")
        self.assertEqual(
            (fetch.model_id.model, fetch.method, fetch.channel_id.name),
            ("amazon.fba.event", "_amazon_fetch", "amazon"),
        )
        self.assertEqual(
            {int(count): wait for count, wait in fetch.retry_pattern.items()},
            {1: 60, 5: 300, 10: 1800},
        )
        self.assertEqual(self.account.overview_fba_differences, 1)

    # ------------------------------------------------ end to end, the simulator

    def test_compare_asks_the_simulator_through_the_adapter(self):
        """The FBA run's comparison as a job runs it: Amazon's summaries of the
        account's first marketplace, from the simulator's FBA stock (an inbound
        shipment of 5 units Amazon received)."""
        lamp = self.fba_offer("FD-19", 3)
        self.simulator.state.fba_inbound_shipment(
            "FBA15TEST0019",
            {"FD-19": 5},
            received={"FD-19": 5},
            marketplace=self.account.marketplace_ids[:1].code,
        )
        before = fields.Datetime.now()
        message = self.Difference._amazon_compare(self.account)
        self.assertIn("differ", message)
        difference = self.open_differences()
        self.assertEqual((difference.odoo_qty, difference.amazon_qty), (3.0, 5.0))
        self.assertEqual(lamp.fba_fulfillable_qty, 5)
        self.assertTrue(lamp.fnsku)
        self.assertGreaterEqual(self.account.fba_synced_at, before)

    def test_the_loss_location_says_where_its_value_goes(self):
        """Odoo books the loss location's moves as its own inventory
        adjustments unless the location has its own valuation accounts; the
        FBA page says so, and no account is set for the seller."""
        self.assertFalse(self.loss.valuation_in_account_id)
        self.assertFalse(self.loss.valuation_out_account_id)
        help_text = self.env["amazon.account"]._fields["fba_loss_location_id"].help
        self.assertIn("Stock Valuation Accounts", help_text)
        self.assertIn("Stock Interim", help_text)
        arch = self.env["amazon.account"].get_view(
            self.env.ref("amazon_connector.amazon_account_view_form").id
        )["arch"]
        self.assertIn('name="fba_loss_valuation"', arch)

    # ------------------------------------- reconcilable: the ledger read past

    def test_a_difference_keeps_its_first_day_while_its_amount_stays(self):
        lamp = self.fba_offer("FD-20", 5)
        self.compare(summary("FD-20", 4))
        yesterday = fields.Datetime.now() - timedelta(days=1)
        self.open_differences().first_seen_at = yesterday
        self.account.fba_ledger_fetched_until = yesterday.date()
        self.compare(summary("FD-20", 4))
        same = self.open_differences()
        self.assertEqual(same.first_seen_at, yesterday)
        self.assertTrue(same.reconcilable)
        self.assertEqual(
            self.Difference.search(
                [("reconcilable", "=", True), ("account_id", "=", self.account.id)]
            ),
            same,
        )
        # A new amount: seen today, the ledger is not read past today.
        self.compare(summary("FD-20", 3))
        new = self.open_differences()
        self.assertGreater(new.first_seen_at, yesterday)
        self.assertFalse(new.reconcilable)
        with self.assertRaisesRegex(
            UserError,
            r"ledger may not show this movement yet: it is read up to "
            + str(yesterday.date()),
        ):
            new.action_reconcile()
        self.assertEqual(new.state, "open")
        self.assertEqual(self.qty(lamp.product_id, self.fba), 5)

    # ------------------------------------------------------------ companies

    def test_a_stock_manager_reconciles_only_in_his_companies(self):
        other = self.env["res.company"].create({"name": "Other FBA Co"})
        foreign = (
            self.env["amazon.account"]
            .with_company(other)
            .create(
                {"name": "Foreign FBA", "seller_id": "A1FOREIGNFBA", "region": "eu"}
            )
        )
        foreign.fba_ledger_fetched_until = fields.Date.today()
        product = self.storable("FD-22", 0)
        difference = self.Difference.create(
            {
                "account_id": foreign.id,
                "product_id": product.id,
                "location_kind": "sellable",
                "odoo_qty": 0,
                "amazon_qty": 2,
                "first_seen_at": fields.Datetime.now() - timedelta(days=2),
            }
        )
        self.assertTrue(difference.reconcilable)
        manager = new_test_user(
            self.env,
            login="fba_stock_manager_a",
            groups="stock.group_stock_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        with self.assertRaises(AccessError):
            difference.with_user(manager).action_reconcile()
        self.assertEqual(difference.state, "open")
        self.assertFalse(difference.move_id)

    # ------------------------------------------------------------ the job

    def test_a_refused_comparison_is_a_failed_fba_run(self):
        self.fba_offer("FD-23", 1)
        self.simulator.state.inject_fault("getInventorySummaries", "malformed_json")
        message = self.Difference._amazon_compare(self.account)
        self.assertIn("Amazon refused", message)
        run = self.env["amazon.sync.run"].search(
            [("account_id", "=", self.account.id), ("kind", "=", "fba")]
        )
        self.assertEqual((run.state, run.summary), ("failed", message))

    def expiring(self, times):
        """Patch the adapter's summaries: their first ``times`` readings end
        with a page token Amazon refuses (valid 30 seconds); the readings."""
        original = SpApiAdapter.get_inventory_summaries
        readings = []

        def expired():  # a generator, as the adapter's
            yield from ()
            raise AmazonPaginationExpired("Invalid nextToken.", status=400)

        def get_inventory_summaries(adapter, marketplace_id, **options):
            readings.append(marketplace_id)
            if len(readings) <= times:
                return expired()
            return original(adapter, marketplace_id, **options)

        patcher = patch.object(
            SpApiAdapter,
            "get_inventory_summaries",
            autospec=True,
            side_effect=get_inventory_summaries,
        )
        patcher.start()
        self.addCleanup(patcher.stop)
        return readings

    def test_an_expired_page_token_reads_the_summaries_again(self):
        self.fba_offer("FD-24", 3)
        self.simulator.state.fba_inbound_shipment(
            "FBA15TEST0024",
            {"FD-24": 5},
            received={"FD-24": 5},
            marketplace=self.account.marketplace_ids[:1].code,
        )
        readings = self.expiring(1)
        self.Difference._amazon_compare(self.account)
        # The first marketplace read again from its first page, then the others.
        self.assertEqual(readings[0], readings[1])
        self.assertEqual(len(readings), len(set(readings)) + 1)
        difference = self.open_differences()
        self.assertEqual((difference.odoo_qty, difference.amazon_qty), (3.0, 5.0))

    def test_a_token_expired_twice_retries_the_job_later(self):
        self.fba_offer("FD-25", 3)
        self.expiring(2)
        with self.assertRaises(RetryableJobError):
            self.Difference._amazon_compare(self.account)
        self.assertFalse(
            self.env["amazon.sync.run"].search(
                [("account_id", "=", self.account.id), ("kind", "=", "fba")]
            ),
            "a job retried records no run",
        )


@tagged("post_install", "-at_install")
class TestFbaDifferenceLedger(FbaLedgerCommon):
    """Amazon's summaries are live, its ledger is read up to yesterday: a unit
    Amazon lost today is a difference today, and tomorrow's ledger row moves
    it. Reconcile must wait for the ledger, or the unit leaves twice."""

    def test_a_movement_of_today_moves_once_with_the_next_ledger(self):
        Difference = self.env["amazon.fba.difference"]
        today = fields.Date.today()
        self.account.fba_ledger_fetched_until = today - timedelta(days=1)
        self.apply(row("Receipts", "SKU-B", 10, reference_id="FBA15X"))
        fba = self.at(self.product_b, self.fba)
        # Today Amazon lost a unit: its summary shows it, the ledger not yet.
        lost = FbaSummary(sku="SKU-B", fnsku=None, asin=None, fulfillable=int(fba) - 1)
        Difference._amazon_compare_summaries(self.account, [lost])
        domain = [
            ("account_id", "=", self.account.id),
            ("product_id", "=", self.product_b.id),
            ("location_kind", "=", "sellable"),
            ("state", "=", "open"),
        ]
        difference = Difference.search(domain)
        self.assertEqual(difference.difference, -1)
        self.assertFalse(difference.reconcilable)
        with self.assertRaisesRegex(UserError, "reconcile after the next run"):
            difference.action_reconcile()
        self.assertEqual(self.at(self.product_b, self.fba), fba)
        # Tomorrow's run reads today's ledger: the loss moves the unit, once.
        self.apply(row("Adjustments", "SKU-B", -1, reason="M", day=today))
        self.account.fba_ledger_fetched_until = today
        Difference._amazon_compare_summaries(self.account, [lost])
        self.assertEqual(self.at(self.product_b, self.fba), fba - 1)
        self.assertFalse(Difference.search(domain))
