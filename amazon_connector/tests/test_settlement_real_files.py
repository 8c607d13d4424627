# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Settlements as sellers get them (issue 19): a settlement using the whole
vocabulary of real V2 files books with nothing in suspense, each amount where an
accountant would; the same settlement under two report ids is imported once; bad
files import nothing; a rule added for an unknown type applies on Match Again.

The files are the simulator's (``vocabulary=True``: the rows of real files, each
with its source in ``amazon_simulator/settlement.py``) or made here in the V2
layout Amazon documents (Seller Central help on the V2 flat file), with the row
shapes of sellers' real files."""

from decimal import Decimal
from unittest.mock import patch

from amazon_simulator.settlement import COLUMNS

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_settlements import AmazonSettlementCommon


def amount(value):
    return Decimal(str(value)).quantize(Decimal("0.01"))


def v2_file(total, rows, currency="EUR"):
    """A V2 settlement flat file of Amazon.de (dotted dates, decimal commas): the
    summary row, then ``rows`` ({column: value})."""
    dates = {
        "settlement-start-date": "01.09.2026 00:20:09 UTC",
        "settlement-end-date": "07.09.2026 00:20:09 UTC",
        "deposit-date": "08.09.2026 00:20:09 UTC",
    }
    summary = {
        "settlement-id": "99988877766",
        **dates,
        "total-amount": total,
        "currency": currency,
    }
    lines = ["\t".join(COLUMNS), "\t".join(summary.get(c, "") for c in COLUMNS)]
    for row in rows:
        row = {"settlement-id": "99988877766", "posted-date": "05.09.2026", **row}
        lines.append("\t".join(row.get(c, "") for c in COLUMNS))
    return ("\n".join(lines) + "\n").encode()


