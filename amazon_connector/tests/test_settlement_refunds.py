# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Every refund of a settlement becomes the credit note it is, reconciled to the
cent: full, partial, shipping only, goodwill, restocking fee, promotions taken
back, chargebacks, A-to-z claims, tax included (DE) and excluded (US), with
retrocharges; and the bad inputs (more than the invoice, no invoice yet, a
canceled order, an order never imported).

The settlement files are the simulator's (its sale rows of the order) with the
refund rows added in the shape of Amazon's V2 settlement flat file (Seller
Central help: Refund / ItemPrice / Principal, Tax, Shipping, ShippingTax,
quantity-purchased on the Principal row; Promotion / Principal) and the charge
types of the Finances API v0 ChargeComponent list (Goodwill, RestockingFee;
ChargebackEventList, GuaranteeClaimEventList, RetrochargeEventList: financesV0.json
in amzn/selling-partner-api-models)."""

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from unittest.mock import patch

from amazon_simulator.settlement import _render

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from . import order_factory as factory
from .common_settlements import AmazonSettlementCommon

R = "Refund"
#: One lamp of 24.90 given back (VAT 19 % apart, as Amazon.de writes it).
LAMP = [(R, "ItemPrice", "Principal", "-20.92", 1), (R, "ItemPrice", "Tax", "-3.98", 0)]


def amount(value):
    return Decimal(str(value)).quantize(Decimal("0.01"))


@tagged("post_install", "-at_install")
class TestSettlementRefunds(AmazonSettlementCommon):
    # ------------------------------------------------------------------ helpers

    def sold(self, *items, **options):
        """An order shipped and invoiced, and the simulator's settlement of its
        sale: (payload, order, published)."""
        payload, order = self.shipped_order(*items, **options)
        published = self.publish_settlement(payload, advertising=None, reserve=False)
        return payload, order, published

    def refund_file(self, published, payload, refunds, *, sale=True, ref=None):
        """``published`` with the refund rows ``refunds`` of ``payload``'s first
        item, each ``(transaction-type, amount-type, description, amount,
        units)``; without the sale's rows unless ``sale``."""
        marketplace = published.marketplace
        rows = [r for r in published.rows if sale or not r["order-id"]]
        posted = published.end
        for transaction, amount_type, description, value, units, *index in refunds:
            # A sixth value: the index of the refunded item (default the first).
            item = payload["orderItems"][index[0] if index else 0]
            rows.append(
                {
                    "transaction-type": transaction,
                    "order-id": payload["orderId"],
                    "marketplace-name": marketplace.name,
                    "amount-type": amount_type,
                    "amount-description": description,
                    "amount": Decimal(value),
                    "fulfillment-id": "MFN",
                    "posted-date": posted.date(),
                    "posted-at": posted,
                    "order-item-code": item["orderItemId"],
                    "sku": item["product"]["sellerSku"],
                    "quantity-purchased": units or "",
                    "adjustment-id": "55500011122233",
                }
            )
        total = sum((r["amount"] for r in rows), Decimal(0))
        ref = ref or published.settlement_id
        content = _render(
            rows,
            ref,
            published.start,
            published.end,
            published.deposit_date,
            total,
            marketplace,
            published.options["decimal_comma"],
            published.options["date_style"] or marketplace.settlement_date_style,
        )
        return SimpleNamespace(settlement_id=ref, content=content, rows=rows)

    def book(self, published, payload, refunds, account=None, **options):
        """Upload ``published`` with ``refunds``: (settlement, file)."""
        file = self.refund_file(published, payload, refunds, **options)
        settlement = self.upload(file, account)
        self.assertEqual(settlement.state, "posted", settlement.last_error)
        return settlement, file

    def refund_lines(self, settlement):
        return settlement.line_ids.filtered(
            lambda li: li.kind == "refund" and li.treatment == "customer"
        )

    def invoice_of(self, order):
        return order.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")

    def assertSettledToTheCent(self, order, *files):
        """The invoice less the credit notes is what the buyer paid Amazon for
        the order less what Amazon gave back (retrocharges aside), to the cent;
        every credit note and the invoice paid."""
        ref = order.amazon_order_ref
        paid = sum(
            (
                r["amount"]
                for file in files
                for r in file.rows
                if r["order-id"] == ref
                and r["amount-type"] in ("ItemPrice", "Promotion")
                and "retrocharge" not in r["transaction-type"].casefold()
            ),
            Decimal(0),
        )
        invoice = self.invoice_of(order)
        credit_notes = order._amazon_refund_credit_notes()
        self.assertTrue(credit_notes)
        self.assertEqual(
            amount(invoice.amount_total - sum(credit_notes.mapped("amount_total"))),
            paid,
        )
        self.assertEqual(invoice.payment_state, "paid")
        for credit_note in credit_notes:
            self.assertEqual(credit_note.reversed_entry_id, invoice)
            self.assertEqual(credit_note.amazon_account_id, invoice.amazon_account_id)
            self.assertEqual(credit_note.ref, invoice.ref)
            self.assertEqual(amount(credit_note.amount_residual), 0)
        return credit_notes

    def goods_line(self, move):
        return move.invoice_line_ids.filtered(
            lambda li: li.sale_line_ids.product_id.type == "consu"
        )

    # ------------------------------------------------------------------ shapes

    def test_full_refund_is_the_whole_invoice(self):
        payload, order, published = self.sold(self.item(quantity=3, price="24.90"))
        refunds = [
            (
                R,
                "ItemPrice",
                r["amount-description"],
                -r["amount"],
                r.get("quantity-purchased"),
            )
            for r in published.rows
            if r["order-id"] == payload["orderId"] and r["amount-type"] == "ItemPrice"
        ]
        settlement, file = self.book(published, payload, refunds)
        credit_note = self.assertSettledToTheCent(order, file)
        invoice = self.invoice_of(order)
        self.assertEqual(amount(credit_note.amount_total), amount(invoice.amount_total))
        self.assertEqual(
            len(credit_note.invoice_line_ids), len(invoice.invoice_line_ids)
        )
        self.assertEqual(
            set(self.refund_lines(settlement).mapped("status")), {"matched"}
        )
        self.assertEqual(self.refund_lines(settlement).invoice_id, credit_note)
        # Amazon's refund is the credit note: the order's quantities stay.
        self.assertEqual(
            order.order_line.filtered("amazon_order_item_id").qty_invoiced, 3
        )
        self.assertFalse(credit_note.invoice_line_ids.sale_line_ids)

    def test_partial_refund_of_one_of_three_with_retrocharge_tells_the_story(self):
        payload, order, published = self.sold(self.item(quantity=3, price="24.90"))
        product = self.goods_line(self.invoice_of(order)).product_id
        returned = self.env["amazon.return"].create(
            {
                "account_id": self.account.id,
                "order_id": order.id,
                "amazon_order_ref": order.amazon_order_ref,
                "fulfillment_channel": "amazon",
                "license_plate_number": "LPNRR0000001",
                "reason": "Item defective",
                "delivered_date": date(2026, 12, 3),
                "line_ids": [(0, 0, {"product_id": product.id, "quantity": 1})],
            }
        )
        settlement, file = self.book(
            published,
            payload,
            [
                (R, "ItemPrice", "Principal", "-20.92", 1),
                (R, "ItemPrice", "Tax", "-3.98", 0),
                (R, "ItemFees", "Commission", "3.73", 0),
                # Tax Amazon charges back and pays again: not the buyer's money.
                ("Refund_Retrocharge", "ItemPrice", "Base Tax", "1.50", 0),
                ("Refund_Retrocharge", "ItemPrice", "Base Tax", "-1.50", 0),
            ],
        )
        credit_note = self.assertSettledToTheCent(order, file)
        self.assertEqual(amount(credit_note.amount_total), Decimal("24.90"))
        line = credit_note.invoice_line_ids
        invoice_line = self.goods_line(self.invoice_of(order))
        self.assertEqual(len(line), 1)
        self.assertEqual(line.product_id, invoice_line.product_id)
        self.assertEqual(line.account_id, invoice_line.account_id)
        self.assertEqual(line.tax_ids, invoice_line.tax_ids)
        self.assertEqual(line.quantity, 1)
        self.assertFalse(line.sale_line_ids)
        self.assertEqual(invoice_line.sale_line_ids.qty_invoiced, 3)
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertEqual(
            set(self.refund_lines(settlement).mapped("status")), {"matched"}
        )
        retro = settlement.line_ids.filtered(
            lambda li: li.transaction_type == "Refund_Retrocharge"
        )
        self.assertEqual(set(retro.mapped("treatment")), {"facilitator_tax"})
        # The return is refunded by it; the order tells the story.
        self.assertEqual(returned.credit_note_id, credit_note)
        self.assertEqual(returned.state, "refunded")
        self.assertEqual(
            order.amazon_last_action,
            "Refunded 1 of 3 items (24.90 EUR, item defective); "
            "return received 2026-12-03",
        )
        self.assertEqual(order.amazon_credit_note_ids, credit_note)
        arch = self.env["sale.order"].get_view(view_type="form")["arch"]
        self.assertIn('name="amazon_credit_note_ids"', arch, "the Amazon page lists it")
        # Matching again, booking again: no second credit note.
        settlement.action_match()
        settlement.move_id.button_draft()
        settlement.move_id.unlink()
        settlement.action_post()
        self.assertEqual(order._amazon_refund_credit_notes(), credit_note)
        self.assertEqual(
            set(self.refund_lines(settlement).mapped("status")), {"matched"}
        )
        self.assertEqual(amount(credit_note.amount_residual), 0)

    def test_shipping_only(self):
        payload, order, published = self.sold(
            self.item(quantity=1, price="24.90", shipping="4.90")
        )
        _settlement, file = self.book(
            published,
            payload,
            [
                (R, "ItemPrice", "Shipping", "-4.12", 0),
                (R, "ItemPrice", "ShippingTax", "-0.78", 0),
            ],
        )
        credit_note = self.assertSettledToTheCent(order, file)
        self.assertEqual(amount(credit_note.amount_total), Decimal("4.90"))
        self.assertEqual(
            credit_note.invoice_line_ids.product_id,
            self.account.company_id.amazon_shipping_product_id,
        )
        self.assertEqual(order.amazon_last_action, "Refunded 4.90 EUR, no items")

    def test_goodwill_only(self):
        payload, order, published = self.sold(self.item(quantity=2, price="24.90"))
        _settlement, file = self.book(
            published, payload, [(R, "ItemPrice", "Goodwill", "-5.00", 0)]
        )
        credit_note = self.assertSettledToTheCent(order, file)
        self.assertEqual(amount(credit_note.amount_total), Decimal("5.00"))
        goodwill = credit_note.invoice_line_ids
        goods = self.goods_line(self.invoice_of(order))
        self.assertFalse(goodwill.product_id)
        self.assertIn("Goodwill", goodwill.name)
        self.assertEqual(goodwill.account_id, goods.account_id)
        self.assertEqual(goodwill.tax_ids, goods.tax_ids)
        self.assertEqual(goods.sale_line_ids.qty_invoiced, 2, "no unit came back")
        self.assertIn(credit_note, order.amazon_credit_note_ids)

    def test_restocking_fee_reduces_the_credit_note(self):
        payload, order, published = self.sold(self.item(quantity=3, price="24.90"))
        _settlement, file = self.book(
            published,
            payload,
            [
                (R, "ItemPrice", "Principal", "-20.92", 1),
                (R, "ItemPrice", "Tax", "-3.98", 0),
                (R, "ItemPrice", "RestockingFee", "4.98", 0),
            ],
        )
        credit_note = self.assertSettledToTheCent(order, file)
        self.assertEqual(amount(credit_note.amount_total), Decimal("19.92"))
        fee = credit_note.invoice_line_ids.filtered(lambda li: li.price_unit < 0)
        self.assertEqual(amount(fee.price_total), Decimal("-4.98"))
        # README's worked example: 16.74 untaxed, 3.18 VAT.
        self.assertEqual(amount(credit_note.amount_untaxed), Decimal("16.74"))
        self.assertEqual(amount(credit_note.amount_tax), Decimal("3.18"))
        invoice = self.invoice_of(order)
        self.assertEqual(
            amount(invoice.amount_total - credit_note.amount_total), Decimal("54.78")
        )

    def test_promotion_taken_back(self):
        # A tax-included file (Amazon's VAT-included shape: no Tax rows).
        payload, order, published = self.sold(
            self.item(quantity=2, price="24.90", discount="5.00"), vat_included=True
        )
        _settlement, file = self.book(
            published,
            payload,
            [
                (R, "ItemPrice", "Principal", "-24.90", 1),
                (R, "Promotion", "Principal", "5.00", 0),
            ],
        )
        credit_note = self.assertSettledToTheCent(order, file)
        self.assertEqual(amount(credit_note.amount_total), Decimal("19.90"))
        promotion = credit_note.invoice_line_ids.filtered(
            lambda li: (
                li.product_id == self.account.company_id.amazon_promotion_product_id
            )
        )
        self.assertEqual(amount(promotion.price_total), Decimal("-5.00"))

    def test_promotion_taken_back_with_the_tax_row_of_the_item(self):
        # Amazon's shape with the VAT apart: the item's Tax row holds the VAT
        # the promotion took off (3.98 on the unit less 0.40 on its 2.10 net
        # promotion share). Only the refund is settled here.
        payload, order, published = self.sold(
            self.item(quantity=2, price="24.90", discount="5.00")
        )
        settlement, _file = self.book(
            published,
            payload,
            [
                (R, "ItemPrice", "Principal", "-20.92", 1),
                (R, "ItemPrice", "Tax", "-3.58", 0),
                (R, "Promotion", "Principal", "2.10", 0),
            ],
            sale=False,
        )
        credit_note = order._amazon_refund_credit_notes()
        self.assertEqual(amount(credit_note.amount_total), Decimal("22.40"))
        goods = credit_note.invoice_line_ids.filtered(
            lambda li: li.product_id == self.product_a
        )
        self.assertEqual((goods.quantity, goods.price_unit), (1, 24.90))
        promotion = credit_note.invoice_line_ids - goods
        self.assertEqual(amount(promotion.price_total), Decimal("-2.50"))
        self.assertEqual(
            set(self.refund_lines(settlement).mapped("status")), {"matched"}
        )
        self.assertEqual(amount(credit_note.amount_residual), 0)

    def test_chargeback_and_guarantee_claim_are_credit_notes(self):
        for transaction, word in (
            ("Chargeback Refund", "Chargeback"),
            ("A-to-z Guarantee Claim", "A-to-z Guarantee claim"),
        ):
            with self.subTest(transaction):
                payload, order, published = self.sold(
                    self.item(quantity=3, price="24.90")
                )
                settlement, file = self.book(
                    published,
                    payload,
                    [
                        (transaction, "ItemPrice", "Principal", "-20.92", 1),
                        (transaction, "ItemPrice", "Tax", "-3.98", 0),
                    ],
                )
                credit_note = self.assertSettledToTheCent(order, file)
                self.assertEqual(amount(credit_note.amount_total), Decimal("24.90"))
                self.assertTrue(credit_note.payment_reference.startswith(word))
                self.assertEqual(
                    set(self.refund_lines(settlement).mapped("status")), {"matched"}
                )

    def us_order(self, facilitator_tax):
        self.marketplace_us.facilitator_tax = facilitator_tax
        us = self.simulator_account("Amazon US", "na", self.marketplace_us)
        payload = factory.order(
            [factory.item("SKU-A", 2, "40.00")],
            marketplace="US",
            updated=fields.Datetime.now() - timedelta(minutes=9),
        )
        order = self.import_one(payload, us)
        self.ship(self.delivery(order), tracking="US1")
        published = self.publish_settlement(payload, advertising=None, reserve=False)
        return us, payload, order, published

    def test_us_tax_excluded_amazons_tax_wins(self):
        us, payload, order, published = self.us_order(facilitator_tax=False)
        invoice = self.invoice_of(order)
        self.assertEqual(amount(invoice.amount_tax), Decimal("7.10"))
        _settlement, file = self.book(
            published,
            payload,
            [
                (R, "ItemPrice", "Principal", "-40.00", 1),
                # Odoo computes 3.55: Amazon's figure wins.
                (R, "ItemPrice", "Tax", "-3.56", 0),
            ],
            account=us,
        )
        credit_note = self.assertSettledToTheCent(order, file)
        self.assertEqual(amount(credit_note.amount_total), Decimal("43.56"))
        self.assertEqual(amount(credit_note.amount_tax), Decimal("3.56"))
        self.assertEqual(amount(credit_note.amount_untaxed), Decimal("40.00"))

    def test_us_facilitator_tax_on_its_own_line(self):
        us, payload, order, published = self.us_order(facilitator_tax=True)
        _settlement, file = self.book(
            published,
            payload,
            [
                (R, "ItemPrice", "Principal", "-40.00", 1),
                (R, "ItemPrice", "Tax", "-3.55", 0),
                (
                    R,
                    "ItemWithheldTax",
                    "MarketplaceFacilitatorTax-Principal",
                    "3.55",
                    0,
                ),
            ],
            account=us,
        )
        credit_note = self.assertSettledToTheCent(order, file)
        self.assertEqual(amount(credit_note.amount_total), Decimal("43.55"))
        facilitator = credit_note.invoice_line_ids.filtered(
            lambda li: li.product_id == us.company_id.amazon_facilitator_tax_product_id
        )
        self.assertEqual(amount(facilitator.price_total), Decimal("3.55"))

    def test_refund_settled_before_the_sale(self):
        payload, order, published = self.sold(self.item(quantity=3, price="24.90"))
        _refund, refund_file = self.book(
            published,
            payload,
            [
                (R, "ItemPrice", "Principal", "-20.92", 1),
                (R, "ItemPrice", "Tax", "-3.98", 0),
            ],
            sale=False,
            ref=str(int(published.settlement_id) + 1),
        )
        invoice = self.invoice_of(order)
        # The credit note is the refund's to pay, the invoice the sale's.
        self.assertEqual(amount(invoice.amount_residual), Decimal("74.70"))
        sale = self.upload(published)
        self.assertEqual(
            set(
                sale.line_ids.filtered(
                    lambda li: (
                        li.order_ref == order.amazon_order_ref
                        and li.treatment == "customer"
                    )
                ).mapped("status")
            ),
            {"matched"},
        )
        credit_note = self.assertSettledToTheCent(order, refund_file, published)
        self.assertEqual(amount(credit_note.amount_total), Decimal("24.90"))

    # ------------------------------------------------------------------ bad input

    def test_refund_larger_than_the_invoice_is_capped(self):
        payload, order, published = self.sold(self.item(quantity=3, price="24.90"))
        first, _first_file = self.book(
            published,
            payload,
            [
                (R, "ItemPrice", "Principal", "-20.92", 1),
                (R, "ItemPrice", "Tax", "-3.98", 0),
            ],
        )
        # A later settlement refunds 60.00 more: 49.80 is all that is left.
        later, _later_file = self.book(
            published,
            payload,
            [
                (R, "ItemPrice", "Principal", "-50.42", 3),
                (R, "ItemPrice", "Tax", "-9.58", 0),
            ],
            sale=False,
            ref=str(int(published.settlement_id) + 1),
        )
        credit_notes = order._amazon_refund_credit_notes()
        self.assertEqual(len(credit_notes), 2)
        capped = credit_notes - self.refund_lines(first).invoice_id
        self.assertEqual(amount(capped.amount_total), Decimal("49.80"))
        self.assertEqual(amount(capped.amount_residual), 0)
        lines = self.refund_lines(later)
        self.assertEqual(set(lines.mapped("status")), {"mismatch"})
        self.assertIn("60.00", lines[0].note)
        self.assertIn("49.80", lines[0].note)
        goods = self.goods_line(self.invoice_of(order))
        self.assertEqual(goods.sale_line_ids.qty_invoiced, 3)
        item = lines.sudo().move_line_id
        self.assertEqual(amount(item.amount_residual), Decimal("10.20"))
        # The accountant books the difference to suspense.
        lines[0].action_book_to_suspense()
        self.assertEqual(set(lines.mapped("status")), {"suspense"})
        self.assertTrue(item.reconciled)

    def test_refund_waits_for_the_invoice(self):
        self.account.invoice_policy = "manual"
        payload, order, published = self.sold(self.item(quantity=3, price="24.90"))
        self.assertFalse(order.invoice_ids)
        settlement, file = self.book(
            published,
            payload,
            [
                (R, "ItemPrice", "Principal", "-20.92", 1),
                (R, "ItemPrice", "Tax", "-3.98", 0),
            ],
        )
        lines = self.refund_lines(settlement)
        self.assertEqual(set(lines.mapped("status")), {"unmatched"})
        self.assertIn(lines[0], settlement.review_line_ids)
        invoice = order._create_invoices()
        invoice.action_post()
        credit_note = order._amazon_refund_credit_notes()
        self.assertEqual(amount(credit_note.amount_total), Decimal("24.90"))
        self.assertEqual(set(lines.mapped("status")), {"matched"})
        self.assertEqual(amount(credit_note.amount_residual), 0)
        self.assertEqual(
            amount(invoice.amount_residual), Decimal("74.70"), "the sale waits"
        )
        settlement.action_match()
        self.assertSettledToTheCent(order, file)

    def test_refund_of_a_canceled_order_goes_to_suspense(self):
        _payload, _order, published = self.sold(self.item(price="30.00"))
        canceled_payload, canceled = self.amazon_order(self.item(price="19.00"))
        canceled._action_cancel()
        self.assertEqual(canceled.state, "cancel")
        settlement, _file = self.book(
            published,
            canceled_payload,
            [(R, "ItemPrice", "Principal", "-19.00", 1)],
        )
        lines = settlement.line_ids.filtered(
            lambda li: li.order_ref == canceled.amazon_order_ref
        )
        self.assertEqual(set(lines.mapped("status")), {"unmatched"})
        self.assertIn("canceled", lines[0].note)
        suspense = self.account.company_id._amazon_settlement_account("suspense")
        item = lines.sudo().move_line_id
        self.assertEqual(item.account_id, suspense)
        self.assertFalse(item.partner_id)
        self.assertFalse(canceled.invoice_ids)

    def test_refund_of_an_order_never_imported_goes_to_suspense(self):
        _payload, _order, published = self.sold(self.item(price="30.00"))
        stranger = factory.order([factory.item("SKU-A", 1, "12.00")])
        settlement, _file = self.book(
            published, stranger, [(R, "ItemPrice", "Principal", "-12.00", 1)]
        )
        lines = settlement.line_ids.filtered(
            lambda li: li.order_ref == stranger["orderId"]
        )
        self.assertEqual(set(lines.mapped("status")), {"unmatched"})
        self.assertIn("No Amazon order", lines[0].note)
        suspense = self.account.company_id._amazon_settlement_account("suspense")
        self.assertEqual(lines.sudo().move_line_id.account_id, suspense)

    def test_no_credit_notes_when_the_account_makes_none(self):
        self.account.settlement_create_credit_notes = False
        payload, order, published = self.sold(self.item(quantity=3, price="24.90"))
        settlement, _file = self.book(
            published,
            payload,
            [
                (R, "ItemPrice", "Principal", "-20.92", 1),
                (R, "ItemPrice", "Tax", "-3.98", 0),
            ],
        )
        self.assertFalse(order._amazon_refund_credit_notes())
        self.assertEqual(
            set(self.refund_lines(settlement).mapped("status")), {"unmatched"}
        )

    # ------------------------------------------------------------------ review fixes

    def test_chargeback_decided_for_the_seller_makes_no_credit_note(self):
        payload, order, published = self.sold(self.item(quantity=3, price="24.90"))
        # The bank gave the seller the money back: positive rows, nothing for
        # the buyer.
        settlement, _file = self.book(
            published,
            payload,
            [
                ("Chargeback Refund", "ItemPrice", "Principal", "20.92", 1),
                ("Chargeback Refund", "ItemPrice", "Tax", "3.98", 0),
            ],
            sale=False,
        )
        self.assertFalse(order._amazon_refund_credit_notes())
        lines = self.refund_lines(settlement)
        self.assertEqual(set(lines.mapped("status")), {"unmatched"})
        self.assertIn("nothing to credit", lines[0].note)
        self.assertIn(lines[0], settlement.review_line_ids)

    def test_invoice_already_credited_makes_no_zero_credit_note(self):
        payload, order, published = self.sold(self.item(quantity=3, price="24.90"))
        invoice = self.invoice_of(order)
        by_hand = invoice._reverse_moves(cancel=True)
        settlement, _file = self.book(published, payload, LAMP, sale=False)
        self.assertEqual(order._amazon_refund_credit_notes(), by_hand)
        lines = self.refund_lines(settlement)
        self.assertEqual(set(lines.mapped("status")), {"mismatch"})
        self.assertIn("24.90", lines[0].note)
        self.assertIn("0.00", lines[0].note)

    def test_waiting_refund_never_stops_an_invoice_posting(self):
        self.account.invoice_policy = "manual"
        payload, order, published = self.sold(self.item(quantity=3, price="24.90"))
        settlement, _file = self.book(published, payload, LAMP)
        lines = self.refund_lines(settlement)
        invoice = order._create_invoices()
        with patch.object(
            type(self.env["amazon.settlement"]),
            "_amazon_match",
            side_effect=UserError("matching broke"),
        ):
            invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertIn("matching broke", settlement.last_error)
        self.assertEqual(set(lines.mapped("status")), {"unmatched"})
        self.assertFalse(order._amazon_refund_credit_notes())

    def lamp_and_chair(self, ship_chair=False):
        """A lamp (24.90) and a chair (30.00) ordered, the lamp shipped and
        invoiced (the chair too when ``ship_chair``): (payload, order, published)."""
        payload, order = self.amazon_order(
            self.item("SKU-A", 1, "24.90"), self.item("SKU-B", 1, "30.00")
        )
        self.ship(self.delivery(order), tracking="L1", quantities={self.product_a: 1})
        if ship_chair:
            self.ship(self.delivery(order), tracking="C1")
        published = self.publish_settlement(payload, advertising=None, reserve=False)
        return payload, order, published

    def test_refunded_units_are_never_invoiced_again(self):
        payload, order, published = self.lamp_and_chair()
        self.book(published, payload, LAMP, sale=False)
        credit_note = order._amazon_refund_credit_notes()
        self.assertEqual(amount(credit_note.amount_total), Decimal("24.90"))
        self.assertTrue(
            order.amazon_last_action.startswith("Refunded 1 of 2 items (24.90 EUR")
        )
        self.ship(self.delivery(order), tracking="C1")
        chair_invoice = self.invoice_of(order) - credit_note.reversed_entry_id
        self.assertEqual(len(chair_invoice), 1)
        self.assertEqual(amount(chair_invoice.amount_total), Decimal("30.00"))
        self.assertNotIn(self.product_a, chair_invoice.invoice_line_ids.product_id)
        self.assertNotEqual(order.invoice_status, "to invoice")

    def test_one_credit_note_per_invoice_of_a_split_shipment(self):
        payload, order, published = self.lamp_and_chair(ship_chair=True)
        invoices = self.invoice_of(order)
        self.assertEqual(len(invoices), 2)
        settlement, _file = self.book(
            published,
            payload,
            [
                *LAMP,
                (R, "ItemPrice", "Principal", "-25.21", 1, 1),
                (R, "ItemPrice", "Tax", "-4.79", 0, 1),
            ],
            sale=False,
        )
        credit_notes = order._amazon_refund_credit_notes()
        self.assertEqual(len(credit_notes), 2)
        self.assertEqual(credit_notes.reversed_entry_id, invoices)
        for credit_note in credit_notes:
            invoice = credit_note.reversed_entry_id
            self.assertEqual(
                amount(credit_note.amount_total), amount(invoice.amount_total)
            )
            self.assertEqual(
                credit_note.invoice_line_ids.filtered("product_id").product_id,
                invoice.invoice_line_ids.filtered("product_id").product_id,
            )
            self.assertEqual(amount(credit_note.amount_residual), 0)
        self.assertEqual(
            sorted(amount(m.amount_total) for m in credit_notes),
            [Decimal("24.90"), Decimal("30.00")],
        )
        lines = self.refund_lines(settlement)
        self.assertEqual(set(lines.mapped("status")), {"matched"})
        self.assertEqual(lines.invoice_id, credit_notes)
        self.assertTrue(lines.sudo().move_line_id.reconciled)
        # Matching again makes none more.
        settlement.action_match()
        self.assertEqual(order._amazon_refund_credit_notes(), credit_notes)

    def test_hand_made_credit_note_reconciled_with_the_invoice_is_used(self):
        payload, order, published = self.sold(self.item(quantity=3, price="24.90"))
        invoice = self.invoice_of(order)
        by_hand = invoice._reverse_moves([{"ref": invoice.ref}])
        by_hand.invoice_line_ids.filtered(
            lambda li: li.product_id == self.product_a
        ).quantity = 1
        by_hand.action_post()
        # Odoo pays the open invoice with it.
        self.assertEqual(amount(invoice.amount_residual), Decimal("49.80"))
        settlement, _file = self.book(published, payload, LAMP, sale=False)
        self.assertEqual(order._amazon_refund_credit_notes(), by_hand)
        lines = self.refund_lines(settlement)
        self.assertEqual(set(lines.mapped("status")), {"matched"})
        self.assertEqual(lines.invoice_id, by_hand)
        self.assertEqual(amount(by_hand.amount_residual), 0)
        self.assertEqual(amount(invoice.amount_residual), Decimal("74.70"))

    def test_invoice_in_another_currency_makes_no_credit_note(self):
        payload, order, published = self.sold(self.item(quantity=3, price="24.90"))
        invoice = self.invoice_of(order)
        usd = self.env.ref("base.USD")
        # An invoice in another currency than the settlement's (set as an
        # accountant re-invoicing in dollars would have it).
        self.env.cr.execute(
            "UPDATE account_move SET currency_id = %s WHERE id = %s",
            [usd.id, invoice.id],
        )
        invoice.invalidate_recordset(["currency_id"])
        settlement, _file = self.book(published, payload, LAMP, sale=False)
        lines = self.refund_lines(settlement)
        self.assertFalse(invoice.reversal_move_ids)
        self.assertEqual(set(lines.mapped("status")), {"unmatched"})
        self.assertIn("EUR", lines[0].note)
        settlement.action_match()
        settlement.action_match()
        self.assertFalse(invoice.reversal_move_ids)

    def test_credit_note_refunds_the_oldest_return_up_to_its_units(self):
        payload, order, published = self.sold(self.item(quantity=3, price="24.90"))
        returns = self.env["amazon.return"]
        for plate, day in (("LPNRR0000003", 5), ("LPNRR0000002", 1)):
            returns |= returns.create(
                {
                    "account_id": self.account.id,
                    "order_id": order.id,
                    "amazon_order_ref": order.amazon_order_ref,
                    "fulfillment_channel": "amazon",
                    "license_plate_number": plate,
                    "request_date": date(2026, 12, day),
                    "line_ids": [
                        (0, 0, {"product_id": self.product_a.id, "quantity": 1})
                    ],
                }
            )
        newer, older = returns
        self.book(published, payload, LAMP, sale=False)
        credit_note = order._amazon_refund_credit_notes()
        self.assertEqual(older.credit_note_id, credit_note)
        self.assertFalse(newer.credit_note_id)
