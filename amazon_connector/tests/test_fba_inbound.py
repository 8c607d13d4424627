# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Sending stock to Amazon: a Send to Amazon transfer carries its account and
Amazon's inbound shipment id (none: it cannot be validated), compares the units
it sent with the units the ledger's receipts brought into Amazon's stock, and
once Amazon has closed the shipment (the seller's button, or Amazon's inventory
summaries showing none of its units inbound any more) flags the units never
received.

The summaries are ``FbaSummary`` values as the reader of ``getInventorySummaries``
hands them over (fulfillable, inbound working/shipped/receiving… per SKU, the
``inventoryDetails`` of Amazon's FBA Inventory API model in
amzn/selling-partner-api-models)."""

import importlib.util
from pathlib import Path

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from ..amazon.fba_inventory import FbaSummary
from .common_fba_inbound import AmazonFbaInboundCommon

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def summary(sku, fulfillable=0, **values):
    return FbaSummary(
        sku=sku,
        fnsku=f"X00{sku[:7]}",
        asin="B000TEST01",
        fulfillable=fulfillable,
        **values,
    )


@tagged("post_install", "-at_install")
class TestFbaInbound(AmazonFbaInboundCommon):
    def test_the_account_button_opens_a_transfer_of_its_send_type(self):
        action = self.account.action_amazon_fba_send()
        self.assertEqual(action["res_model"], "stock.picking")
        form = Form(self.env["stock.picking"].with_context(**action["context"]))
        form.amazon_inbound_shipment_id = "FBA15FORM001"
        with form.move_ids_without_package.new() as move:
            move.product_id = self.mug
            move.product_uom_qty = 4
        picking = form.save()
        self.assertEqual(picking.picking_type_id, self.send_type)
        self.assertEqual(picking.amazon_fba_account_id, self.account)
        self.assertEqual(picking.location_dest_id, self.account.fba_transit_location_id)
        self.assertEqual(picking.amazon_inbound_status, "waiting")
        # Another transfer of the warehouse is no account's.
        other = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.int_type_id.id,
                "location_id": self.warehouse.lot_stock_id.id,
                "location_dest_id": self.warehouse.lot_stock_id.id,
            }
        )
        self.assertFalse(other.amazon_fba_account_id)
        self.assertFalse(other.amazon_inbound_status)

    def test_a_transfer_without_shipment_id_cannot_be_validated(self):
        picking = self.send((self.mug, 3), shipment=False, validate=False)
        picking.action_confirm()
        picking.action_assign()
        with self.assertRaisesRegex(UserError, "Enter Amazon's shipment ID"):
            picking.button_validate()
        self.assertNotEqual(picking.state, "done")
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                self.mug, self.account.fba_transit_location_id
            ),
            0,
            "nothing moved",
        )
        picking.amazon_inbound_shipment_id = "FBA15LATE001"
        self.validate(picking)
        self.assertEqual(picking.amazon_fba_units_sent, 3)

    def test_units_sent_received_and_missing(self):
        picking = self.send((self.mug, 10), (self.lamp, 5))
        self.assertEqual(
            (picking.amazon_fba_units_sent, picking.amazon_inbound_status),
            (15, "waiting"),
        )
        self.receipt(picking, self.mug, 6)
        self.receipt(picking, self.mug, 4)
        self.receipt(picking, self.lamp, 3)
        self.assertEqual(picking.amazon_fba_units_received, 13)
        self.assertEqual(picking.amazon_fba_units_missing, 2)
        self.assertEqual(
            {m.product_id: m.amazon_fba_received_qty for m in picking.move_ids},
            {self.mug: 10, self.lamp: 3},
        )
        self.assertEqual(picking.amazon_inbound_status, "receiving")
        # More of one product received does not hide another's missing units.
        self.receipt(picking, self.mug, 1)
        self.assertEqual(picking.amazon_fba_units_missing, 2)
        # The seller says Amazon closed the shipment.
        picking.action_amazon_inbound_close()
        self.assertEqual(picking.amazon_inbound_status, "missing")
        self.assertEqual(
            self.env["stock.picking"].search(
                [("amazon_inbound_status", "=", "missing")]
            ),
            picking,
            "listed by the Missing at Amazon filter",
        )
        # Amazon was still receiving after all: the last units arrive.
        picking.action_amazon_inbound_reopen()
        self.assertEqual(picking.amazon_inbound_status, "receiving")
        self.receipt(picking, self.lamp, 2)
        self.assertEqual(picking.amazon_inbound_status, "received")
        self.assertEqual(picking.amazon_fba_units_missing, 0)

    def test_only_a_validated_send_transfer_is_closed(self):
        picking = self.send((self.mug, 2), validate=False)
        with self.assertRaisesRegex(UserError, "Only a validated Send to Amazon"):
            picking.action_amazon_inbound_close()
        self.assertFalse(picking.amazon_inbound_closed)

    def test_a_closed_shipment_with_nothing_received_misses_every_unit(self):
        picking = self.send((self.mug, 4))
        picking.action_amazon_inbound_close()
        self.assertEqual(
            (picking.amazon_inbound_status, picking.amazon_fba_units_missing),
            ("missing", 4),
        )

    def test_a_shipment_amazon_received_nothing_of_can_be_closed_by_hand(self):
        picking = self.send((self.mug, 4))
        draft = self.send((self.lamp, 1), validate=False)
        arch = etree.fromstring(
            self.env["stock.picking"].get_view(
                self.env.ref("stock.view_picking_form").id, "form"
            )["arch"]
        )
        button = arch.xpath("//button[@name='action_amazon_inbound_close']")[0]

        def shown(transfer):
            return not safe_eval(
                button.get("invisible"),
                {
                    "state": transfer.state,
                    "amazon_inbound_status": transfer.amazon_inbound_status,
                    "amazon_inbound_closed": transfer.amazon_inbound_closed,
                },
            )

        self.assertEqual(picking.amazon_inbound_status, "waiting")
        self.assertTrue(shown(picking), "a done transfer with 0 received")
        self.assertFalse(shown(draft), "a transfer not sent yet")
        picking.action_amazon_inbound_close()
        self.assertEqual(
            (picking.amazon_inbound_status, picking.amazon_fba_units_missing),
            ("missing", 4),
        )
        self.assertFalse(shown(picking), "closed already")

    def test_summaries_close_a_shipment_received_nothing_of_after_two_weeks(self):
        # Amazon's receiving takes days: a shipment received nothing of is
        # closed only once validated more than 14 days ago.
        forgotten = self.send((self.mug, 3), shipment="FBA15NONE001", days_ago=15)
        travelling = self.send((self.mug, 2), shipment="FBA15NONE002", days_ago=13)
        lamps = self.send((self.lamp, 5), shipment="FBA15NONE003", days_ago=20)
        # The ledger binds LAMP to the lamp; another shipment of lamps is on
        # its way, so the old one stays open.
        self.event("Receipts", "LAMP", 1, self.lamp, reference_id="FBA15EARLIER")
        summaries = [
            summary("MUG", fulfillable=0),
            summary("LAMP", fulfillable=1, inbound_shipped=5),
        ]
        closed = self.env["stock.picking"]._amazon_fba_inbound_check(
            self.account, summaries
        )
        self.assertEqual(closed, forgotten)
        self.assertEqual(
            (forgotten.amazon_inbound_status, forgotten.amazon_fba_units_missing),
            ("missing", 3),
        )
        self.assertIn("3 unit(s) never received", forgotten.message_ids[:1].body)
        self.assertEqual(travelling.amazon_inbound_status, "waiting")
        self.assertEqual(lamps.amazon_inbound_status, "waiting")
        self.assertFalse(
            self.env["stock.picking"]._amazon_fba_inbound_check(
                self.account, summaries
            ),
            "the next comparison changes nothing",
        )

    def test_amazons_summaries_close_shipments_it_no_longer_receives(self):
        closing = self.send((self.mug, 10), shipment="FBA15OLD0001", days_ago=5)
        self.receipt(closing, self.mug, 8)
        recent = self.send((self.mug, 3), shipment="FBA15NEW0001", days_ago=1)
        self.receipt(recent, self.mug, 1)
        still_inbound = self.send((self.lamp, 6), shipment="FBA15OLD0002", days_ago=5)
        self.receipt(still_inbound, self.lamp, 2)
        nothing_received = self.send((self.mug, 2), shipment="FBA15OLD0003", days_ago=5)
        summaries = [
            summary("MUG", fulfillable=9),
            summary("LAMP", fulfillable=2, inbound_receiving=4),
        ]
        pickings = self.env["stock.picking"]
        # No summaries: nothing concluded.
        self.assertFalse(pickings._amazon_fba_inbound_check(self.account, []))
        closed = pickings._amazon_fba_inbound_check(self.account, summaries)
        self.assertEqual(closed, closing)
        self.assertEqual(closing.amazon_inbound_status, "missing")
        self.assertEqual(closing.amazon_fba_units_missing, 2)
        self.assertIn("2 unit(s) never received", closing.message_ids[:1].body)
        self.assertEqual(recent.amazon_inbound_status, "receiving")
        self.assertEqual(still_inbound.amazon_inbound_status, "receiving")
        self.assertEqual(nothing_received.amazon_inbound_status, "waiting")
        # The next comparison changes nothing.
        self.assertFalse(pickings._amazon_fba_inbound_check(self.account, summaries))
        # Once the lamps are no longer inbound, that shipment closes too.
        closed = pickings._amazon_fba_inbound_check(
            self.account, [summary("LAMP", fulfillable=6)]
        )
        self.assertEqual(closed, still_inbound)
        self.assertEqual(still_inbound.amazon_fba_units_missing, 4)

    def test_a_warehouse_user_works_send_transfers(self):
        """A warehouse user without Amazon rights sees the transfer's banner,
        its shipment id and Amazon's receipts, and closes it."""
        user = new_test_user(
            self.env, login="fba_stock_user", groups="stock.group_stock_user"
        )
        picking = self.send((self.mug, 3))
        self.receipt(picking, self.mug, 1)
        picking = picking.with_user(user)
        picking.action_amazon_inbound_close()
        self.assertEqual(picking.amazon_inbound_status, "missing")
        self.assertEqual(picking.amazon_fba_event_ids.quantity, 1)
        arch = etree.fromstring(
            self.env["stock.picking"]
            .with_user(user)
            .get_view(self.env.ref("stock.view_picking_form").id, "form")["arch"]
        )
        banner = arch.xpath(
            "//div[hasclass('alert')][.//field[@name='amazon_fba_units_missing']]"
        )
        self.assertEqual(
            banner[0].get("invisible"), "amazon_inbound_status != 'missing'"
        )
        self.assertIn("never received by Amazon", "".join(banner[0].itertext()))
        self.assertTrue(arch.xpath("//field[@name='amazon_inbound_shipment_id']"))
        self.assertTrue(arch.xpath("//button[@name='action_amazon_inbound_close']"))
        self.assertTrue(arch.xpath("//field[@name='amazon_fba_received_qty']"))
        self.assertFalse(arch.xpath("//field[@name='amazon_fba_reimbursement_ids']"))
        search = etree.fromstring(
            self.env["stock.picking"]
            .with_user(user)
            .get_view(self.env.ref("stock.view_picking_internal_search").id, "search")[
                "arch"
            ]
        )
        missing_filter = search.xpath("//filter[@name='amazon_inbound_missing']")
        self.assertEqual(
            self.env["stock.picking"].search(
                safe_eval(missing_filter[0].get("domain"))
            ),
            picking,
        )

    def test_the_upgrade_creates_the_transfers_new_columns_empty(self):
        """The 18.0.1.4.0 pre-script: columns created NULL (what the computation
        gives a transfer of a database without Send to Amazon types), so the
        upgrade computes nothing; run twice, it changes nothing."""
        spec = importlib.util.spec_from_file_location(
            "amazon_connector_migration_18_0_1_4_0_fba_inbound",
            MIGRATIONS / "18.0.1.4.0" / "pre-fba-inbound.py",
        )
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.int_type_id.id,
                "location_id": self.warehouse.lot_stock_id.id,
                "location_dest_id": self.warehouse.lot_stock_id.id,
            }
        )
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            "ALTER TABLE stock_picking DROP COLUMN amazon_inbound_status, "
            "DROP COLUMN amazon_fba_units_missing"
        )
        migration.migrate(cr, "18.0.1.3.0")
        migration.migrate(cr, "18.0.1.3.0")
        cr.execute(
            "SELECT amazon_inbound_status, amazon_fba_units_missing, "
            "amazon_fba_account_id FROM stock_picking WHERE id = %s",
            [picking.id],
        )
        self.assertEqual(cr.fetchone(), (None, None, None))
