# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The module's upgrade scripts, run on data shaped like the previous version's."""

import importlib.util
from pathlib import Path

from odoo.tests import tagged

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
