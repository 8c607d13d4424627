# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Amazon's verdict on the uploaded VAT invoices, from its VAT invoice data
report asked of the simulator: accepted, refused with Amazon's message and one
activity, pending left as it is; the documents Amazon expects that Odoo has not
made listed on the account; a report read twice changes nothing; a report
without a needed column or with rows of unknown orders."""

import base64
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from ..amazon.adapter import ReportDocument
from ..amazon.vat_invoice_report import REPORT_TYPE
from . import order_factory as factory
from .common_shipments import AmazonShipmentCommon
from .job_runner import run_jobs, trap_jobs

WRONG_TOTAL = (
    "The total amount on the invoice does not match the total amount of the "
    "transaction."
)
DUPLICATE = "The invoice number has already been used for another invoice."


@tagged("post_install", "-at_install")
class TestVatInvoiceReport(AmazonShipmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.vat_invoice_upload = True
        cls.Pending = cls.env["amazon.vat.invoice.pending"]

    def setUp(self):
        super().setUp()
        state = self.simulator.state
        with state.lock:
            state.vat_invoices.clear()
            state.refunds.clear()
            state.vat_invoice_upload_enrolled = False

    # ------------------------------------------------------------ helpers

    def shipped_order(self, *, business=True, imported=True):
        """An FBA order Amazon shipped (invoiced by Odoo when imported)."""
        payload = factory.order(
            [factory.item("SKU-A", 1, shipped=1)],
            status="SHIPPED",
            fulfilled_by="AMAZON",
            programs=("AMAZON_BUSINESS",) if business else (),
        )
        if not imported:
            self.publish(payload)
            return payload, self.env["sale.order"]
        return payload, self.import_one(payload)

    def upload(self, move, transaction_id=None):
        """``move`` uploaded to Amazon by its own upload (Upload Again: its
        import found no PDF renderer), Odoo's invoice report rendered as in
        test_vat_invoice_upload; ``transaction_id``: the refund's id a
        settlement gives the credit note."""
        if transaction_id:
            settlement = self.env["amazon.settlement"].create(
                {
                    "account_id": self.account.id,
                    "settlement_ref": f"VAT-{transaction_id}",
                    "currency_id": move.currency_id.id,
                }
            )
            self.env["amazon.settlement.line"].create(
                {
                    "settlement_id": settlement.id,
                    "kind": "refund",
                    "adjustment_ref": transaction_id,
                    "invoice_id": move.id,
                }
            )
        report_class = type(self.env["ir.actions.report"])

        def render(report, report_ref, res_ids=None, data=None):
            html, _kind = report._render_qweb_html(report_ref, res_ids, data=data)
            body = html if isinstance(html, bytes) else str(html).encode()
            return b"%PDF-1.4\n" + body, "pdf"

        with patch.object(report_class, "_render_qweb_pdf", render):
            with run_jobs(retry=True):
                move.action_amazon_upload_vat_invoice()
        self.assertEqual(move.amazon_vat_upload_state, "uploaded")
        self.assertTrue(move.amazon_vat_upload_digest)

    def verdict(self):
        """Ask and read Amazon's VAT invoice data report; the report."""
        with run_jobs():
            self.Pending._amazon_fetch(self.account)
        return self.env["amazon.report"].search(
            [("account_id", "=", self.account.id), ("report_type", "=", REPORT_TYPE)],
            limit=1,
        )

    def read_again(self, report):
        document = ReportDocument(base64.b64decode(report.document), "utf-8")
        return self.Pending._amazon_report_done(report, document)

    def refusal_activities(self, move):
        return move.activity_ids.filtered(
            lambda a: a.summary == "Amazon refused the VAT invoice"
        )

    def run_summary(self):
        return self.account.sync_run_ids.filtered(
            lambda r: r.kind == "vat_invoices"
        ).summary

    # ------------------------------------------------------------ verdicts

    def test_an_uploaded_invoice_is_accepted_and_a_second_read_changes_nothing(self):
        _payload, order = self.shipped_order()
        invoice = order.invoice_ids
        self.upload(invoice)
        report = self.verdict()
        self.assertEqual(report.state, "done", report.result)
        self.assertEqual(report.report_options, {"ReportOption=all": "true"})
        self.assertEqual(report.marketplace_ids, self.account.marketplace_ids)
        self.assertEqual(invoice.amazon_vat_upload_state, "accepted")
        self.assertFalse(invoice.amazon_vat_upload_error)
        self.assertIn("1 accepted", self.run_summary())
        self.assertEqual(self.simulator.state.vat_invoices[0]["status"], "Accepted")
        self.assertFalse(self.account.vat_invoice_pending_ids)
        self.assertIn("0 accepted", self.read_again(report))
        self.assertEqual(invoice.amazon_vat_upload_state, "accepted")

    def test_a_refused_invoice_shows_amazons_message_and_one_activity(self):
        _payload, order = self.shipped_order()
        invoice = order.invoice_ids
        self.upload(invoice)
        self.simulator.state.refuse_vat_invoice(invoice.name, DUPLICATE)
        report = self.verdict()
        self.assertEqual(invoice.amazon_vat_upload_state, "refused")
        self.assertEqual(invoice.amazon_vat_upload_error, DUPLICATE)
        activity = self.refusal_activities(invoice)
        self.assertEqual(len(activity), 1)
        self.assertIn(DUPLICATE, str(activity.note))
        self.assertEqual(activity.user_id, invoice._amazon_vat_responsible())
        # Read again, or asked again the next day: still one activity.
        self.assertIn("0 refused", self.read_again(report))
        report.state = "done"
        self.env["amazon.report"].search([]).write({"state": "done"})
        self.verdict()
        self.assertEqual(len(self.refusal_activities(invoice)), 1)
        self.assertEqual(invoice.amazon_vat_upload_state, "refused")
        # The refused invoice has an Odoo document: not in the pending list.
        self.assertFalse(self.account.vat_invoice_pending_ids)

    def test_a_wrong_total_refusal_replaces_amazons_earlier_message(self):
        _payload, order = self.shipped_order()
        invoice = order.invoice_ids
        self.upload(invoice)
        self.simulator.state.refuse_vat_invoice(invoice.name, DUPLICATE)
        self.verdict()
        self.env["amazon.report"].search([]).write({"state": "done"})
        self.simulator.state.refuse_vat_invoice(invoice.name, WRONG_TOTAL)
        self.verdict()
        self.assertEqual(invoice.amazon_vat_upload_error, WRONG_TOTAL)
        self.assertEqual(len(self.refusal_activities(invoice)), 1)
        # Corrected and uploaded again (the other half of the flow): accepted,
        # the refusal's activity done.
        self.upload(invoice)
        self.env["amazon.report"].search([]).write({"state": "done"})
        self.verdict()
        self.assertEqual(invoice.amazon_vat_upload_state, "accepted")
        self.assertFalse(invoice.amazon_vat_upload_error)
        self.assertFalse(self.refusal_activities(invoice))

    def test_an_acceptance_closes_the_uploads_own_refusal(self):
        _payload, order = self.shipped_order()
        invoice = order.invoice_ids
        invoice._amazon_vat_refused("Not sent to Amazon: no PDF.")

        def upload_refusals():
            return invoice.activity_ids.filtered(
                lambda a: a.summary == "VAT invoice refused by Amazon"
            )

        self.assertTrue(upload_refusals())
        self.upload(invoice)
        self.verdict()
        self.assertEqual(invoice.amazon_vat_upload_state, "accepted")
        self.assertFalse(upload_refusals())

    def test_an_old_acceptance_leaves_a_corrected_invoice_to_upload(self):
        _payload, order = self.shipped_order()
        invoice = order.invoice_ids
        self.upload(invoice)
        line = invoice.invoice_line_ids[0]
        with trap_jobs():  # corrected, its upload not run yet
            invoice.button_draft()
            invoice.write(
                {
                    "invoice_line_ids": [
                        Command.update(line.id, {"price_unit": line.price_unit + 10})
                    ]
                }
            )
            invoice.action_post()
        self.assertEqual(invoice.amazon_vat_upload_state, "to_upload")
        # Amazon accepts what it has: the document before the correction.
        self.verdict()
        self.assertEqual(self.simulator.state.vat_invoices[-1]["status"], "Accepted")
        self.assertEqual(invoice.amazon_vat_upload_state, "to_upload")

    def test_an_invoice_amazon_still_waits_for_is_left_as_it_is(self):
        _payload, order = self.shipped_order()
        invoice = order.invoice_ids
        # Uploaded in Odoo, but Amazon has no upload yet: still due on its side.
        invoice.amazon_vat_upload_state = "uploaded"
        self.verdict()
        self.assertEqual(invoice.amazon_vat_upload_state, "uploaded")
        self.assertFalse(self.refusal_activities(invoice))
        self.assertFalse(self.account.vat_invoice_pending_ids)

    def test_a_credit_note_is_accepted_by_its_refund(self):
        payload, order = self.shipped_order()
        invoice = order.invoice_ids
        self.upload(invoice)
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"reason": "Returned", "journal_id": invoice.journal_id.id})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.action_post()
        refund = self.simulator.state.refund(payload["orderId"])
        self.upload(credit_note, refund.adjustment_id)
        self.verdict()
        self.assertEqual(invoice.amazon_vat_upload_state, "accepted")
        self.assertEqual(credit_note.amazon_vat_upload_state, "accepted")

    # ------------------------------------------------ documents Odoo has not made

    def test_orders_without_an_odoo_invoice_are_listed_on_the_account(self):
        self.simulator.state.vat_invoice_upload_enrolled = True
        self.account.invoice_policy = "manual"
        known, order = self.shipped_order()
        # Published after the import: an order Odoo never imported.
        missing, _none = self.shipped_order(business=False, imported=False)
        self.assertFalse(order.invoice_ids)
        report = self.verdict()
        pending = self.account.vat_invoice_pending_ids
        self.assertEqual(
            sorted(pending.mapped("amazon_order_ref")),
            sorted([missing["orderId"], known["orderId"]]),
        )
        by_ref = {p.amazon_order_ref: p for p in pending}
        self.assertEqual(by_ref[known["orderId"]].sale_order_id, order)
        self.assertTrue(by_ref[known["orderId"]].is_business)
        self.assertFalse(by_ref[missing["orderId"]].sale_order_id)
        self.assertEqual(by_ref[missing["orderId"]].transaction_type, "shipment")
        self.assertEqual(by_ref[missing["orderId"]].amazon_status, "InvoicePending")
        self.assertEqual(by_ref[missing["orderId"]].marketplace_id, self.marketplace_de)
        self.assertEqual(self.account.vat_invoice_pending_count, 2)
        action = self.account.action_view_vat_invoice_pending()
        self.assertEqual(
            self.env["amazon.vat.invoice.pending"].search(action["domain"]), pending
        )
        # Read again: the same two, not four.
        self.read_again(report)
        self.assertEqual(self.account.vat_invoice_pending_ids, pending)
        # Amazon has an invoice of one (uploaded from Seller Central): the next
        # report lists only the other.
        self.simulator.state.vat_invoices.append(
            {
                "order_id": missing["orderId"],
                "invoice_number": "SC-1",
                "document_type": "Invoice",
                "status": "Pending",
            }
        )
        self.env["amazon.report"].search([]).write({"state": "done"})
        self.verdict()
        self.assertEqual(
            self.account.vat_invoice_pending_ids.mapped("amazon_order_ref"),
            [known["orderId"]],
        )

    def test_consumer_orders_are_reported_only_when_enrolled(self):
        self.account.invoice_policy = "manual"
        self.shipped_order(business=False)
        self.verdict()
        self.assertFalse(self.account.vat_invoice_pending_ids)
        self.assertIn("No VAT invoice to report", self.run_summary())

    # ------------------------------------------------------------ bad input

    def test_a_report_without_a_needed_column_changes_nothing(self):
        _payload, order = self.shipped_order()
        invoice = order.invoice_ids
        self.upload(invoice)
        report = self.env["amazon.report"]._amazon_create(
            self.account, REPORT_TYPE, self.Pending, state="in_progress"
        )
        content = b"order-id\ttransaction-type\tinvoice-number\r\n"
        content += f"{invoice.ref}\tShipment\t{invoice.name}\r\n".encode()
        report._deliver(ReportDocument(content, "utf-8"))
        self.assertEqual(report.state, "error")
        self.assertIn("invoice-status", report.result)
        self.assertEqual(invoice.amazon_vat_upload_state, "uploaded")
        self.assertIn("was not read", self.run_summary())

    def test_rows_of_unknown_orders_change_nothing_but_are_counted(self):
        _payload, order = self.shipped_order()
        invoice = order.invoice_ids
        self.upload(invoice)
        report = self.env["amazon.report"]._amazon_create(
            self.account, REPORT_TYPE, self.Pending, state="in_progress"
        )
        content = (
            "order-id\ttransaction-type\tinvoice-number\tinvoice-status\r\n"
            f"999-0000000-0000000\tShipment\t{invoice.name}\tInvoiceUploaded\r\n"
            f"{invoice.ref}\tShipment\t{invoice.name}\tInvoiceRefusedByMoon\r\n"
        ).encode()
        report._deliver(ReportDocument(content, "utf-8"))
        self.assertEqual(report.state, "done", report.result)
        self.assertEqual(invoice.amazon_vat_upload_state, "uploaded")
        self.assertIn("1 transaction(s) of orders Odoo does not have", report.result)
        self.assertIn("line 3", report.result)

    # ------------------------------------------------------------ fetch and cron

    def test_the_cron_asks_only_accounts_that_upload(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "amazon_connector.enabled", "True"
        )
        with trap_jobs() as trap:
            self.env["amazon.account"]._cron_fetch_vat_verdicts()
        self.assertEqual([job.args for job in trap.enqueued_jobs], [(self.account,)])
        self.account.vat_invoice_upload = False
        with trap_jobs() as trap:
            self.env["amazon.account"]._cron_fetch_vat_verdicts()
        self.assertFalse(trap.enqueued_jobs)
        self.assertIn("Nothing to do", self.Pending._amazon_fetch(self.account))

    def test_a_report_under_way_is_not_asked_again(self):
        with trap_jobs():
            self.Pending._amazon_fetch(self.account)
            self.assertIn("still under way", self.Pending._amazon_fetch(self.account))
