# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The module's upgrade scripts, run on data shaped like the previous version's."""

import importlib.util
import json
from pathlib import Path

from odoo.tests import tagged

from . import order_factory as factory
from .common_shipments import AmazonShipmentCommon
from .job_runner import trap_jobs

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def _migration(version, name):
    spec = importlib.util.spec_from_file_location(
        f"amazon_connector_migration_{version.replace('.', '_')}",
        MIGRATIONS / version / f"{name}.py",
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestUpgradeTo18011(AmazonShipmentCommon):
    def test_deliveries_with_nothing_to_tell_amazon_have_no_sync_state(self):
        old = self.delivery(self.amazon_order()[1])
        other = self.delivery(self.amazon_order()[1])
        other.amazon_sync_state = "to_confirm"
        # 18.0.1.0.0 wrote 'none' for a delivery with nothing to tell Amazon.
        self.env.cr.execute(
            "UPDATE stock_picking SET amazon_sync_state = 'none' WHERE id IN %s",
            [tuple(old.ids)],
        )
        self.env.invalidate_all()
        _migration("18.0.1.1.0", "post-migrate").migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertFalse(old.amazon_sync_state)
        self.assertEqual(other.amazon_sync_state, "to_confirm")

    def test_companies_with_rules_get_the_new_vocabulary_and_keep_their_own(self):
        Mapping = self.env["amazon.settlement.mapping"]
        company = self.env.company
        rules = Mapping._amazon_rules(company)
        defaults = len(rules)

        def keyed(transaction, amount_type, description):
            rule = rules.exists().filtered(
                lambda r: (
                    (r.transaction_type or "", r.amount_type or "")
                    == (transaction, amount_type)
                    and (r.amount_description or "") == description
                )
            )
            self.assertEqual(len(rule), 1, (transaction, amount_type, description))
            return rule

        # The previous version's rules: without the reimbursement rules (new in
        # 18.0.1.1.0); the accountant deleted one old default, re-keyed another,
        # changed a third and archived a fourth.
        new = rules.filtered(lambda r: r.treatment == "reimbursement")
        self.assertTrue(new)
        new.unlink()
        keyed("", "ItemFees", "ShippingHB").unlink()
        rekeyed = keyed("", "Cost of Advertising", "")
        rekeyed.amount_description = "Sponsored Products*"
        changed = keyed("", "ItemFees", "*ClosingFee")
        changed.fee_type = "other"
        archived = keyed("", "other-transaction", "Storage Fee")
        archived.active = False
        migration = _migration("18.0.1.1.0", "post-migrate")
        migration.migrate(self.env.cr, "18.0.1.0.0")
        after = Mapping.with_context(active_test=False).search(
            [("company_id", "=", company.id)]
        )
        self.assertEqual(
            len(after), defaults - 1, "the new defaults made, the deleted one not"
        )
        self.assertEqual(
            len(after.filtered(lambda r: r.treatment == "reimbursement")), len(new)
        )
        self.assertFalse(after.filtered(lambda r: r.amount_description == "ShippingHB"))
        self.assertEqual(
            after.filtered(lambda r: r.amount_type == "Cost of Advertising"), rekeyed
        )
        self.assertEqual(changed.fee_type, "other", "the accountant's change stays")
        self.assertFalse(archived.active, "an archived rule stays archived")
        # Run twice, it makes nothing more.
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.assertEqual(
            Mapping.with_context(active_test=False).search_count(
                [("company_id", "=", company.id)]
            ),
            defaults - 1,
        )

    def test_merchant_offers_are_asked_of_amazon_again(self):
        """18.0.1.0.0 read a report without a channel column it knew (Amazon.de's
        ``fulfilment-channel``) as merchant: no merchant offer is sent a quantity
        before Amazon has said who fulfils it."""
        Offer = self.env["amazon.offer"]
        values = {"account_id": self.account.id, "channel_unknown": False}
        merchant = Offer.create({**values, "sku": "OLD-MFN"})
        fba = Offer.create(
            {**values, "sku": "OLD-FBA", "fulfillment_channel": "amazon"}
        )
        self.assertFalse(merchant.channel_unknown)
        _migration("18.0.1.1.0", "post-migrate").migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertTrue(merchant.channel_unknown)
        self.assertFalse(fba.channel_unknown)


@tagged("post_install", "-at_install")
class TestUpgradeTo18012(AmazonShipmentCommon):
    """Seller cancellations: 18.0.1.1.0's JSON log on the order becomes records."""

    def old_log(self, order, entries):
        """Write ``entries`` as 18.0.1.1.0 kept them (``sale_order`` column)."""
        self.env.cr.execute(
            "ALTER TABLE sale_order ADD COLUMN IF NOT EXISTS amazon_cancellations jsonb"
        )
        self.env.cr.execute(
            "UPDATE sale_order SET amazon_cancellations = %s WHERE id = %s",
            [json.dumps(entries), order.id],
        )

    def old_feed(self, orders, state):
        """An acknowledgement feed as 18.0.1.1.0 made it: owned by the orders."""
        feed = self.env["amazon.feed"]._amazon_create(
            self.account,
            "POST_ORDER_ACKNOWLEDGEMENT_DATA",
            b"<AmazonEnvelope/>",
            "text/xml; charset=UTF-8",
            orders,
            {number: order.id for number, order in enumerate(orders, start=1)},
        )
        feed.state = state
        return feed

    def migrate(self):
        """Run the migration; the records it logged."""
        module = _migration("18.0.1.2.0", "post-cancellations")
        self.env.invalidate_all()
        with self.assertLogs(module._logger, "WARNING") as logs:
            module.migrate(self.env.cr, "18.0.1.1.0")
            module._logger.warning("(end)")
        self.env.invalidate_all()
        return "\n".join(logs.output)

    def test_cancellation_logs_become_records(self):
        payload, whole = self.amazon_order(
            factory.item("SKU-A", 2, "10.00"), factory.item("SKU-B", 1, "30.00")
        )
        _payload, part = self.amazon_order(factory.item("SKU-A", 1, "10.00"))
        _payload, untouched = self.amazon_order()
        lamp_item = next(
            item["orderItemId"]
            for item in payload["orderItems"]
            if item["product"]["sellerSku"] == "SKU-A"
        )
        part_item = part.order_line.filtered("amazon_order_item_id")[
            :1
        ].amazon_order_item_id
        done = self.old_feed(whole | part, "done")
        self.env.cr.execute(
            "UPDATE amazon_feed SET create_date = '2026-01-05 10:00:00', "
            "processed_at = '2026-01-05 10:20:00' WHERE id = %s",
            [done.id],
        )
        waiting = self.old_feed(part, "submitted")
        # The shape 18.0.1.1.0's _amazon_record_cancellation wrote, and the
        # states its _amazon_cancel_outcome set.
        self.old_log(
            whole,
            [
                {
                    "feed": done.id,
                    "message": 1,
                    "reason": "NoInventory",
                    "whole": True,
                    "units": 3,
                    "items": sorted(
                        whole.order_line.filtered("amazon_order_item_id").mapped(
                            "amazon_order_item_id"
                        )
                    ),
                    "state": "informed",
                    "error": False,
                }
            ],
        )
        self.old_log(
            part,
            [
                {
                    "feed": done.id,
                    "message": 2,
                    "reason": "BuyerCanceled",
                    "whole": False,
                    "units": 1,
                    "items": [part_item],
                    "state": "refused",
                    "error": "Amazon 5001: already shipped",
                },
                {
                    "feed": waiting.id,
                    "message": 1,
                    "reason": "NoInventory",
                    "whole": False,
                    "units": 1,
                    "items": [part_item],
                    "state": "sent",
                    "error": False,
                },
                {
                    "feed": waiting.id + 1000,  # a feed deleted since
                    "message": 1,
                    "reason": "NoInventory",
                    "whole": True,
                    "units": 1,
                    "items": [part_item],
                    "state": "archived",  # a state no version wrote
                    "error": False,
                },
                "not a cancellation",
            ],
        )
        listed = self.migrate()

        [informed] = whole.amazon_cancellation_ids
        self.assertEqual(
            (informed.state, informed.reason, informed.whole, informed.units),
            ("informed", "NoInventory", True, 3),
        )
        self.assertEqual((informed.feed_id, informed.message_id), (done, 1))
        self.assertEqual(len(informed.item_ids), 2)
        lamp = informed.item_ids.filtered(lambda i: i.order_item_id == lamp_item)
        self.assertEqual(lamp.sale_line_id.product_id, self.product_a)
        self.assertEqual(
            (str(informed.create_date), str(informed.answered_at)),
            ("2026-01-05 10:00:00", "2026-01-05 10:20:00"),
            "dated by its feed",
        )
        refused, sent, kept = part.amazon_cancellation_ids.sorted("id")
        self.assertEqual(
            (refused.state, refused.error, refused.reason),
            ("refused", "Amazon 5001: already shipped", "BuyerCanceled"),
        )
        self.assertEqual(refused.item_ids.quantity, 1)
        self.assertEqual(refused.item_ids.order_item_id, part_item)
        self.assertEqual((sent.state, sent.feed_id), ("sent", waiting))
        self.assertEqual(kept.state, "unclear", "an unknown state kept as unclear")
        self.assertFalse(kept.feed_id)
        self.assertIn("'archived'", kept.error)
        self.assertIn('"units": 1', kept.error, "with the entry's text")
        self.assertFalse(untouched.amazon_cancellation_ids)
        # Listed: the unknown state in the log, the unreadable entry on the order.
        self.assertIn(f"{part.amazon_order_ref} ('archived')", listed)
        self.assertIn("could not be read", listed)
        self.assertIn(
            "not a cancellation", part.message_ids[:1].body, "posted on the order"
        )
        # The feeds speak for the records now: one still waiting lands on them.
        self.assertEqual(done.res_model, "amazon.order.cancellation")
        self.assertEqual(done._amazon_records(), informed | refused)
        self.assertEqual(waiting._amazon_records(), sent)
        self.env["amazon.order.cancellation"]._amazon_feed_failed(
            waiting, "Amazon ended the feed FATAL"
        )
        self.assertEqual(sent.state, "failed")
        self.assertTrue(part.amazon_needs_review)
        # Run twice, it makes nothing more.
        self.assertNotIn("could not be read", self.migrate())
        self.assertEqual(len(part.amazon_cancellation_ids), 3)
        self.assertEqual(len(whole.amazon_cancellation_ids), 1)


def old_shape(package):
    """``package`` in the shape 18.0.1.1.0 stored as JSON."""
    return {
        "key": package.key,
        "name": package.name,
        "ref": package.reference,
        "items": package._amazon_units(),
        "tracking": package.tracking_number or None,
        "confirmed": package.state == "confirmed",
    }


@tagged("post_install", "-at_install")
class TestUpgradePackagesTo18012(AmazonShipmentCommon):
    """Deliveries: 18.0.1.1.0's JSON packages become records."""

    def set_old_packages(self, picking, packages):
        """Store ``packages`` as 18.0.1.1.0 did, in its JSON column (gone from the
        model since: made again here)."""
        self.env.cr.execute(
            "ALTER TABLE stock_picking ADD COLUMN IF NOT EXISTS amazon_packages jsonb"
        )
        self.env.cr.execute(
            "UPDATE stock_picking SET amazon_packages = %s::jsonb WHERE id = %s",
            [json.dumps(packages), picking.id],
        )

    def migrate(self):
        self.env.flush_all()
        _migration("18.0.1.2.0", "post-packages").migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()

    def test_json_packages_become_records(self):
        _payload, order = self.amazon_order(
            factory.item("SKU-A", 1), factory.item("SKU-B", 2)
        )
        picking = self.delivery(order)
        picking.amazon_sync_state = "to_confirm"
        line_a, line_b = order.order_line.filtered("amazon_order_item_id")[:2]
        item_a, item_b = line_a.amazon_order_item_id, line_b.amazon_order_item_id
        # The shape 18.0.1.1.0's _amazon_prepare_packages wrote: one dict per
        # package, items keyed by Amazon's orderItemId.
        old = [
            {
                "key": "package:7",
                "name": "PACK0000007",
                "ref": 1,
                "items": {item_a: 1},
                "tracking": "T1",
                "confirmed": True,
            },
            {
                "key": "package:8",
                "name": "PACK0000008",
                "ref": 2,
                "items": {item_b: 2},
                "tracking": "T2",
                "confirmed": False,
            },
        ]
        self.set_old_packages(picking, old)
        self.migrate()
        first, second = picking.amazon_package_ids
        self.assertEqual(
            [
                (p.reference, p.name, p.tracking_number, p.state)
                for p in (first, second)
            ],
            [
                (1, "PACK0000007", "T1", "confirmed"),
                (2, "PACK0000008", "T2", "to_send"),
            ],
        )
        self.assertEqual(
            [
                (i.amazon_order_item_id, i.quantity, i.sale_line_id)
                for i in first.item_ids
            ],
            [(item_a, 1, line_a)],
        )
        self.assertEqual(second.item_ids.sale_line_id, line_b)
        self.assertEqual(
            [old_shape(p) for p in picking.amazon_package_ids._amazon_told()],
            old,
            "the same packages, read back",
        )
        self.assertIn("Package 1 (PACK0000007)", picking.amazon_packages_text)
        self.migrate()
        self.assertEqual(len(picking.amazon_package_ids), 2, "run again: no double")

    def test_unknown_shapes_are_kept_unclear_and_never_sent(self):
        pickings = [self.delivery(self.amazon_order()[1]) for _i in range(2)]
        odd = [{"reference": "x", "items": [1, 2]}, "a string", {"ref": 3}]
        self.set_old_packages(pickings[0], odd)
        self.set_old_packages(pickings[1], {"not": "a list"})
        self.migrate()
        kept = pickings[0].amazon_package_ids
        self.assertEqual(kept.mapped("state"), ["unclear"] * 3)
        self.assertEqual(kept.mapped("legacy_data"), odd, "nothing lost")
        self.assertTrue(all(kept.mapped("error")), "each says why it is flagged")
        self.assertEqual(pickings[1].amazon_package_ids.legacy_data, {"not": "a list"})
        self.assertFalse(
            pickings[0].amazon_package_ids._amazon_told(), "never counted nor sent"
        )

    def test_the_fulfillment_feed_job_follows_the_deliveries(self):
        function = self.env.ref("amazon_connector.queue_job_function_fulfillment_feed")
        channel = function.channel_id
        # 18.0.1.1.0 ran the fulfillment feed on the account (a noupdate record).
        function.model_id = self.env.ref("amazon_connector.model_amazon_account")
        _migration("18.0.1.2.0", "post-fulfillment-feed-job").migrate(
            self.env.cr, "18.0.1.1.0"
        )
        self.assertEqual(function.name, "<stock.picking>._amazon_send_fulfillment_feed")
        self.assertEqual(function.channel_id, channel)

    def test_a_fulfillment_feed_job_queued_on_the_account_still_runs(self):
        """18.0.1.1.0 queued the fulfillment feed on the account: a job of it run
        after the upgrade sends the feed of the deliveries waiting for one."""
        _payload, order = self.amazon_order()
        picking = self.delivery(order)
        with trap_jobs():
            self.validate(picking, carrier=self.courier)
            picking.write({"amazon_sync_route": "feed", "amazon_feed_id": False})
            self.account._amazon_send_fulfillment_feed()
        self.assertTrue(picking.amazon_feed_id)
        self.assertEqual(picking.amazon_feed_id.res_model, "stock.picking")
