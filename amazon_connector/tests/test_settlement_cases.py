# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Settlements as accountants meet them: refunds, the tax Amazon withholds,
negative settlements, unknown amounts, other companies and accounts, entries
deleted, journals in another currency, the mapping edited."""

from datetime import timedelta
from decimal import Decimal

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from . import order_factory as factory
from .common_settlements import AmazonSettlementCommon


def amount(value):
    return Decimal(str(value)).quantize(Decimal("0.01"))


@tagged("post_install", "-at_install")
class TestSettlementCases(AmazonSettlementCommon):
    def test_refund_makes_and_pays_the_credit_note(self):
        payload, order = self.shipped_order(self.item(price="60.00"))
        invoice = order.invoice_ids
        published = self.publish_settlement(payload, refund_share=1.0)
        settlement = self.upload(published)
        refund = settlement.line_ids.filtered(
            lambda li: li.kind == "refund" and li.treatment == "customer"
        )
        self.assertTrue(refund, "the simulator refunded the order")
        # The credit note names no order line: the invoice's reversal.
        credit_note = order._amazon_refund_credit_notes()
        self.assertEqual(len(credit_note), 1)
        self.assertEqual(credit_note.reversed_entry_id, invoice)
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(invoice.payment_state, "paid")
        # Odoo calls a credit note settled by a journal entry "Reversed".
        self.assertEqual(credit_note.amount_residual, 0.0)
        self.assertEqual(credit_note.payment_state, "reversed")
        self.assertEqual(set(refund.mapped("status")), {"matched"})
        self.assertEqual(refund.invoice_id, credit_note)
        # The order tells what was refunded (the settlement's refund story).
        self.assertTrue(order.amazon_last_action.startswith("Refunded 1 of 1 items"))
        # Refund fees are fees: the commission Amazon gives back less its own.
        refund_fees = settlement.line_ids.filtered(
            lambda li: (
                li.kind == "other"
                and li.transaction_type == "Refund"
                and li.treatment == "fee"
            )
        )
        self.assertEqual(set(refund_fees.mapped("fee_type")), {"commission"})

    def test_refund_without_credit_note_option_is_listed(self):
        self.account.settlement_create_credit_notes = False
        payload, order = self.shipped_order(self.item(price="60.00"))
        published = self.publish_settlement(payload, refund_share=1.0)
        settlement = self.upload(published)
        refund = settlement.line_ids.filtered(
            lambda li: li.kind == "refund" and li.treatment == "customer"
        )
        self.assertEqual(set(refund.mapped("status")), {"unmatched"})
        self.assertFalse(order._amazon_refund_credit_notes())
        self.assertEqual(order.invoice_ids.payment_state, "paid", "the sale is paid")
        self.assertEqual(settlement.unmatched_count, 1)

    def test_facilitator_tax_withheld_nets_to_zero(self):
        us = self.simulator_account(
            "Amazon US", "na", self.marketplace_us, invoice_policy="shipped"
        )
        payload = factory.order(
            [factory.item("SKU-A", 1, "40.00")],
            marketplace="US",
            facilitator=True,
            updated=fields.Datetime.now() - timedelta(minutes=9),
        )
        order = self.import_one(payload, us)
        self.ship(self.delivery(order), tracking="US1")
        invoice = order.invoice_ids
        self.assertEqual(invoice.state, "posted")
        published = self.publish_settlement(payload, advertising=None)
        withheld = [r for r in published.rows if r["amount-type"] == "ItemWithheldTax"]
        self.assertTrue(withheld, "Amazon withholds the US sales tax")
        settlement = self.upload(published, us)
        self.assertEqual(settlement.state, "posted", settlement.last_error)
        self.assertEqual(invoice.payment_state, "paid")
        clearing = us.company_id._amazon_facilitator_account()
        items = self.env["account.move.line"].search(
            [("account_id", "=", clearing.id), ("parent_state", "=", "posted")]
        )
        self.assertTrue(items.filtered(lambda li: li.move_id == invoice))
        self.assertTrue(items.filtered(lambda li: li.move_id == settlement.move_id))
        self.assertEqual(amount(sum(items.mapped("balance"))), Decimal("0.00"))

    def test_negative_settlement_is_payable_to_amazon(self):
        payload, _order = self.shipped_order()
        published = self.publish_settlement(payload, negative=True)
        self.assertLess(published.total, 0)
        settlement = self.upload(published)
        self.assertEqual(settlement.state, "posted", settlement.last_error)
        payout = settlement.move_id.line_ids.filtered(
            lambda li: li.partner_id.amazon_payout_marketplace_id
        )
        self.assertEqual(payout.account_id.account_type, "liability_payable")
        self.assertEqual(amount(payout.balance), published.total)

    def test_unknown_amount_goes_to_suspense_and_is_listed(self):
        payload, order = self.shipped_order()
        published = self.publish_settlement(payload, unknown_amount_type=True)
        settlement = self.upload(published)
        self.assertEqual(settlement.state, "posted", settlement.last_error)
        unknown = settlement.line_ids.filtered(lambda li: li.treatment == "suspense")
        self.assertEqual(len(unknown), 1)
        self.assertEqual(unknown.status, "suspense")
        self.assertIn(unknown, settlement.review_line_ids)
        self.assertEqual(settlement.unmatched_count, 1)
        suspense = self.account.company_id._amazon_settlement_account("suspense")
        self.assertEqual(
            amount(sum(self.entry_lines(settlement, suspense).mapped("balance"))),
            amount(-unknown.amount),
        )
        self.assertEqual(order.invoice_ids.payment_state, "paid")

    def test_settlement_of_another_marketplace_is_refused(self):
        payload, _order = self.shipped_order()
        published = self.publish_settlement(payload)
        france_only = self.simulator_account(
            "Amazon FR", "eu", self.marketplace_fr, seller_id="A2OTHERSELLER"
        )
        with self.assertRaisesRegex(UserError, "Amazon.de"):
            self.upload(published, france_only)
        self.assertFalse(self.settlement(published.settlement_id, france_only))
        # Imported in its account, it is not another account's to take.
        self.upload(published)
        with self.assertRaisesRegex(UserError, "belongs to"):
            self.upload(published, france_only)

    def test_invoice_of_another_company_is_ignored(self):
        payload, order = self.shipped_order(self.item(price="45.00"))
        other = self.env["res.company"].create({"name": "Other Seller GmbH"})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=other, install_demo=False
        )
        stranger = self.env["res.partner"].create(
            {"name": "Stranger", "company_id": other.id}
        )
        foreign = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": stranger.id,
                    "ref": payload["orderId"],
                    "invoice_line_ids": [
                        (0, 0, {"name": "x", "quantity": 1, "price_unit": 45.0})
                    ],
                }
            )
        )
        foreign.action_post()
        settlement = self.upload(self.publish_settlement(payload))
        sale = settlement.line_ids.filtered(lambda li: li.kind == "sale")
        self.assertEqual(sale.invoice_id, order.invoice_ids)
        self.assertEqual(foreign.payment_state, "not_paid")
        self.assertEqual(order.invoice_ids.payment_state, "paid")

    def test_deleted_entry_can_be_booked_again(self):
        payload, order = self.shipped_order()
        settlement = self.upload(self.publish_settlement(payload))
        move = settlement.move_id
        move.button_draft()
        self.assertEqual(settlement.state, "draft")
        self.assertEqual(order.invoice_ids.payment_state, "not_paid")
        move.unlink()
        self.assertFalse(settlement.move_id)
        self.assertEqual(settlement.state, "draft")
        settlement.action_post()
        self.assertEqual(settlement.state, "posted")
        self.assertNotEqual(settlement.move_id, move)
        self.assertEqual(order.invoice_ids.payment_state, "paid")
        # Booking a booked settlement again changes nothing.
        booked = settlement.move_id
        settlement.action_post()
        self.assertEqual(settlement.move_id, booked)

    def test_journal_in_another_currency_refuses_to_book(self):
        journal_currency = self.env.ref("base.GBP")
        journal_currency.active = True
        journal = self.env["account.journal"].create(
            {
                "name": "Amazon other currency",
                "code": "AMZX",
                "type": "general",
                "currency_id": journal_currency.id,
            }
        )
        self.account.settlement_journal_id = journal
        payload, order = self.shipped_order()
        published = self.publish_settlement(payload)
        settlement = self.upload(published)
        self.assertEqual(settlement.state, "draft")
        self.assertIn("keeps its entries in", settlement.last_error)
        self.assertEqual(order.invoice_ids.payment_state, "not_paid")
        with self.assertRaisesRegex(UserError, "keeps its entries in"):
            settlement.action_post()
        self.account.settlement_journal_id = False
        settlement.action_post()
        self.assertEqual(order.invoice_ids.payment_state, "paid")

    def test_mapping_sends_a_fee_to_the_accountants_account_and_tax(self):
        company = self.account.company_id
        rules = self.env["amazon.settlement.mapping"]._amazon_rules(company)
        marketing = self.env["account.account"].create(
            {
                "code": "623100",
                "name": "Marketplace commissions",
                "account_type": "expense",
            }
        )
        tax = self.env["account.tax"].create(
            {
                "name": "Input VAT 19%",
                "amount": 19,
                "amount_type": "percent",
                "type_tax_use": "purchase",
            }
        )
        commission_rule = rules.filtered(
            lambda r: r.amount_description == "*Commission"
        )
        commission_rule.write({"account_id": marketing.id, "tax_id": tax.id})
        payload, _order = self.shipped_order(self.item(price="119.00"))
        published = self.publish_settlement(payload)
        settlement = self.upload(published)
        self.assertEqual(settlement.state, "posted", settlement.last_error)
        commission = -sum(
            r["amount"]
            for r in published.rows
            if r["amount-description"] == "Commission"
        )
        base = self.entry_lines(settlement, marketing).filtered("tax_ids")
        self.assertEqual(base.tax_ids, tax)
        tax_line = settlement.move_id.line_ids.filtered("tax_repartition_line_id")
        self.assertEqual(
            amount(base.balance + sum(tax_line.mapped("balance"))), commission
        )
        self.assertEqual(amount(base.balance), amount(float(commission) / 1.19))
        self.assertEqual(settlement.move_id.state, "posted")

    def test_payout_proposed_for_the_bank_transfer(self):
        payload, _order = self.shipped_order(self.item(quantity=3, price="90.00"))
        published = self.publish_settlement(payload, advertising=None)
        settlement = self.upload(published)
        company = self.account.company_id
        model = self.env["account.reconcile.model"].search(
            [("company_id", "=", company.id), ("amazon_payouts", "=", True)]
        )
        self.assertEqual(model.rule_type, "invoice_matching")
        payout = settlement.move_id.line_ids.filtered(
            lambda li: li.partner_id.amazon_payout_marketplace_id
        )
        bank = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        )
        st_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": bank.id,
                "date": fields.Date.today(),
                "payment_ref": f"AMAZON PAYMENTS EUROPE {published.settlement_id}",
                "amount": float(published.total),
                "foreign_currency_id": (
                    settlement.currency_id.id
                    if settlement.currency_id != bank.currency_id
                    and settlement.currency_id != company.currency_id
                    else False
                ),
                "amount_currency": float(published.total)
                if settlement.currency_id != company.currency_id
                else 0.0,
            }
        )
        candidates = self.env["account.move.line"].search(
            st_line._get_default_amls_matching_domain()
        )
        self.assertIn(payout, candidates, "the bank reconciliation offers the payout")
        # Reconciled as the bank reconciliation does: the transfer's counterpart
        # on the payout's account, matched with it.
        _liquidity, suspense, _other = st_line._seek_for_lines()
        suspense.write(
            {"account_id": payout.account_id.id, "partner_id": payout.partner_id.id}
        )
        (suspense | payout).reconcile()
        self.assertTrue(payout.reconciled)

    def test_invoices_awaiting_settlement_and_overdue(self):
        payload, order = self.shipped_order()
        invoice = order.invoice_ids
        self.assertEqual(invoice.amazon_account_id, self.account)
        self.assertEqual(self.account.awaiting_settlement_count, 1)
        self.assertEqual(self.account.overdue_settlement_count, 0)
        invoice.invoice_date_due = self.today() - timedelta(days=1)
        self.account.invalidate_recordset(["overdue_settlement_count"])
        self.assertEqual(self.account.overdue_settlement_count, 1)
        self.upload(self.publish_settlement(payload))
        self.account.invalidate_recordset(
            ["awaiting_settlement_count", "overdue_settlement_count"]
        )
        self.assertEqual(self.account.awaiting_settlement_count, 0)
        self.assertEqual(self.account.overdue_settlement_count, 0)

    def test_fetch_routes_another_marketplace_to_its_account(self):
        us = self.simulator_account("Amazon US", "na", self.marketplace_us)
        payload_de, order_de = self.shipped_order()
        published_de = self.publish_settlement(payload_de)
        payload_us = factory.order(
            [factory.item("SKU-B", 1, "55.00")],
            marketplace="US",
            updated=fields.Datetime.now() - timedelta(minutes=9),
        )
        order_us = self.import_one(payload_us, us)
        self.ship(self.delivery(order_us), tracking="US2")
        published_us = self.publish_settlement(payload_us, advertising=None)
        self.fetch(self.account)
        self.assertTrue(self.settlement(published_de.settlement_id))
        routed = self.settlement(published_us.settlement_id, us)
        self.assertTrue(routed, "the US settlement went to the US account")
        self.assertEqual(routed.marketplace_id, self.marketplace_us)
        self.assertEqual(order_us.invoice_ids.payment_state, "paid")
        self.assertEqual(order_de.invoice_ids.payment_state, "paid")
        self.assertTrue(self.account.settlements_fetched_until)
        # A second fetch downloads nothing again.
        downloads = len(self.job_run.performed)
        self.fetch(self.account)
        self.assertEqual(len(self.job_run.performed), 0, "nothing downloaded again")
        self.assertEqual(downloads, 2, "one import job per report")

    def test_fetch_of_an_archived_account_does_nothing(self):
        self.account.active = False
        result = self.fetch(self.account)
        self.assertIn("archived", result)
        self.assertFalse(self.env["amazon.settlement"].search([]))

    def test_accountant_books_without_amazon_rights(self):
        self.account.settlement_auto_post = False
        payload, order = self.shipped_order()
        settlement = self.upload(self.publish_settlement(payload))
        self.assertEqual(settlement.state, "draft")
        accountant = self.env["res.users"].create(
            {
                "name": "Accountant",
                "login": "settlement-accountant",
                "groups_id": [
                    (6, 0, [self.env.ref("account.group_account_invoice").id])
                ],
            }
        )
        settlement.with_user(accountant).action_post()
        self.assertEqual(settlement.state, "posted")
        self.assertEqual(order.invoice_ids.payment_state, "paid")
        salesman = self.env["res.users"].create(
            {
                "name": "Amazon user",
                "login": "settlement-amazon-user",
                "groups_id": [
                    (6, 0, [self.env.ref("amazon_connector.group_amazon_user").id])
                ],
            }
        )
        other = self.upload(self.publish_settlement(self.shipped_order()[0]))
        with self.assertRaises(UserError):
            other.with_user(salesman).action_post()
