# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Amazon orders are invoiced when shipped: a posted invoice of what shipped,
never e-mailed, with the Amazon number and the account's payment terms."""

from decimal import Decimal

from odoo.tests import tagged

from . import order_factory as factory
from .common_shipments import AmazonShipmentCommon


@tagged("post_install", "-at_install")
class TestShipmentInvoices(AmazonShipmentCommon):
    def test_invoice_when_shipped_equals_amazon_total(self):
        payload, order = self.amazon_order(
            factory.item("SKU-A", 2, "11.90", shipping="4.90"),
            factory.item("SKU-B", 1, "30.00", discount="3.00"),
        )
        self.ship(self.delivery(order), tracking="INV1")
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.ref, payload["orderId"])
        self.assertIn(payload["orderId"], invoice.invoice_origin)
        self.assertEqual(invoice.currency_id.name, "EUR")
        self.assertEqual(
            invoice.invoice_payment_term_id,
            self.env.ref("amazon_connector.payment_term_amazon_payout"),
        )
        self.assertEqual(
            Decimal(str(invoice.amount_total)),
            Decimal(payload["proceeds"]["grandTotal"]["amount"]),
        )
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertIn(f"Invoiced: {invoice.name}", order.message_ids.mapped("preview"))
        self.assertFalse(invoice.is_move_sent, "never sent to the buyer")
        self.assertFalse(
            self.env["mail.mail"].search(
                [("recipient_ids", "in", order.partner_id.ids)]
            )
        )

    def test_partial_shipment_invoices_what_shipped(self):
        _payload, order = self.amazon_order(factory.item("SKU-A", 3, "10.00"))
        self.ship(self.delivery(order), tracking="P1", quantities={self.product_a: 1})
        goods = order.invoice_ids.invoice_line_ids.filtered(
            lambda line: line.product_id == self.product_a
        )
        self.assertEqual(goods.quantity, 1)
        self.ship(self.delivery(order), tracking="P2")
        self.assertEqual(len(order.invoice_ids), 2)
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertAlmostEqual(
            sum(order.invoice_ids.mapped("amount_total")), order.amount_total
        )

    def test_manual_policy_makes_no_invoice(self):
        self.account.invoice_policy = "manual"
        _payload, order = self.amazon_order()
        self.ship(self.delivery(order), tracking="MAN1")
        self.assertFalse(order.invoice_ids)
        self.assertEqual(order.invoice_status, "to invoice")

    def test_fba_order_is_invoiced_as_imported(self):
        payload = factory.order(
            [factory.item("SKU-A", 1, shipped=1)],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        order = self.import_one(payload)
        self.assertEqual(order.invoice_ids.state, "posted")
        self.assertEqual(order.invoice_ids.ref, payload["orderId"])

    def test_credit_note_carries_the_amazon_number(self):
        payload, order = self.amazon_order()
        self.ship(self.delivery(order), tracking="REF1")
        invoice = order.invoice_ids
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {"reason": "Returned to Amazon", "journal_id": invoice.journal_id.id}
            )
        )
        action = reversal.refund_moves()
        credit_note = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertIn(payload["orderId"], credit_note.ref)
        self.assertIn(payload["orderId"], credit_note.invoice_origin or "")
