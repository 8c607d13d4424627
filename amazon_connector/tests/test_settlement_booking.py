# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""A settlement report books one journal entry and pays the invoices it settles:
fees by type, reserves, the payout, every amount on its account."""

from decimal import Decimal

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_settlements import AmazonSettlementCommon


def amount(value):
    return Decimal(str(value)).quantize(Decimal("0.01"))


@tagged("post_install", "-at_install")
class TestSettlementBooking(AmazonSettlementCommon):
    def test_fetched_settlement_pays_the_invoice(self):
        payload, order = self.shipped_order(
            self.item(quantity=2, price="250.00", shipping="4.90")
        )
        invoice = order.invoice_ids
        self.assertEqual(invoice.payment_state, "not_paid")
        published = self.publish_settlement(payload, advertising=None)
        self.assertGreater(published.total, 0)
        self.fetch()
        settlement = self.settlement(published.settlement_id)
        self.assertFalse(settlement.last_error)
        self.assertEqual(settlement.state, "posted")
        self.assertEqual(settlement.marketplace_id, self.marketplace_de)
        self.assertEqual(amount(settlement.total_amount), published.total)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(settlement.unmatched_count, 0)
        self.assertEqual(amount(settlement.amount_sales), amount(invoice.amount_total))
        deposit = settlement.deposit_date.date().isoformat()
        self.assertEqual(
            order.amazon_last_action,
            f"Paid by Amazon settlement {published.settlement_id} (deposit {deposit})",
        )
        customer = settlement.line_ids.filtered(lambda li: li.treatment == "customer")
        self.assertTrue(customer)
        self.assertTrue(all(customer.mapped("matched")))
        self.assertEqual(customer.invoice_id, invoice)
        self.assertEqual(customer.sale_order_id, order)
        move = settlement.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id.code, "AMZ")
        self.assertEqual(move.amazon_settlement_id, settlement)
        # The payout: a receivable from Amazon Payments (Amazon.de), the total.
        payout = move.line_ids.filtered(
            lambda li: li.partner_id.amazon_payout_marketplace_id
        )
        self.assertEqual(payout.partner_id.name, "Amazon Payments (Amazon.de)")
        self.assertEqual(payout.account_id.account_type, "asset_receivable")
        self.assertEqual(amount(payout.balance), published.total)
        self.assertIn(published.settlement_id, payout.name)
        # The commission on its expense account, the reserve on the reserve account.
        commission = -sum(
            row["amount"]
            for row in published.rows
            if row["amount-description"] == "Commission"
        )
        company = self.account.company_id
        self.assertEqual(
            amount(
                sum(
                    self.entry_lines(
                        settlement, company._amazon_settlement_account("commission")
                    ).mapped("balance")
                )
            ),
            commission,
        )
        reserve = -sum(
            row["amount"]
            for row in published.rows
            if "Reserve" in (row["amount-description"] or "")
        )
        reserve_items = self.entry_lines(
            settlement, company._amazon_settlement_account("reserve")
        )
        self.assertEqual(amount(sum(reserve_items.mapped("balance"))), reserve)
        self.assertTrue(reserve_items, "the simulator's file has reserves")
        self.assertEqual(
            company._amazon_settlement_account("reserve").account_type,
            "asset_current",
        )

    def test_same_settlement_twice_changes_nothing(self):
        payload, _order = self.shipped_order()
        published = self.publish_settlement(payload)
        self.fetch()
        settlement = self.settlement(published.settlement_id)
        move = settlement.move_id
        self.fetch()
        again = self.upload(published)
        self.assertEqual(again, settlement)
        self.assertEqual(
            self.env["amazon.settlement"].search_count(
                [("settlement_ref", "=", published.settlement_id)]
            ),
            1,
        )
        self.assertEqual(settlement.move_id, move)
        self.assertEqual(
            self.env["account.move"].search_count(
                [("amazon_settlement_id", "=", settlement.id)]
            ),
            1,
        )

    def test_order_settled_before_invoiced_then_invoiced_now(self):
        self.account.invoice_policy = "manual"
        payload, order = self.shipped_order(self.item(price="30.00"))
        self.assertFalse(order.invoice_ids)
        published = self.publish_settlement(payload)
        settlement = self.upload(published)
        self.assertEqual(settlement.state, "posted")
        sale = settlement.line_ids.filtered(lambda li: li.kind == "sale")
        self.assertEqual(set(sale.mapped("status")), {"unmatched"})
        self.assertEqual(settlement.unmatched_count, 1, "one order, however many lines")
        self.assertEqual(
            order.amazon_last_action,
            f"Settled by Amazon settlement {published.settlement_id} before it was "
            "invoiced",
        )
        sale[:1].action_invoice_now()
        self.assertEqual(order.invoice_ids.payment_state, "paid")
        self.assertEqual(set(sale.mapped("status")), {"matched"})
        self.assertEqual(settlement.unmatched_count, 0)

    def test_unmatched_order_booked_to_suspense(self):
        self.account.invoice_policy = "manual"
        payload, order = self.shipped_order(self.item(price="30.00"))
        published = self.publish_settlement(payload)
        settlement = self.upload(published)
        sale = settlement.line_ids.filtered(lambda li: li.kind == "sale")
        sale[:1].action_book_to_suspense()
        self.assertEqual(set(sale.mapped("status")), {"suspense"})
        suspense = self.account.company_id._amazon_settlement_account("suspense")
        booked = self.env["account.move.line"].search(
            [("account_id", "=", suspense.id), ("parent_state", "=", "posted")]
        )
        self.assertEqual(
            amount(-sum(booked.mapped("balance"))),
            amount(sum(sale.mapped("amount"))),
        )
        self.assertTrue(sale.sudo().move_line_id.reconciled)
        self.assertFalse(order.invoice_ids)

    def test_invoice_that_differs_stays_open_and_is_listed(self):
        payload, order = self.shipped_order(self.item(price="40.00"))
        invoice = order.invoice_ids
        invoice.button_draft()
        invoice.invoice_line_ids[:1].price_unit += 1.19
        invoice.action_post()
        published = self.publish_settlement(payload)
        settlement = self.upload(published)
        self.assertEqual(invoice.payment_state, "not_paid")
        sale = settlement.line_ids.filtered(lambda li: li.kind == "sale")
        self.assertEqual(set(sale.mapped("status")), {"mismatch"})
        self.assertEqual(sale.invoice_id, invoice)
        self.assertEqual(amount(sale[:1].invoice_amount), amount(invoice.amount_total))
        self.assertEqual(
            order.amazon_last_action,
            "Settlement differs from the invoice by 1.19 EUR",
        )
        self.assertEqual(settlement.unmatched_count, 1)

    def test_unbalanced_settlement_kept_in_error(self):
        payload, order = self.shipped_order()
        published = self.publish_settlement(payload, unbalanced=True)
        settlement = self.upload(published)
        self.assertEqual(settlement.state, "error")
        self.assertFalse(settlement.sudo().move_id)
        self.assertEqual(abs(amount(settlement.difference)), Decimal("1.00"))
        self.assertIn("difference", settlement.problems)
        self.assertTrue(settlement.line_ids, "the lines are kept to look at")
        with self.assertRaisesRegex(UserError, "cannot be booked"):
            settlement.action_post()
        self.assertEqual(order.invoice_ids.payment_state, "not_paid")
        # Amazon's corrected file of the same settlement replaces it, and is booked.
        corrected = self.publish_settlement(
            payload, settlement_id=published.settlement_id
        )
        self.assertEqual(self.upload(corrected), settlement)
        self.assertEqual(settlement.state, "posted", settlement.last_error)
        self.assertFalse(settlement.problems)
        self.assertEqual(order.invoice_ids.payment_state, "paid")
        self.assertEqual(
            len(settlement.line_ids),
            len(corrected.rows),
            "the old lines are gone",
        )

    def test_file_that_is_not_a_settlement_creates_nothing(self):
        before = self.env["amazon.settlement"].search_count([])
        for data in (
            b"sku\tquantity\nSKU-A\t3\n",
            b"",
            b"settlement-id\ttotal-amount\tcurrency\ttransaction-type\tamount-type\t"
            b"amount\n",
            # A header and an amount, but no summary row.
            b"settlement-id\ttotal-amount\tcurrency\ttransaction-type\tamount-type\t"
            b"amount\n12345678901\t\t\tOrder\tItemPrice\t10.00\n",
        ):
            with self.assertRaisesRegex(UserError, "cannot be imported as an Amazon"):
                self.env["amazon.settlement"].create_from_report(self.account, data)
        self.assertEqual(self.env["amazon.settlement"].search_count([]), before)