@tagged("post_install", "-at_install")
class TestSettlementRealFiles(AmazonSettlementCommon):
    def input_vat(self):
        """A 19 % purchase tax with its tax grids, the company's default one."""
        company = self.account.company_id
        tags = self.env["account.account.tag"].create(
            [
                {"name": name, "applicability": "taxes", "country_id": country.id}
                for name, country in (
                    ("+66 input VAT", company.account_fiscal_country_id),
                    ("-66 input VAT", company.account_fiscal_country_id),
                )
            ]
        )
        vat_account = self.env["account.account"].create(
            {"code": "157600", "name": "Input VAT 19%", "account_type": "asset_current"}
        )
        repartition = [
            Command.create({"repartition_type": "base"}),
            Command.create(
                {
                    "repartition_type": "tax",
                    "account_id": vat_account.id,
                    "tag_ids": [Command.set(tags[:1].ids)],
                }
            ),
        ]
        refund_repartition = [
            Command.create({"repartition_type": "base"}),
            Command.create(
                {
                    "repartition_type": "tax",
                    "account_id": vat_account.id,
                    "tag_ids": [Command.set(tags[1:].ids)],
                }
            ),
        ]
        tax = self.env["account.tax"].create(
            {
                "name": "Input VAT 19% (test)",
                "amount": 19,
                "amount_type": "percent",
                "type_tax_use": "purchase",
                "company_id": company.id,
                "invoice_repartition_line_ids": repartition,
                "refund_repartition_line_ids": refund_repartition,
            }
        )
        company.account_purchase_tax_id = tax
        return tax, vat_account, tags

    def rows_of(self, published, *kinds, where=None):
        return [
            r
            for r in published.rows
            if (where is None or where(r))
            and (
                not kinds
                or (r["transaction-type"], r["amount-type"], r["amount-description"])
                in kinds
                or r["amount-type"] in kinds
                or r["transaction-type"] in kinds
            )
        ]

    def test_the_whole_vocabulary_books_with_nothing_in_suspense(self):
        tax, vat_account, tags = self.input_vat()
        shipped = [
            self.shipped_order(self.item(price=price), tracking=f"T{n}")
            for n, price in enumerate(("40.00", "55.00", "70.00"))
        ]
        published = self.publish_settlement(
            *(payload for payload, _order in shipped), vocabulary=True
        )
        settlement = self.upload(published)
        self.assertEqual(settlement.state, "posted", settlement.last_error)
        self.assertFalse(settlement.problems)
        self.assertEqual(len(settlement.line_ids), len(published.rows))
        suspense = settlement.line_ids.filtered(lambda li: li.treatment == "suspense")
        self.assertFalse(
            suspense,
            [
                (li.transaction_type, li.amount_type, li.amount_description, li.note)
                for li in suspense
            ],
        )
        self.assertEqual(settlement.amount_suspense, 0.0)
        move = settlement.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(amount(sum(move.line_ids.mapped("balance"))), 0)
        company = self.account.company_id
        # The payout is the settlement's total, on Amazon's receivable.
        payout_names = (
            f"Amazon payout {published.settlement_id}",
            f"Charged by Amazon, settlement {published.settlement_id}",
        )
        payout = move.line_ids.filtered(lambda li: li.name in payout_names)
        self.assertEqual(amount(payout.balance), published.total)

        def booked(account):
            return amount(sum(self.entry_lines(settlement, account).mapped("balance")))

        def total(rows):
            return amount(-sum(r["amount"] for r in rows))

        # Reimbursements on their income account, liquidations as a sale.
        self.assertEqual(
            booked(company._amazon_settlement_account("reimbursement")),
            total(
                self.rows_of(published, "FBA Inventory Reimbursement")
                + self.rows_of(
                    published,
                    ("other-transaction", "other-transaction", "SAFE-T reimbursement"),
                )
            ),
        )
        reimbursements = company._amazon_settlement_account("reimbursement")
        self.assertEqual(reimbursements.account_type, "income_other")
        liquidations = company._amazon_settlement_account("liquidation")
        self.assertEqual(liquidations.account_type, "income")
        self.assertEqual(
            booked(liquidations),
            total(
                self.rows_of(
                    published,
                    ("Liquidations", "other-transaction", "Liquidations"),
                )
            ),
        )
        # Tax on fee: input VAT, a tax line with its grid, not an expense.
        fee_tax_rows = self.rows_of(
            published, where=lambda r: r["amount-description"] == "Tax on fee"
        )
        self.assertEqual(booked(vat_account), total(fee_tax_rows))
        vat_items = self.entry_lines(settlement, vat_account)
        self.assertTrue(vat_items)
        self.assertEqual(vat_items.tax_repartition_line_id.tax_id, tax)
        self.assertEqual(vat_items.tax_tag_ids, tags[:1])
        self.assertTrue(all(vat_items.mapped("tax_base_amount")))
        # Coupons, deals, Vine and the cost of advertising: advertising.
        advertising = company._amazon_settlement_account("advertising")
        self.assertEqual(
            booked(advertising),
            total(
                self.rows_of(
                    published,
                    "Coupon Performance Based Fee",
                    "Deal Participation Fee",
                    "Vine Enrollment Fee",
                    "Cost of Advertising",
                    where=lambda r: r["amount-description"] != "Tax on fee",
                )
            ),
        )
        # Debt adjustments, transfers, micro deposits: Amazon's receivable.
        amazon_rows = self.rows_of(
            published,
            "Debt Adjustment",
            "Transfers",
            ("other-transaction", "other-transaction", "Payable to Amazon"),
            ("other-transaction", "other-transaction", "Successful charge"),
        )
        amazon_items = (
            move.line_ids.filtered(
                lambda li: li.partner_id.amazon_payout_marketplace_id
            )
            - payout
        )
        self.assertEqual(
            amount(sum(amazon_items.mapped("balance"))), total(amazon_rows)
        )
        self.assertEqual(set(amazon_items.mapped("account_type")), {"asset_receivable"})
        # Retrocharge pairs net to zero: nothing booked for them.
        self.assertFalse(move.line_ids.filtered(lambda li: "Retrocharge" in li.name))
        # Multi-Channel Fulfillment: fulfilment cost, never a buyer's payment.
        mcf = settlement.line_ids.filtered(
            lambda li: (li.marketplace_name or "").startswith("Non-Amazon")
        )
        self.assertTrue(mcf)
        self.assertEqual(set(mcf.mapped("treatment")), {"fee"})
        self.assertEqual(set(mcf.mapped("fee_type")), {"fba"})
        self.assertTrue(
            move.line_ids.filtered(lambda li: "Multi-Channel Fulfillment" in li.name)
        )
        # Chargebacks and A-to-z claims: refunds of their order, named so.
        for transaction in ("Chargeback Refund", "A-to-z Guarantee Claim"):
            lines = settlement.line_ids.filtered(
                lambda li, t=transaction: li.transaction_type == t
            )
            self.assertTrue(lines, transaction)
            self.assertEqual(set(lines.mapped("kind")), {"refund"})
            self.assertEqual(set(lines.mapped("treatment")), {"customer"})
            self.assertIn(transaction, lines.sudo().move_line_id.name)
        # The sales of the three orders are paid by the settlement.
        self.assertEqual(shipped[0][1].invoice_ids.payment_state, "paid")

    def test_the_same_settlement_under_two_report_ids_is_imported_once(self):
        payload, _order = self.shipped_order()
        # Both published in the same second, as Amazon writes the one settlement
        # twice (the simulator dates the file by its clock).
        state = self.simulator.state
        moment = state.now()
        with patch.object(state, "clock", lambda: moment):
            first = self.publish_settlement(payload, settlement_id="55566677788")
            second = self.publish_settlement(payload, settlement_id="55566677788")
        self.assertEqual(first.content, second.content)
        reports = [
            r for r in self.simulator.state.reports.values() if r.get("settlement")
        ]
        self.assertEqual(len({r["reportDocumentId"] for r in reports}), 2)
        self.fetch()
        settlements = self.env["amazon.settlement"].search(
            [("settlement_ref", "=", "55566677788")]
        )
        self.assertEqual(len(settlements), 1)
        self.assertEqual(len(settlements.line_ids), len(first.rows))
        self.assertEqual(settlements.state, "posted", settlements.last_error)
        # Uploaded again by hand: the same record, nothing doubled.
        again = self.upload(first, report_ref="another-report-id")
        self.assertEqual(again, settlements)
        self.assertEqual(len(settlements.line_ids), len(first.rows))
        self.assertEqual(
            self.env["account.move"].search_count(
                [("amazon_settlement_id", "=", settlements.id)]
            ),
            1,
        )

    def test_bad_files_import_nothing(self):
        payload, _order = self.shipped_order()
        published = self.publish_settlement(payload)
        lines = published.content.decode().splitlines()
        two_summaries = [lines[0], lines[1], *lines[1:]]
        cell_too_many = [*lines[:2], lines[2] + "\textra", *lines[3:]]
        us = self.publish_settlement(payload, decimal_comma=True, marketplace="US")
        cases = {
            "two summary rows": ("\n".join(two_summaries), "more than one summary row"),
            "25 cells": ("\n".join(cell_too_many), "has 25 cells but the header"),
            "1.234,56 in USD": (us.content.decode(), "not written as USD amounts"),
        }
        for name, (content, message) in cases.items():
            with self.subTest(name):
                with self.assertRaisesRegex(UserError, message):
                    self.env["amazon.settlement"].create_from_report(
                        self.account, content.encode()
                    )
                self.assertFalse(self.env["amazon.settlement"].search([]))

    def test_an_mcf_order_id_is_never_a_buyers_payment(self):
        """Issue 19's bad input: an Order row whose order-id is a Multi-Channel
        Fulfillment id matching no Amazon order; and a buyer's amount on a
        "Non-Amazon" marketplace row."""
        content = v2_file(
            "7,50",
            [
                {
                    "transaction-type": "Order",
                    "order-id": "MCF-1042",
                    "marketplace-name": "Amazon.de",
                    "amount-type": "ItemPrice",
                    "amount-description": "Principal",
                    "amount": "12,00",
                },
                {
                    "transaction-type": "Order",
                    "order-id": "MCF-1043",
                    "marketplace-name": "Non-Amazon DE",
                    "amount-type": "ItemPrice",
                    "amount-description": "Principal",
                    "amount": "0,00",
                },
                {
                    "transaction-type": "Order",
                    "order-id": "MCF-1043",
                    "marketplace-name": "Non-Amazon DE",
                    "amount-type": "ItemFees",
                    "amount-description": "FBAPerUnitFulfillmentFee",
                    "amount": "-4,50",
                },
            ],
        )
        settlement = self.env["amazon.settlement"].create_from_report(
            self.account, content
        )
        self.assertEqual(settlement.state, "posted", settlement.last_error)
        wrong, non_amazon, fee = settlement.line_ids.sorted("sequence")
        self.assertEqual(wrong.status, "unmatched")
        self.assertIn("Not an Amazon order number", wrong.note)
        suspense = self.account.company_id._amazon_settlement_account("suspense")
        self.assertEqual(wrong.sudo().move_line_id.account_id, suspense)
        self.assertFalse(wrong.sudo().move_line_id.partner_id)
        self.assertEqual(non_amazon.treatment, "suspense")
        self.assertIn("Multi-Channel Fulfillment", non_amazon.note)
        self.assertEqual((fee.treatment, fee.fee_type), ("fee", "fba"))

    def test_a_rule_added_for_an_unknown_type_applies_on_match_again(self):
        payload, order = self.shipped_order()
        published = self.publish_settlement(payload, unknown_amount_type=True)
        settlement = self.upload(published)
        self.assertEqual(settlement.state, "posted", settlement.last_error)
        unknown = settlement.line_ids.filtered(lambda li: li.treatment == "suspense")
        self.assertEqual(len(unknown), 1)
        self.assertEqual(settlement.unmatched_count, 1)
        company = self.account.company_id
        suspense = company._amazon_settlement_account("suspense")
        # Match Again without a rule: still listed.
        settlement.action_match()
        self.assertEqual(unknown.treatment, "suspense")
        self.env["amazon.settlement.mapping"].create(
            {
                "company_id": company.id,
                "amount_type": unknown.amount_type,
                "treatment": "fee",
                "fee_type": "other",
            }
        )
        settlement.action_match()
        self.assertEqual((unknown.treatment, unknown.status), ("fee", "booked"))
        self.assertEqual(unknown.mapping_id.amount_type, unknown.amount_type)
        self.assertEqual(settlement.unmatched_count, 0)
        self.assertEqual(settlement.amount_suspense, 0.0)
        items = self.env["account.move.line"].search(
            [("account_id", "=", suspense.id), ("parent_state", "=", "posted")]
        )
        self.assertEqual(amount(sum(items.mapped("balance"))), 0)
        self.assertTrue(all(items.mapped("reconciled")))
        other_fees = company._amazon_settlement_account("other")
        moved = unknown.sudo().move_line_id
        self.assertEqual(moved.account_id, other_fees)
        self.assertEqual(amount(moved.balance), amount(-unknown.amount))
        self.assertEqual(order.invoice_ids.payment_state, "paid")

    def _settlement_with_an_unknown_amount(self):
        payload, _order = self.shipped_order()
        settlement = self.upload(
            self.publish_settlement(payload, unknown_amount_type=True)
        )
        self.assertEqual(settlement.state, "posted", settlement.last_error)
        unknown = settlement.line_ids.filtered(lambda li: li.treatment == "suspense")
        self.assertEqual(len(unknown), 1)
        return settlement, unknown

    def _rule_for(self, line):
        return self.env["amazon.settlement.mapping"].create(
            {
                "company_id": self.account.company_id.id,
                "amount_type": line.amount_type,
                "treatment": "fee",
                "fee_type": "other",
            }
        )

    def test_match_again_leaves_an_amount_the_accountant_cleared_by_hand(self):
        settlement, unknown = self._settlement_with_an_unknown_amount()
        company = self.account.company_id
        item = unknown.sudo().move_line_id
        elsewhere = company._amazon_settlement_account("other")
        by_hand = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": settlement.move_id.journal_id.id,
                "line_ids": [
                    (
                        0,
                        0,
                        {"account_id": item.account_id.id, "balance": -item.balance},
                    ),
                    (0, 0, {"account_id": elsewhere.id, "balance": item.balance}),
                ],
            }
        )
        by_hand.action_post()
        (
            item
            | by_hand.line_ids.filtered(lambda li: li.account_id == item.account_id)
        ).reconcile()
        self.assertTrue(item.reconciled)
        self._rule_for(unknown)
        entries = self.env["account.move"].search_count([])
        settlement.action_match()
        self.assertEqual(unknown.treatment, "suspense", "the accountant's, untouched")
        self.assertEqual(unknown.sudo().move_line_id, item)
        self.assertEqual(self.env["account.move"].search_count([]), entries)

    def test_a_settlement_matched_again_is_not_booked_twice(self):
        settlement, unknown = self._settlement_with_an_unknown_amount()
        self._rule_for(unknown)
        settlement.action_match()
        reclassified = unknown.sudo().move_line_id.move_id
        self.assertNotEqual(reclassified, settlement.move_id)
        move = settlement.move_id
        move.button_draft()
        move.unlink()
        with self.assertRaisesRegex(UserError, "moved out of suspense"):
            settlement.action_post()
        self.assertFalse(settlement.move_id, "nothing booked")
        # Reversed and deleted, the settlement books again, once.
        reclassified.button_draft()
        reclassified.unlink()
        settlement.action_post()
        self.assertEqual(settlement.state, "posted")
        self.assertEqual(unknown.treatment, "fee")
        self.assertEqual(unknown.sudo().move_line_id.move_id, settlement.move_id)

    def test_a_rule_added_applies_to_a_settlement_not_booked_yet(self):
        self.account.settlement_auto_post = False
        payload, _order = self.shipped_order()
        published = self.publish_settlement(payload, unknown_amount_type=True)
        settlement = self.upload(published)
        self.assertEqual(settlement.state, "draft")
        unknown = settlement.line_ids.filtered(lambda li: li.treatment == "suspense")
        self.env["amazon.settlement.mapping"].create(
            {
                "company_id": self.account.company_id.id,
                "amount_type": unknown.amount_type,
                "treatment": "reimbursement",
            }
        )
        settlement.action_match()
        self.assertEqual(
            (unknown.treatment, unknown.status), ("reimbursement", "pending")
        )
        settlement.action_post()
        self.assertEqual(settlement.state, "posted")
        self.assertEqual(settlement.unmatched_count, 0)
        self.assertEqual(
            unknown.sudo().move_line_id.account_id,
            self.account.company_id._amazon_settlement_account("reimbursement"),
        )
