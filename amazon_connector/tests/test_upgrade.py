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
        # The previous version's rules: without the reimbursement rules, with one
        # rule the accountant changed and one archived.
        new = rules.filtered(lambda r: r.treatment == "reimbursement")
        self.assertTrue(new)
        new.unlink()
        changed = rules.filtered(lambda r: r.exists() and r.treatment == "fee")[:1]
        changed.fee_type = "other"
        archived = (rules.exists() - changed)[:1]
        archived.active = False
        _migration("18.0.1.1.0", "post-migrate").migrate(self.env.cr, "18.0.1.0.0")
        after = Mapping.with_context(active_test=False).search(
            [("company_id", "=", company.id)]
        )
        self.assertEqual(len(after), defaults, "each missing default made once")
        self.assertEqual(
            len(after.filtered(lambda r: r.treatment == "reimbursement")), len(new)
        )
        self.assertEqual(changed.fee_type, "other", "the accountant's change stays")
        self.assertFalse(archived.active, "an archived rule stays archived")
        # Run twice, it makes nothing more.
        _migration("18.0.1.1.0", "post-migrate").migrate(self.env.cr, "18.0.1.0.0")
        self.assertEqual(
            Mapping.with_context(active_test=False).search_count(
                [("company_id", "=", company.id)]
            ),
            defaults,
        )
