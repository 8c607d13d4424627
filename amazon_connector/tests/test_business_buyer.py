# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Amazon Business buyers: the customer is the buyer's company with its VAT
number, the buyer's purchase order number is on the order and its invoice, the
fiscal position is the one Odoo's rules give that customer while Amazon's tax
amounts still decide the totals; an invalid VAT number is kept out of the
customer and flags the order; consumers stay as they were.

The business payloads add to the factory's orders what Amazon's official
Amazon.com.br business example of ``orders_2026-01-01.json`` carries
(``programs`` ``AMAZON_BUSINESS``, ``buyer.buyerCompanyName``,
``buyer.buyerPurchaseOrderNumber``, ``tax.taxRegistrations`` with a ``BUYER`` ``VAT``
registration); the numbers are made up. The simulator's business orders
(``add_business_order``) are of the same shape.
"""

from amazon_simulator.vat_registrations import INVALID_VAT_NUMBER

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from . import order_factory as f
from .common_orders import AmazonOrderCommon, minutes_ago


def recent():
    """The dates of an order changed since the previous import (its window
    re-reads 10 minutes back)."""
    return {"created": minutes_ago(9), "updated": minutes_ago(4)}


def business(payload, *, company="Mustermann GmbH", vat="DE123456789", po="PO-4711"):
    """``payload`` (an order of the factory) made an Amazon Business order."""
    payload["programs"] = ["AMAZON_BUSINESS"]
    payload["buyer"]["buyerCompanyName"] = company
    payload["buyer"]["buyerPurchaseOrderNumber"] = po
    payload["tax"] = {
        "taxRegistrations": [
            {
                "entityType": "BUYER",
                "taxRegistrationType": "VAT",
                "taxRegistrationNumber": vat,
                "legalName": company,
            },
            {"entityType": "MERCHANT", "legalName": "Our shop"},
        ]
    }
    return payload


@tagged("post_install", "-at_install")
class TestBusinessBuyer(AmazonOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        account_tax = cls.env["account.account"].create(
            {
                "code": "VATB2B",
                "name": "VAT collected",
                "account_type": "liability_current",
            }
        )
        cls.vat_de = cls.sales_tax("Test VAT DE 19%", 19.0, account_tax)
        cls.vat_eu_b2b = cls.sales_tax("Test VAT EU B2B 0%", 0.0, account_tax)
        cls.product_a.write({"taxes_id": cls.vat_de.ids, "invoice_policy": "order"})
        FiscalPosition = cls.env["account.fiscal.position"]
        cls.fpos_domestic = FiscalPosition.create(
            {
                "name": "Germany B2B (test)",
                "auto_apply": True,
                "vat_required": True,
                "country_id": cls.env.ref("base.de").id,
                "company_id": cls.company.id,
            }
        )
        cls.fpos_intra_eu = FiscalPosition.create(
            {
                "name": "EU intra-community B2B (test)",
                "auto_apply": True,
                "vat_required": True,
                "country_group_id": cls.env.ref("base.europe").id,
                "company_id": cls.company.id,
                "tax_ids": [
                    Command.create(
                        {"tax_src_id": cls.vat_de.id, "tax_dest_id": cls.vat_eu_b2b.id}
                    )
                ],
            }
        )

    def simulated_business_order(self, **options):
        """An Amazon Business order of the simulator on Amazon.de (SKU-A)."""
        state = self.simulator.state
        order_id = state.add_business_order("DE", **options)
        with state.lock:
            payload = state.orders[order_id]
            payload["orderItems"][0]["product"]["sellerSku"] = "SKU-A"
        return payload

    def refuse_vat(self, number):
        """Odoo's VAT check (base_vat's, which this database does not install)
        refuses ``number`` and accepts any other."""
        Partner = type(self.env["res.partner"])

        def run_vat_test(partner, vat_number, default_country, partner_is_company=True):
            if vat_number == number:
                return False
            return default_country.code.lower()

        self.patch(Partner, "_run_vat_test", run_vat_test)

    # ------------------------------------------------------------------ customer

    def test_business_customer_is_the_company_with_its_vat_number(self):
        payload = business(
            f.order([f.item("SKU-A", 2, "11.90")], buyer_name="Erika Mustermann")
        )
        order = self.import_one(payload)
        customer = order.partner_id
        self.assertTrue(customer.is_company)
        self.assertEqual(customer.name, "Mustermann GmbH")
        self.assertEqual(customer.vat, "DE123456789")
        self.assertEqual(customer.amazon_account_id, self.account)
        self.assertFalse(
            customer.email, "Amazon's relay is the person's, not the firm's"
        )
        self.assertEqual(order.partner_invoice_id, customer)
        # The person receives the goods: the delivery contact below the company.
        self.assertEqual(order.partner_shipping_id.parent_id, customer)
        self.assertEqual(order.partner_shipping_id.name, "Erika Mustermann")
        self.assertEqual(order.partner_shipping_id.type, "delivery")
        self.assertTrue(order.amazon_is_business)
        self.assertFalse(order.amazon_needs_review)

    def test_company_found_again_by_vat_number_then_by_name(self):
        first = self.import_one(business(f.order([f.item("SKU-A", 1, "11.90")])))
        # Same VAT number, the name spelled otherwise: the same customer.
        again = self.import_one(
            business(
                f.order(
                    [f.item("SKU-A", 1, "11.90")],
                    buyer_name="Max Mustermann",
                    **recent(),
                ),
                company="MUSTERMANN GMBH (Einkauf)",
            )
        )
        self.assertEqual(again.partner_id, first.partner_id)
        # Another company of the same name with another VAT number is another one.
        other = self.import_one(
            business(
                f.order([f.item("SKU-A", 1, "11.90")], **recent()),
                vat="DE987654321",
            )
        )
        self.assertNotEqual(other.partner_id, first.partner_id)
        self.assertEqual(other.partner_id.vat, "DE987654321")
        companies = self.env["res.partner"].search(
            [("amazon_account_id", "=", self.account.id), ("is_company", "=", True)]
        )
        self.assertEqual(len(companies), 2)

    def test_refused_vat_number_never_takes_another_firms_company(self):
        """Same name, a number Odoo refuses: not the company of that name with
        another VAT number, whose number the invoice would print."""
        self.refuse_vat("DE99999999X")
        first = self.import_one(business(f.order([f.item("SKU-A", 1, "11.90")])))
        self.assertEqual(first.partner_id.vat, "DE123456789")
        refused = self.import_one(
            business(
                f.order([f.item("SKU-A", 1, "11.90")], **recent()), vat="DE99999999X"
            )
        )
        customer = refused.partner_id
        self.assertNotEqual(customer, first.partner_id)
        self.assertEqual(customer.name, "Mustermann GmbH")
        self.assertFalse(customer.vat)
        self.assertFalse(refused.partner_invoice_id.vat)
        self.assertTrue(refused.amazon_needs_review)
        self.assertEqual(first.partner_id.vat, "DE123456789")
        # The same refused number again: that company, found by name.
        again = self.import_one(
            business(
                f.order([f.item("SKU-A", 1, "11.90")], **recent()), vat="DE99999999X"
            )
        )
        self.assertEqual(again.partner_id, customer)

    def test_without_vat_number_only_a_company_without_one_in_that_country(self):
        """Amazon gives no VAT registration: the name alone finds only a company
        of that name without a VAT number, in the buyer's country."""

        def without_number(**address):
            payload = business(f.order([f.item("SKU-A", 1, "11.90")], **address))
            del payload["tax"]
            return payload

        with_vat = self.import_one(business(f.order([f.item("SKU-A", 1, "11.90")])))
        german = self.import_one(without_number(**recent()))
        self.assertNotEqual(german.partner_id, with_vat.partner_id)
        self.assertFalse(german.partner_id.vat)
        self.assertEqual(german.partner_id.country_id, self.env.ref("base.de"))
        # The same name without a number in Germany again: that company.
        again = self.import_one(without_number(**recent()))
        self.assertEqual(again.partner_id, german.partner_id)
        # The same name in another country: another company.
        french = self.import_one(
            without_number(country="FR", postal_code="75001", **recent())
        )
        self.assertNotIn(french.partner_id, with_vat.partner_id | german.partner_id)
        self.assertEqual(french.partner_id.country_id, self.env.ref("base.fr"))
        self.assertFalse(french.partner_id.vat)
        self.assertEqual(with_vat.partner_id.vat, "DE123456789")

    def test_legal_name_when_amazon_gives_no_company_name(self):
        payload = business(f.order([f.item("SKU-A", 1, "11.90")]))
        del payload["buyer"]["buyerCompanyName"]
        order = self.import_one(payload)
        self.assertTrue(order.partner_id.is_company)
        self.assertEqual(order.partner_id.name, "Mustermann GmbH")

    def test_consumer_order_stays_as_it_was(self):
        payload = f.order([f.item("SKU-A", 1, "11.90")], buyer_name="Erika Muster")
        order = self.import_one(payload)
        self.assertFalse(order.partner_id.is_company)
        self.assertFalse(order.partner_id.vat)
        self.assertEqual(order.partner_id.name, "Erika Muster")
        self.assertEqual(order.partner_id.email, payload["buyer"]["buyerEmail"])
        self.assertFalse(order.amazon_is_business)
        self.assertFalse(order.amazon_buyer_po_number)

    def test_guest_account_still_invoices_the_business_buyers_company(self):
        self.account.customer_creation = "guest"
        order = self.import_one(business(f.order([f.item("SKU-A", 1, "11.90")])))
        self.assertTrue(order.partner_id.is_company)
        self.assertEqual(order.partner_id.vat, "DE123456789")
        consumer = self.import_one(f.order([f.item("SKU-A", 1, "11.90")], **recent()))
        self.assertEqual(consumer.partner_id, self.account._amazon_guest_partner())

    # ------------------------------------------------------------------ bad input

    def test_invalid_vat_number_kept_on_the_order_customer_without_it(self):
        self.refuse_vat(INVALID_VAT_NUMBER)
        payload = self.simulated_business_order(vat=INVALID_VAT_NUMBER)
        self.import_orders()
        order = self.imported(payload)
        customer = order.partner_id
        self.assertTrue(customer.is_company)
        self.assertEqual(customer.name, payload["buyer"]["buyerCompanyName"])
        self.assertFalse(customer.vat, "the customer is created without it")
        # Kept in the order's chatter, and the order flagged with an activity.
        self.assertTrue(
            any(
                INVALID_VAT_NUMBER in (body or "")
                for body in order.message_ids.mapped("body")
            )
        )
        self.assertTrue(order.amazon_needs_review)
        self.assertIn(INVALID_VAT_NUMBER, order.amazon_last_action)
        activity = order.activity_ids.filtered(
            lambda a: INVALID_VAT_NUMBER in (a.summary or "")
        )
        self.assertEqual(len(activity), 1)
        self.assertIn(INVALID_VAT_NUMBER, activity.note)
        self.assertEqual(order.state, "sale", "the order itself is imported")
        self.assertTotal(order, payload)
        # A valid number of the same company later completes the customer.
        again = business(
            f.order([f.item("SKU-A", 1, "11.90")], **recent()),
            company=customer.name,
        )
        second = self.import_one(again)
        self.assertEqual(second.partner_id, customer)
        self.assertEqual(customer.vat, "DE123456789")
        self.assertFalse(second.amazon_needs_review)

    def test_pending_business_order_gets_its_company_when_confirmed(self):
        """Pending, Amazon withholds the buyer: the placeholder customer; once
        confirmed, the company, the PO number, and the refused VAT's flag."""
        self.refuse_vat(INVALID_VAT_NUMBER)
        full = business(
            f.order([f.item("SKU-A", 1, "11.90")], created=minutes_ago(60)),
            vat=INVALID_VAT_NUMBER,
        )
        self.publish(f.pending_version(full, updated=minutes_ago(50)))
        self.import_orders()
        order = self.imported(full)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.partner_id, self.company.amazon_pending_partner_id)
        self.assertFalse(order.amazon_buyer_po_number)
        self.publish(f.with_status(full, "UNSHIPPED", updated=minutes_ago(3)))
        self.import_orders()
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.partner_id.is_company)
        self.assertEqual(order.partner_id.name, "Mustermann GmbH")
        self.assertFalse(order.partner_id.vat)
        self.assertEqual(order.amazon_buyer_po_number, "PO-4711")
        self.assertTrue(order.amazon_needs_review)
        self.assertIn(INVALID_VAT_NUMBER, order.activity_ids.mapped("note")[0])

    def test_vat_number_refused_on_save_is_handled_the_same(self):
        """base_vat refuses on save as well (its constraint): the customer is
        created without the number all the same."""
        Partner = type(self.env["res.partner"])
        create = Partner.create

        def refusing_create(partners, vals_list):
            values = vals_list if isinstance(vals_list, list) else [vals_list]
            if any(v.get("vat") == "DE000000000" for v in values):
                raise ValidationError(partners.env._("The VAT number is not valid."))
            return create(partners, vals_list)

        self.patch(Partner, "create", refusing_create)
        order = self.import_one(
            business(f.order([f.item("SKU-A", 1, "11.90")]), vat="DE000000000")
        )
        self.assertTrue(order.partner_id.is_company)
        self.assertFalse(order.partner_id.vat)
        self.assertTrue(order.amazon_needs_review)

    # ------------------------------------------------------------------ PO number

    def test_purchase_order_number_on_the_order_and_the_invoice(self):
        # Shipped by Amazon: imported delivered, and invoiced at once.
        shipped = {"status": "SHIPPED", "fulfilled_by": "AMAZON"}
        payload = business(
            f.order([f.item("SKU-A", 2, "11.90", shipped=2)], **shipped),
            po="PO-2026-0815",
        )
        order = self.import_one(payload)
        self.assertEqual(order.amazon_buyer_po_number, "PO-2026-0815")
        self.assertEqual(
            self.env["sale.order"].search(
                [("amazon_buyer_po_number", "ilike", "2026-0815")]
            ),
            order,
        )
        views = self.env["sale.order"].get_views([(False, "search"), (False, "form")])
        for kind in ("search", "form"):
            self.assertIn(
                'name="amazon_buyer_po_number"', views["views"][kind]["arch"], kind
            )
        invoice = order.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.ref, payload["orderId"], "settlements match on it")
        html = self.invoice_html(invoice)
        self.assertIn("PO Number", html)
        self.assertIn("PO-2026-0815", html)
        self.assertIn("DE123456789", html, "the buyer's VAT number is on the invoice")
        # A consumer's invoice prints no PO number.
        consumer = self.import_one(
            f.order([f.item("SKU-A", 1, "11.90", shipped=1)], **shipped, **recent())
        )
        self.assertEqual(consumer.invoice_ids.state, "posted")
        self.assertNotIn("PO Number", self.invoice_html(consumer.invoice_ids))

    def invoice_html(self, invoice):
        return (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", invoice.ids)[0]
            .decode()
        )

    # ------------------------------------------------------------------ taxes

    def test_reverse_charge_maps_the_taxes_and_keeps_amazons_total(self):
        """A cross-border EU sale to a VAT-registered buyer (Amazon.de to a French
        company): Amazon's TAX is 0; Odoo's intra-community fiscal position maps
        the product's 19 % to its 0 %, and the total is Amazon's."""
        payload = self.simulated_business_order(buyer_country="FR", reverse_charge=True)
        self.import_orders()
        order = self.imported(payload)
        self.assertEqual(order.partner_id.country_id, self.env.ref("base.fr"))
        self.assertTrue(order.partner_id.vat.startswith("FR"))
        self.assertEqual(order.fiscal_position_id, self.fpos_intra_eu)
        (line,) = order.order_line
        self.assertEqual(line.product_id, self.product_a)
        self.assertEqual(
            line.product_uom_qty, payload["orderItems"][0]["quantityOrdered"]
        )
        self.assertEqual(line.tax_id, self.vat_eu_b2b, "Odoo's intra-community 0 %")
        self.assertEqual(order.amount_tax, 0)
        self.assertTotal(order, payload)

    def test_domestic_business_order_keeps_amazons_19_percent(self):
        payload = business(
            f.order([f.item("SKU-A", 2, "11.90", shipping="4.90")]),
            vat="DE123456789",
        )
        order = self.import_one(payload)
        self.assertEqual(order.fiscal_position_id, self.fpos_domestic)
        shipping = self.account.shipping_product_id
        self.assertLines(
            order,
            [
                (self.product_a, 2, "11.90", ((19.0, True),)),
                (shipping, 1, "4.90", ((19.0, True),)),
            ],
        )
        self.assertTotal(order, payload)

    def test_intra_eu_fiscal_position_never_changes_amazons_stated_tax(self):
        """A French company buying on Amazon.de whom Amazon charges German VAT
        anyway: Odoo's fiscal position is set, Amazon's 19 % and total win."""
        payload = business(
            f.order([f.item("SKU-A", 1, "11.90")], country="FR", postal_code="75001"),
            vat="FR40303265045",
        )
        order = self.import_one(payload)
        self.assertEqual(order.fiscal_position_id, self.fpos_intra_eu)
        self.assertLines(order, [(self.product_a, 1, "11.90", ((19.0, True),))])
        self.assertTotal(order, payload)

    def test_consumer_order_with_tax_zero_gets_no_mapped_tax(self):
        """A consumer's stated TAX of 0 stays untaxed, as before."""
        payload = f.order([f.item("SKU-A", 1, "11.90")])
        item = payload["orderItems"][0]
        gross = item["proceeds"]["proceedsTotal"]
        item["proceeds"]["breakdowns"] = [
            {"type": "ITEM", "subtotal": gross},
            {"type": "TAX", "subtotal": {**gross, "amount": "0.00"}},
        ]
        payload["proceeds"]["grandTotal"] = gross
        order = self.import_one(payload)
        self.assertLines(order, [(self.product_a, 1, "11.90", self.env["account.tax"])])
        self.assertTotal(order, payload)
