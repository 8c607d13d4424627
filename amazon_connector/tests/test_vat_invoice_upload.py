# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""VAT invoices uploaded to Amazon: every posted invoice and credit note of an
Amazon order of an EU/UK marketplace, rendered with Odoo's invoice report, sent
by one UPLOAD_VAT_INVOICE feed each (the generic feed flow) to the simulator,
which records it as Amazon would (SP-API.md, "VAT invoices")."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..amazon.vat_invoice import MAX_PDF_BYTES
from ..models.account_move_vat_upload import INVOICE_REPORT
from .common_shipments import AmazonShipmentCommon
from .job_runner import run_jobs


@tagged("post_install", "-at_install")
class TestVatInvoiceUpload(AmazonShipmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.vat_invoice_upload = True
        cls.env["ir.config_parameter"].sudo().set_param(
            "amazon_connector.enabled", "True"
        )

    def setUp(self):
        super().setUp()
        self.simulator.state.vat_invoices.clear()
        self.rendered = []
        self.pdf_padding = 0
        report_class = type(self.env["ir.actions.report"])

        # No wkhtmltopdf in the tests (Odoo renders HTML there): Odoo's own invoice
        # report is rendered, its HTML wrapped as the PDF wkhtmltopdf would make.
        def render(report, report_ref, res_ids=None, data=None):
            html, _kind = report._render_qweb_html(report_ref, res_ids, data=data)
            self.rendered.append((report_ref, list(res_ids)))
            body = html if isinstance(html, bytes) else str(html).encode()
            return b"%PDF-1.4\n" + body + b" " * self.pdf_padding, "pdf"

        self.patch(report_class, "_render_qweb_pdf", render)

    # ------------------------------------------------------------------ helpers

    def invoiced(self, marketplace=None):
        """An Amazon order shipped and invoiced (its jobs run); (order, invoice)."""
        _payload, order = self.amazon_order()
        if marketplace:
            order.amazon_marketplace_id = marketplace
        self.ship(self.delivery(order), tracking="VAT1")
        self.assertEqual(len(order.invoice_ids), 1)
        return order, order.invoice_ids

    def credit_note_of(self, invoice):
        with run_jobs(retry=True):
            reversal = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"reason": "Returned", "journal_id": invoice.journal_id.id})
            )
            action = reversal.refund_moves()
            credit_note = self.env["account.move"].browse(action["res_id"])
            if credit_note.state == "draft":
                credit_note.action_post()
        return credit_note

    def uploads(self, move):
        return [
            doc
            for doc in self.simulator.state.vat_invoices
            if doc["invoice_number"] == move.name
        ]

    def upload_feeds(self, move):
        return (
            self.env["amazon.feed"]
            .search(
                [
                    ("feed_type", "=", "UPLOAD_VAT_INVOICE"),
                    ("res_model", "=", move._name),
                ]
            )
            .filtered(lambda f: move.id in (f.messages or {}).values())
        )

    # ------------------------------------------------------------------ tests

    def test_posted_invoice_is_rendered_and_uploaded(self):
        order, invoice = self.invoiced()
        self.assertEqual(invoice.amazon_vat_upload_state, "uploaded")
        self.assertFalse(invoice.amazon_vat_upload_error)
        self.assertIn((INVOICE_REPORT, invoice.ids), self.rendered)
        [doc] = self.uploads(invoice)
        self.assertEqual(doc["order_id"], order.amazon_order_ref)
        self.assertEqual(doc["document_type"], "Invoice")
        self.assertEqual(doc["total_amount"], f"{invoice.amount_total:.2f}")
        self.assertEqual(doc["total_vat_amount"], f"{invoice.amount_tax:.2f}")
        self.assertIsNone(doc["transaction_id"])
        self.assertEqual(doc["status"], "Pending")
        self.assertEqual(doc["marketplace_id"], self.marketplace_de.marketplace_id)
        [feed] = self.upload_feeds(invoice)
        self.assertEqual(feed.content_type, "application/pdf")
        self.assertEqual(feed.message_count, 1)
        self.assertEqual(feed.marketplace_ids, self.marketplace_de)
        self.assertEqual(feed.feed_options["metadata:invoicenumber"], invoice.name)
        self.assertEqual(feed.state, "done")
        self.assertEqual(invoice.amazon_vat_feed_id, feed)
        self.assertIn("Amazon received the VAT invoice", invoice.message_ids[0].body)

    def test_same_document_never_sent_twice(self):
        _order, invoice = self.invoiced()
        self.assertEqual(len(self.uploads(invoice)), 1)
        with run_jobs(retry=True) as run:
            invoice._amazon_vat_queue_upload()
        self.assertIn("not to upload", str(run.last_result))
        with run_jobs(retry=True):
            invoice.button_draft()
            invoice.action_post()
        self.assertEqual(invoice.amazon_vat_upload_state, "uploaded")
        self.assertEqual(len(self.uploads(invoice)), 1)
        self.assertEqual(len(self.upload_feeds(invoice)), 1)

    def test_refused_upload_says_why_then_uploads_again(self):
        self.simulator.state.inject_fault(
            "createFeed", "fatal", feed_type="UPLOAD_VAT_INVOICE"
        )
        _order, invoice = self.invoiced()
        total = invoice.amount_total
        self.assertEqual(invoice.amazon_vat_upload_state, "refused")
        self.assertIn("Amazon refused the upload", invoice.amazon_vat_upload_error)
        self.assertIn("could not be processed", invoice.amazon_vat_upload_error)
        activity = invoice.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn("could not be processed", str(activity.note))
        # Nothing else changed.
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, total)
        self.assertFalse(self.uploads(invoice))
        with run_jobs(retry=True):
            invoice.action_amazon_upload_vat_invoice()
        self.assertEqual(invoice.amazon_vat_upload_state, "uploaded")
        self.assertFalse(invoice.amazon_vat_upload_error)
        self.assertEqual(len(self.uploads(invoice)), 1)

    def test_duplicate_number_recorded_rejected_by_amazon(self):
        _order, invoice = self.invoiced()
        # Refused by Amazon's report for another reason, the seller sends it
        # again as it is.
        invoice._amazon_vat_refuse("Amazon gave another reason.")
        self.assertEqual(invoice.amazon_vat_upload_state, "refused")
        with run_jobs(retry=True):
            invoice.action_amazon_upload_vat_invoice()
        first, second = self.uploads(invoice)
        self.assertEqual(first["status"], "Pending")
        self.assertEqual(second["status"], "Rejected")

    def test_refused_by_the_report_then_posted_again_is_sent_again(self):
        _order, invoice = self.invoiced()
        # Amazon's report refuses it (the method the report applies).
        self.simulator.state.refuse_vat_invoice(invoice.name, "Wrong total.")
        invoice._amazon_vat_refuse("Wrong total.")
        self.assertEqual(invoice.amazon_vat_upload_state, "refused")
        with run_jobs(retry=True):
            invoice.button_draft()
            invoice.action_post()
        self.assertEqual(invoice.amazon_vat_upload_state, "uploaded")
        refused, sent_again = self.uploads(invoice)
        self.assertEqual(refused["status"], "Rejected")
        self.assertEqual(sent_again["status"], "Pending")

    def test_a_correction_while_the_first_feed_waits_is_what_amazon_gets(self):
        _payload, order = self.amazon_order()
        self.account.state = "draft"  # Amazon out of reach when it is invoiced
        self.ship(self.delivery(order), tracking="VAT3")
        invoice = order.invoice_ids
        self.account.state = "connected"
        line = invoice.invoice_line_ids[0]
        with run_jobs(retry=True):
            # The upload job makes the feed; its sending waits for its slot.
            invoice._amazon_upload_vat_invoice()
            first_feed = invoice.amazon_vat_feed_id
            self.assertEqual(first_feed.state, "queued")
            invoice.button_draft()
            invoice.write(
                {
                    "invoice_line_ids": [
                        Command.update(line.id, {"price_unit": line.price_unit + 10})
                    ]
                }
            )
            invoice.action_post()
        self.assertEqual(first_feed.state, "failed")
        self.assertEqual(invoice.amazon_vat_upload_state, "uploaded")
        [doc] = self.uploads(invoice)
        self.assertEqual(doc["total_amount"], f"{invoice.amount_total:.2f}")
        self.assertEqual(doc["total_vat_amount"], f"{invoice.amount_tax:.2f}")
        self.assertNotEqual(invoice.amazon_vat_feed_id, first_feed)

    def test_only_billing_users_upload_again(self):
        _order, invoice = self.invoiced()
        invoice._amazon_vat_refuse("Amazon gave another reason.")
        invoice.invoice_user_id = self.salesman
        as_salesman = invoice.with_user(self.salesman)
        self.assertEqual(as_salesman.amazon_vat_upload_state, "refused")  # reads it
        with run_jobs(retry=True), self.assertRaises(AccessError):
            as_salesman.action_amazon_upload_vat_invoice()
        self.assertEqual(invoice.amazon_vat_upload_state, "refused")
        self.assertEqual(len(self.uploads(invoice)), 1)

    def test_marketplace_outside_eu_and_uk_never_uploaded(self):
        us = self.env.ref("amazon_connector.marketplace_us")
        _order, invoice = self.invoiced(marketplace=us)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amazon_vat_upload_state, "none")
        self.assertFalse(self.uploads(invoice))
        self.assertFalse(self.rendered)
        with self.assertRaises(UserError):
            invoice.action_amazon_upload_vat_invoice()

    def test_uk_invoice_uploaded(self):
        uk = self.env.ref("amazon_connector.marketplace_uk")
        _order, invoice = self.invoiced(marketplace=uk)
        self.assertEqual(invoice.amazon_vat_upload_state, "uploaded")
        self.assertEqual(self.uploads(invoice)[0]["marketplace_id"], uk.marketplace_id)

    def test_account_without_the_option_uploads_nothing(self):
        self.account.vat_invoice_upload = False
        _order, invoice = self.invoiced()
        self.assertEqual(invoice.amazon_vat_upload_state, "none")
        self.assertFalse(self.simulator.state.vat_invoices)

    def test_invoice_posted_before_the_option_is_uploaded_by_hand(self):
        """A seller who switches the option on sends an invoice posted before
        with Upload to Amazon; the invoices of an account without it cannot."""
        self.account.vat_invoice_upload = False
        _order, invoice = self.invoiced()
        with self.assertRaises(UserError):
            invoice.action_amazon_upload_vat_invoice()
        self.account.vat_invoice_upload = True
        self.assertTrue(invoice.amazon_vat_upload_on)
        with run_jobs(retry=True):
            invoice.action_amazon_upload_vat_invoice()
        self.assertEqual(invoice.amazon_vat_upload_state, "uploaded")
        self.assertEqual(len(self.uploads(invoice)), 1)

    def test_credit_note_without_transaction_id_goes_by_order_id(self):
        order, invoice = self.invoiced()
        credit_note = self.credit_note_of(invoice)
        self.assertEqual(credit_note.amazon_vat_upload_state, "uploaded")
        [doc] = self.uploads(credit_note)
        self.assertEqual(doc["document_type"], "CreditNote")
        self.assertEqual(doc["order_id"], order.amazon_order_ref)
        self.assertIsNone(doc["transaction_id"])
        self.assertEqual(doc["total_amount"], f"{credit_note.amount_total:.2f}")

    def test_credit_note_carries_the_settlement_adjustment_id(self):
        _order, invoice = self.invoiced()
        credit_note = self.credit_note_of(invoice)
        settlement = self.env["amazon.settlement"].create(
            {
                "account_id": self.account.id,
                "settlement_ref": "VAT-SETTLEMENT-1",
                "currency_id": invoice.currency_id.id,
            }
        )
        self.env["amazon.settlement.line"].create(
            {
                "settlement_id": settlement.id,
                "kind": "refund",
                "adjustment_ref": "amzn1-adj-42",
                "invoice_id": credit_note.id,
            }
        )
        document = credit_note._amazon_vat_document()
        self.assertEqual(document.transaction_id, "amzn1-adj-42")
        self.assertIsNone(invoice._amazon_vat_document().transaction_id)

    def test_pdf_over_the_size_limit_is_a_clear_error(self):
        self.pdf_padding = MAX_PDF_BYTES
        _order, invoice = self.invoiced()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amazon_vat_upload_state, "refused")
        self.assertIn("Not sent to Amazon", invoice.amazon_vat_upload_error)
        self.assertIn("MB, over the 10 MB", invoice.amazon_vat_upload_error)
        self.assertFalse(self.upload_feeds(invoice))
        self.assertFalse(self.uploads(invoice))
        self.pdf_padding = 0
        with run_jobs(retry=True):
            invoice.action_amazon_upload_vat_invoice()
        self.assertEqual(invoice.amazon_vat_upload_state, "uploaded")

    def test_left_behind_documents_sent_by_the_cron(self):
        _payload, order = self.amazon_order()
        self.account.state = "draft"  # Amazon out of reach when it is invoiced
        self.ship(self.delivery(order), tracking="VAT2")
        invoice = order.invoice_ids
        self.assertEqual(invoice.amazon_vat_upload_state, "to_upload")
        self.assertFalse(self.uploads(invoice))
        self.account.state = "connected"
        moves = self.env["account.move"]
        with run_jobs(retry=True):
            moves._cron_amazon_upload_vat_invoices()
        self.assertEqual(invoice.amazon_vat_upload_state, "to_upload", "too recent")
        self.env.cr.execute(
            "UPDATE account_move SET write_date = now() - interval '2 hours' "
            "WHERE id = %s",
            [invoice.id],
        )
        invoice.invalidate_recordset(["write_date"])
        with run_jobs(retry=True):
            moves._cron_amazon_upload_vat_invoices()
        self.assertEqual(invoice.amazon_vat_upload_state, "uploaded")

    def test_account_that_stopped_uploading_sends_nothing(self):
        _payload, order = self.amazon_order()
        self.account.state = "draft"  # Amazon out of reach when it is invoiced
        self.ship(self.delivery(order), tracking="VAT4")
        invoice = order.invoice_ids
        self.assertEqual(invoice.amazon_vat_upload_state, "to_upload")
        self.account.write({"state": "connected", "vat_invoice_upload": False})
        self.env.cr.execute(
            "UPDATE account_move SET write_date = now() - interval '2 hours' "
            "WHERE id = %s",
            [invoice.id],
        )
        invoice.invalidate_recordset(["write_date"])
        with run_jobs(retry=True) as run:
            invoice._amazon_vat_queue_upload()  # queued before the option went off
            self.env["account.move"]._cron_amazon_upload_vat_invoices()
        self.assertEqual(len(run.performed), 1, run.results)
        self.assertIn("does not upload VAT invoices", str(run.last_result))
        self.assertEqual(invoice.amazon_vat_upload_state, "to_upload")
        self.assertFalse(self.uploads(invoice))
        self.assertFalse(self.upload_feeds(invoice))

    def test_option_offered_on_european_marketplaces_only(self):
        self.assertTrue(self.account.vat_invoice_upload_offered)
        us_only = self.simulator_account(
            "US", "na", self.env.ref("amazon_connector.marketplace_us")
        )
        self.assertFalse(us_only.vat_invoice_upload_offered)

    def test_views_show_the_upload_on_amazon_documents(self):
        form = self.env["account.move"].get_view(
            self.env.ref("account.view_move_form").id, "form"
        )["arch"]
        self.assertIn('name="action_amazon_upload_vat_invoice"', form)
        self.assertIn("Upload Again", form)
        self.assertIn("Upload to Amazon", form)
        self.assertIn('name="amazon_vat_upload_state"', form)
        self.assertIn('name="amazon_vat_upload_error"', form)
        search = self.env["account.move"].get_view(
            self.env.ref("account.view_account_invoice_filter").id, "search"
        )["arch"]
        self.assertIn('name="amazon_vat_to_upload"', search)
        self.assertIn('name="amazon_vat_refused"', search)
        account_form = self.env["amazon.account"].get_view(
            self.env.ref("amazon_connector.amazon_account_view_form").id, "form"
        )["arch"]
        self.assertIn('name="vat_invoice_upload"', account_form)
