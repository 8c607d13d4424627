# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Buyers' personal data kept no longer than the account allows (Amazon's Data
Protection Policy, SP-API.md "Data protection"): the setting, the daily job, who
is anonymised and who never is, invoices, chatter, and the orders, settlements
and returns that keep working on anonymised contacts."""

from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_settlements import AmazonSettlementCommon
from .job_runner import run_jobs
from .test_returns_merchant import merchant_return, reading

NEUTRAL = "Anonymised Amazon buyer"


@tagged("post_install", "-at_install")
class TestPiiRetention(AmazonSettlementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "amazon_connector.enabled", "True"
        )

    # ------------------------------------------------------------ helpers

    def delivered(self, days_ago=40, **options):
        """An Amazon order imported, shipped and invoiced ``days_ago`` days ago;
        (payload, sale order)."""
        payload, order = self.shipped_order(self.item(), **options)
        order.picking_ids.write(
            {"date_done": fields.Datetime.now() - timedelta(days=days_ago)}
        )
        return payload, order

    def retention(self, account=None):
        """Run the daily scheduled action and the jobs it queues; the last
        result."""
        with run_jobs() as run:
            self.env["amazon.account"]._cron_apply_retention()
        self.assertEqual(
            run.methods(), ["_amazon_apply_retention"] * len(run.performed)
        )
        return run.last_result

    def contacts(self, order):
        return order.partner_id | order.partner_shipping_id

    # ------------------------------------------------------------ the setting

    def test_setting_defaults_to_30_days_and_refuses_negative_days(self):
        self.assertEqual(self.account.pii_retention_days, 30)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.account.write({"pii_retention_days": -1})
                self.account.flush_recordset()
        self.account.pii_retention_days = 0
        self.account.flush_recordset()
        self.account.invalidate_recordset()
        self.assertEqual(self.account.pii_retention_days, 0)

    def test_form_shows_the_setting_and_warns_when_off_or_too_long(self):
        arch = self.env["amazon.account"].get_view(view_type="form")["arch"]
        self.assertIn('name="pii_retention_days"', arch)
        self.assertRegex(
            arch, r'name="retention_off"[^>]*invisible="pii_retention_days != 0"'
        )
        self.assertRegex(
            arch, r'name="retention_long"[^>]*invisible="pii_retention_days &lt;= 30"'
        )
        self.assertIn("30 days after the order's", arch)

    # ------------------------------------------------------------ who goes

    def test_delivered_buyer_is_anonymised_and_the_run_recorded(self):
        self.account.invoice_policy = "manual"
        _payload, order = self.delivered(buyer_email="abc123@marketplace.amazon.de")
        buyer, delivery = order.partner_id, order.partner_shipping_id
        self.assertNotEqual(buyer, delivery)
        delivery.phone = "+49 30 1234567"
        summary = self.retention()
        self.assertEqual(summary, "1 buyers anonymised")
        for contact in buyer | delivery:
            self.assertTrue(contact.amazon_anonymized)
            self.assertEqual(contact.name, NEUTRAL)
            self.assertFalse(contact.street or contact.phone or contact.email)
            # Statistics and taxes: the country, zip and city stay.
            self.assertEqual(contact.country_id.code, "DE")
            self.assertEqual((contact.zip, contact.city), ("10115", "Berlin"))
        # Still linked: the order, its delivery and its customer.
        self.assertEqual(order.partner_id, buyer)
        self.assertEqual(order.picking_ids.partner_id, delivery)
        run = self.account.sync_run_ids.filtered(lambda r: r.kind == "retention")
        self.assertEqual((run.state, run.summary), ("ok", "1 buyers anonymised"))
        # Idempotent: nothing left to do the next day.
        self.assertEqual(self.retention(), "0 buyers anonymised")

    def test_recent_open_and_off_are_kept(self):
        self.account.invoice_policy = "manual"
        _p, recent = self.delivered(days_ago=10, buyer_name="Recent Buyer")
        _p, open_order = self.amazon_order(buyer_name="Open Buyer")
        self.account.pii_retention_days = 1
        # Lowered to one day: the open order's contacts stay, whatever its age.
        open_order.date_order = fields.Datetime.now() - timedelta(days=60)
        self.assertEqual(self.retention(), "1 buyers anonymised")
        self.assertTrue(recent.partner_id.amazon_anonymized)
        self.assertEqual(open_order.partner_id.name, "Open Buyer")
        self.assertFalse(self.contacts(open_order).filtered("amazon_anonymized"))
        # Off: no job at all.
        _p, old = self.delivered(buyer_name="Kept Forever")
        self.account.pii_retention_days = 0
        with run_jobs() as run:
            self.env["amazon.account"]._cron_apply_retention()
        self.assertFalse(run.performed)
        self.assertEqual(old.partner_id.name, "Kept Forever")

    def test_buyer_with_one_open_order_keeps_its_data(self):
        self.account.invoice_policy = "manual"
        _p, old = self.delivered(buyer_email="same@marketplace.amazon.de")
        _p, new = self.amazon_order(buyer_email="same@marketplace.amazon.de")
        self.assertEqual(old.partner_id, new.partner_id)
        self.retention()
        self.assertFalse(old.partner_id.amazon_anonymized)
        self.assertEqual(old.partner_id.name, "Erika Mustermann")

    def test_canceled_long_ago_is_anonymised(self):
        _p, order = self.amazon_order(buyer_name="Canceled Buyer")
        _p, recent = self.amazon_order(buyer_name="Canceled Yesterday")
        (order | recent)._action_cancel()
        order.amazon_last_update = fields.Datetime.now() - timedelta(days=45)
        recent.amazon_last_update = fields.Datetime.now() - timedelta(days=1)
        self.assertEqual(self.retention(), "1 buyers anonymised")
        self.assertTrue(order.partner_id.amazon_anonymized)
        self.assertEqual(order.partner_id.name, NEUTRAL)
        self.assertEqual(recent.partner_id.name, "Canceled Yesterday")

    def test_contact_other_documents_use_is_never_anonymised(self):
        """Bad input: a contact a non-Amazon order, invoice or other record (a
        bank account) also uses, or one the connector did not tag."""
        self.account.invoice_policy = "manual"
        _p, by_order = self.delivered(buyer_name="Also Direct Customer")
        self.env["sale.order"].create(
            {
                "partner_id": by_order.partner_id.id,
                "order_line": [Command.create({"product_id": self.product_a.id})],
            }
        )._action_cancel()
        _p, by_invoice = self.delivered(buyer_name="Also Invoiced Directly")
        self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": by_invoice.partner_id.id,
                "invoice_line_ids": [
                    Command.create({"name": "Repair", "price_unit": 10.0})
                ],
            }
        )
        _p, by_bank = self.delivered(buyer_name="Has A Bank Account")
        self.env["res.partner.bank"].create(
            {
                "acc_number": "DE89370400440532013000",
                "partner_id": by_bank.partner_id.id,
            }
        )
        _p, untagged = self.delivered(buyer_name="Not Tagged")
        untagged.partner_id.category_id = False
        _p, gone = self.delivered(buyer_name="Plain Amazon Buyer")
        self.assertEqual(self.retention(), "1 buyers anonymised")
        self.assertTrue(gone.partner_id.amazon_anonymized)
        for order, name in (
            (by_order, "Also Direct Customer"),
            (by_invoice, "Also Invoiced Directly"),
            (by_bank, "Has A Bank Account"),
            (untagged, "Not Tagged"),
        ):
            self.assertEqual(order.partner_id.name, name)
            # A customer the seller also has outside Amazon is left whole.
            self.assertFalse(self.contacts(order).filtered("amazon_anonymized"))
            self.assertEqual(order.partner_shipping_id.street, "Hauptstrasse 1")

    def test_guest_customer_stays_its_delivery_contacts_go(self):
        self.account.write({"customer_creation": "guest", "invoice_policy": "manual"})
        _p, order = self.delivered(buyer_name="Guest Receiver")
        guest = self.account.guest_partner_id
        self.assertEqual(order.partner_id, guest)
        self.assertEqual(self.retention(), "1 buyers anonymised")
        self.assertFalse(guest.amazon_anonymized)
        self.assertNotEqual(guest.name, NEUTRAL)
        self.assertTrue(order.partner_shipping_id.amazon_anonymized)
        self.assertEqual(order.partner_shipping_id.name, NEUTRAL)

    def test_business_buyer_keeps_its_company_data(self):
        self.account.invoice_policy = "manual"
        _p, order = self.delivered(
            buyer_name="Max Einkauf", buyer_email="max@marketplace.amazon.de"
        )
        company = order.partner_id
        company.write({"is_company": True, "name": "Muster GmbH", "vat": "DE123456788"})
        person = self.env["res.partner"].create(
            {"name": "Max Einkauf", "parent_id": company.id, "phone": "+49 89 1"}
        )
        self.retention()
        self.assertEqual((company.name, company.vat), ("Muster GmbH", "DE123456788"))
        self.assertEqual(company.street, "Hauptstrasse 1")
        self.assertFalse(company.email or company.phone)
        self.assertTrue(company.amazon_anonymized)
        self.assertEqual(person.name, NEUTRAL)
        self.assertFalse(person.phone)
        self.assertEqual(order.partner_shipping_id.name, NEUTRAL)

    # ------------------------------------------------------------ invoices, chatter

    def test_invoiced_buyer_keeps_invoicing_name_and_address_only(self):
        _p, order = self.delivered(
            buyer_name="Ines Invoice", buyer_email="inv@marketplace.amazon.de"
        )
        invoice = order.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.partner_id, order.partner_id)
        self.retention()
        buyer, delivery = order.partner_id, order.partner_shipping_id
        self.assertEqual((buyer.name, buyer.street), ("Ines Invoice", "Hauptstrasse 1"))
        self.assertFalse(buyer.email or buyer.phone)
        self.assertTrue(buyer.amazon_anonymized)
        self.assertEqual(delivery.name, NEUTRAL)
        self.assertFalse(delivery.street)
        self.assertEqual(invoice.partner_id, buyer)
        self.assertEqual(invoice.state, "posted")

    def test_chatter_keeps_no_buyer_data(self):
        self.account.invoice_policy = "manual"
        _p, order = self.delivered(buyer_name="Chatty Buyer")
        buyer, delivery = order.partner_id, order.partner_shipping_id
        message = order.message_post(body="Called Chatty Buyer about Hauptstrasse 1.")
        # What Odoo's tracking writes when the delivery address changes: the
        # contact by reference and by name, and a changed text.
        Field = self.env["ir.model.fields"]
        self.env["mail.tracking.value"].sudo().create(
            [
                {
                    "mail_message_id": message.id,
                    "field_id": Field._get("sale.order", "partner_shipping_id").id,
                    "old_value_integer": delivery.id,
                    "old_value_char": delivery.display_name,
                    "new_value_integer": buyer.id,
                    "new_value_char": buyer.display_name,
                },
                {
                    "mail_message_id": message.id,
                    "field_id": Field._get("sale.order", "note").id,
                    "old_value_char": "Leave at Hauptstrasse 1",
                    "new_value_char": "Ring twice",
                },
            ]
        )
        self.retention()
        texts = [str(m.body) for m in order.message_ids] + [
            value
            for v in order.message_ids.sudo().tracking_value_ids
            for value in (v.old_value_char, v.new_value_char)
            if value
        ]
        self.assertIn("Ring twice", texts)
        self.assertFalse([t for t in texts if "Chatty" in t or "Hauptstrasse" in t])
        self.assertTrue([t for t in texts if f"Called {NEUTRAL} about {NEUTRAL}." in t])
        self.assertIn(f"Leave at {NEUTRAL}", texts)

    # ------------------------------------------------------------ still working

    def test_settlement_still_pays_the_anonymised_buyers_invoice(self):
        payload, order = self.delivered()
        self.retention()
        self.assertTrue(order.partner_shipping_id.amazon_anonymized)
        published = self.publish_settlement(payload, advertising=None)
        self.fetch()
        settlement = self.settlement(published.settlement_id)
        self.assertEqual(settlement.state, "posted")
        self.assertEqual(settlement.unmatched_count, 0)
        self.assertEqual(order.invoice_ids.payment_state, "paid")
        # Settled orders' contacts are still the connector's only.
        self.assertEqual(self.retention(), "0 buyers anonymised")

    def test_return_still_matches_the_anonymised_order(self):
        _p, order = self.delivered()
        self.retention()
        self.assertTrue(order.partner_shipping_id.amazon_anonymized)
        item_id = order._amazon_goods_lines()[:1].amazon_order_item_id
        self.env["amazon.return"]._amazon_apply_merchant_returns(
            self.account,
            reading(
                merchant_return(order.amazon_order_ref, "RMA1", ("SKU-A", 1, item_id))
            ),
        )
        ret = self.env["amazon.return"].search([("order_id", "=", order.id)])
        self.assertEqual(len(ret), 1)
        self.assertEqual(ret.partner_id, order.partner_id)
        self.assertEqual(ret.state, "to_receive")
        self.assertEqual(ret.line_ids.sale_line_id.order_id, order)

    # ------------------------------------------------------------ cost

    def buyers(self, count):
        """``count`` buyers as the import makes them (tagged, each with a
        delivery contact and a message naming it on its partner)."""
        tag = self.env.ref("amazon_connector.partner_category_amazon")
        partners = self.env["res.partner"]
        for index in range(count):
            buyer = self.env["res.partner"].create(
                {
                    "name": f"Batch Buyer {index}",
                    "street": f"Street {index}",
                    "email": f"b{index}@marketplace.amazon.de",
                    "amazon_account_id": self.account.id,
                    "category_id": [Command.link(tag.id)],
                }
            )
            buyer.message_post(body=f"Batch Buyer {index} called")
            partners |= buyer | self.env["res.partner"].create(
                {
                    "name": f"Batch Receiver {index}",
                    "type": "delivery",
                    "parent_id": buyer.id,
                    "phone": f"+49 30 {index:07d}",
                }
            )
        return partners

    def test_a_batch_costs_the_same_queries_whatever_its_size(self):
        warm, small, large = self.buyers(1), self.buyers(2), self.buyers(8)
        warm.sudo()._amazon_anonymize()  # what is read once and kept
        counts = []
        for batch in (small, large):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            batch.sudo()._amazon_anonymize()
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])
        self.assertEqual(set(large.mapped("name")), {NEUTRAL})
        self.assertFalse([m for m in large.message_ids if "Batch Buyer" in str(m.body)])
