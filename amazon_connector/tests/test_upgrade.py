# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The module's upgrade scripts, run on data shaped like the previous version's."""

import importlib.util
import json
from pathlib import Path

from odoo.tests import tagged

from . import order_factory as factory
from .common_shipments import AmazonShipmentCommon

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
