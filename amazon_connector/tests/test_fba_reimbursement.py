# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Reimbursements meet losses: the settlement's ``FBA Inventory Reimbursement``
lines (amount-type; the reason in amount-description: WAREHOUSE_LOST,
WAREHOUSE_DAMAGE, MISSING_FROM_INBOUND, REMOVAL_ORDER_LOST,
REVERSAL_REIMBURSEMENT… as sellers' V2 settlement files carry them, see
``settlement_vocabulary``; sku and quantity-purchased filled) are linked to the
ledger's losses of the same SKU or product, oldest first, as many units as they
pay for; and the account's losses and reimbursements per month."""

from datetime import date

from amazon_simulator.settlement import COLUMNS
from lxml import etree

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from ..amazon.fba_reimbursements import reimbursed_loss
from .common_fba_inbound import AmazonFbaInboundCommon

REIMBURSEMENT = "FBA Inventory Reimbursement"


@tagged("post_install", "-at_install")
class TestFbaReimbursement(AmazonFbaInboundCommon):
    def setUp(self):
        super().setUp()
        self.settlement = self.env["amazon.settlement"].create(
            {
                "account_id": self.account.id,
                "settlement_ref": "22334455661",
                "currency_id": self.env.ref("base.EUR").id,
                "start_date": "2026-11-02 10:00:00",
                "end_date": "2026-11-16 10:00:00",
            }
        )

    def reimbursement(self, reason, sku, quantity, amount, day=date(2026, 11, 12)):
        return self.env["amazon.settlement.line"].create(
            {
                "settlement_id": self.settlement.id,
                "transaction_type": "other-transaction",
                "amount_type": REIMBURSEMENT,
                "amount_description": reason,
                "sku": sku,
                "quantity": quantity,
                "amount": amount,
                "date": day,
            }
        )

    def adjustment(self, kind, sku, quantity, day, reason_code, **values):
        return self.event(
            "Adjustments",
            sku,
            quantity,
            self.mug if sku.startswith("MUG") else self.lamp,
            adjustment_kind=kind,
            reason_code=reason_code,
            date=day,
            **values,
        )

    def link(self):
        return self.env["amazon.fba.event"]._amazon_link_reimbursements(self.account)

    def test_reasons_name_the_loss_they_pay_for(self):
        self.assertEqual(reimbursed_loss("WAREHOUSE_LOST"), "lost")
        self.assertEqual(reimbursed_loss(" warehouse_damage "), "damaged")
        self.assertEqual(reimbursed_loss("MISSING_FROM_INBOUND"), "inbound")
        self.assertEqual(reimbursed_loss("REMOVAL_ORDER_LOST"), "removal")
        self.assertEqual(reimbursed_loss("REVERSAL_REIMBURSEMENT"), "reversal")
        self.assertIsNone(reimbursed_loss("CUSTOMER_RETURN"))
        self.assertIsNone(reimbursed_loss(None))

    def test_lost_units_are_linked_oldest_first_as_many_as_reimbursed(self):
        first = self.adjustment("lost", "MUG", -1, date(2026, 10, 2), "M")
        second = self.adjustment("lost", "MUG", -1, date(2026, 10, 9), "M")
        third = self.adjustment("lost", "MUG", -1, date(2026, 10, 20), "M")
        other_sku = self.adjustment("lost", "LAMP", -1, date(2026, 10, 1), "M")
        line = self.reimbursement("WAREHOUSE_LOST", "MUG", 2, 24.60)
        self.link()
        self.assertEqual(line.amazon_fba_link, "linked")
        self.assertEqual(line.amazon_fba_event_ids, first | second)
        self.assertFalse(third.reimbursement_line_id | other_sku.reimbursement_line_id)
        # Idempotent: a second run links nothing more.
        self.link()
        self.assertEqual(line.amazon_fba_event_ids, first | second)
        self.assertFalse(third.reimbursement_line_id)
        # The next reimbursement takes the loss still unpaid.
        later = self.reimbursement("WAREHOUSE_LOST", "MUG", 1, 12.30)
        self.link()
        self.assertEqual(later.amazon_fba_event_ids, third)

    def test_damage_links_the_sellable_unit_not_its_damaged_half(self):
        # Code 6 (damaged at Amazon's fulfilment centre): one sellable unit out,
        # the same unit into the warehouse-damaged disposition.
        out = self.adjustment("damaged", "LAMP", -1, date(2026, 10, 5), "6")
        self.adjustment(
            "damaged",
            "LAMP",
            1,
            date(2026, 10, 5),
            "6",
            disposition="WAREHOUSE_DAMAGED",
        )
        lost = self.adjustment("lost", "LAMP", -1, date(2026, 10, 1), "M")
        line = self.reimbursement("WAREHOUSE_DAMAGE", "LAMP", 1, 8.90)
        self.link()
        self.assertEqual(line.amazon_fba_event_ids, out)
        self.assertFalse(lost.reimbursement_line_id, "a damage pays for no loss")

    def test_a_loss_of_another_sku_of_the_same_product_is_linked(self):
        # The ledger binds MUG-FBA to the mug (its receipts); the loss is of
        # the mug's older SKU.
        self.event("Receipts", "MUG-FBA", 5, self.mug)
        old_sku = self.adjustment("lost", "MUG-OLD", -1, date(2026, 10, 2), "5")
        line = self.reimbursement("WAREHOUSE_LOST", "MUG-FBA", 1, 12.30)
        self.link()
        self.assertEqual(line.amazon_fba_event_ids, old_sku)

    def test_found_unit_meets_the_reversal(self):
        lost = self.adjustment("lost", "MUG", -1, date(2026, 10, 2), "M")
        found = self.adjustment("found", "MUG", 1, date(2026, 10, 25), "F")
        paid = self.reimbursement("WAREHOUSE_LOST", "MUG", 1, 12.30)
        taken_back = self.reimbursement(
            "REVERSAL_REIMBURSEMENT", "MUG", 1, -12.30, day=date(2026, 11, 14)
        )
        self.link()
        self.assertEqual(paid.amazon_fba_event_ids, lost)
        self.assertEqual(taken_back.amazon_fba_event_ids, found)
        self.assertEqual(taken_back.amazon_fba_link, "linked")

    def test_a_removal_lost_on_its_way_back(self):
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "location_id": self.account._amazon_fba_transit_location().id,
                "location_dest_id": self.warehouse.lot_stock_id.id,
                "amazon_fba_account_id": self.account.id,
                "amazon_removal_order_id": "RMVL-20261104-01",
            }
        )
        # A removal's receipt keeps the account it is given; it sends nothing.
        self.assertEqual(receipt.amazon_fba_account_id, self.account)
        self.assertFalse(receipt.amazon_inbound_status)
        removal = self.event(
            "VendorReturns",
            "LAMP",
            -2,
            self.lamp,
            reference_id="RMVL-20261104-01",
            picking_id=receipt.id,
        )
        line = self.reimbursement("REMOVAL_ORDER_LOST", "LAMP", 2, 8.00)
        self.link()
        self.assertEqual(line.amazon_fba_event_ids, removal)
        self.assertEqual(line.amazon_fba_picking_id, receipt)

    def test_a_removal_lost_leaves_in_transit_and_its_receipt(self):
        """REMOVAL_ORDER_LOST: the units lost leave In Transit for the loss
        location and the removal's open receipt, once."""
        transit = self.account._amazon_fba_transit_location()
        loss = self.account._amazon_fba_loss_location()
        Quant = self.env["stock.quant"]

        def on_hand(product, location):
            return sum(Quant._gather(product, location).mapped("quantity"))

        for product, units in ((self.lamp, 2), (self.mug, 1)):
            Quant._update_available_quantity(product, transit, units)
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "location_id": transit.id,
                "location_dest_id": self.warehouse.lot_stock_id.id,
                "amazon_fba_account_id": self.account.id,
                "amazon_removal_order_id": "RMVL-20261105-01",
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom": product.uom_id.id,
                            "product_uom_qty": units,
                            "location_id": transit.id,
                            "location_dest_id": self.warehouse.lot_stock_id.id,
                        }
                    )
                    for product, units in ((self.lamp, 2), (self.mug, 1))
                ],
            }
        )
        receipt.action_confirm()
        receipt.action_assign()
        for product, units in ((self.lamp, -2), (self.mug, -1)):
            self.event(
                "VendorReturns",
                product.default_code,
                units,
                product,
                reference_id="RMVL-20261105-01",
                picking_id=receipt.id,
            )
        lamps = self.reimbursement("REMOVAL_ORDER_LOST", "LAMP", 2, 17.80)
        self.link()
        self.link()
        self.assertEqual(lamps.amazon_fba_picking_id, receipt)
        self.assertEqual(on_hand(self.lamp, transit), 0)
        self.assertEqual(on_hand(self.lamp, loss), 2)
        # Asked again, the line's units are not lost twice.
        self.env["amazon.fba.event"]._amazon_removal_lost(lamps, 2)
        self.assertEqual(on_hand(self.lamp, loss), 2)
        lamp_move = receipt.move_ids.filtered(lambda m: m.product_id == self.lamp)
        self.assertEqual(lamp_move.state, "cancel")
        self.assertEqual(receipt.state, "assigned", "the mug is still awaited")
        self.assertIn("Amazon lost 2 unit(s) of", receipt.message_ids[:1].body)
        # A line without a quantity pays for one unit: the mug; nothing left
        # to receive, the receipt is cancelled.
        self.reimbursement("REMOVAL_ORDER_LOST", "MUG", 0, 6.10)
        self.link()
        self.assertEqual(on_hand(self.mug, transit), 0)
        self.assertEqual(on_hand(self.mug, loss), 1)
        self.assertEqual(receipt.state, "cancel")
        self.assertEqual(
            self.env["stock.move"].search_count(
                [("location_id", "=", transit.id), ("location_dest_id", "=", loss.id)]
            ),
            2,
            "each loss moved once",
        )

    def test_missing_from_inbound_shows_on_the_transfer(self):
        picking = self.send((self.mug, 10), shipment="FBA15MISS001")
        self.receipt(picking, self.mug, 7)
        picking.action_amazon_inbound_close()
        line = self.reimbursement("MISSING_FROM_INBOUND", "MUG", 3, 18.30)
        self.link()
        self.assertEqual(line.amazon_fba_picking_id, picking)
        self.assertEqual(line.amazon_fba_link, "linked")
        self.assertEqual(picking.amazon_fba_reimbursement_ids, line)
        # Nothing left of the transfer to pay for: another line waits.
        more = self.reimbursement("MISSING_FROM_INBOUND", "MUG", 1, 6.10)
        self.link()
        self.assertFalse(more.amazon_fba_picking_id)
        self.assertEqual(more.amazon_fba_link, "unlinked")
        self.assertIn("No Send to Amazon transfer", more.amazon_fba_note)

    def test_bad_reimbursements_are_listed_not_linked(self):
        lost = self.adjustment("lost", "MUG", -1, date(2026, 10, 2), "M")
        unknown = self.reimbursement("WAREHOUSE_MISPLACED_BY_ELVES", "MUG", 1, 5.00)
        customer = self.reimbursement("CUSTOMER_RETURN", "MUG", 1, 9.99)
        no_sku = self.reimbursement("WAREHOUSE_LOST", False, 1, 12.30)
        too_many = self.reimbursement("WAREHOUSE_LOST", "MUG", 3, 36.90)
        nothing_lost = self.reimbursement("WAREHOUSE_LOST", "LAMP", 1, 12.30)
        self.link()
        self.assertEqual(unknown.amazon_fba_link, "none")
        self.assertIn("WAREHOUSE_MISPLACED_BY_ELVES", unknown.amazon_fba_note)
        self.assertEqual(customer.amazon_fba_link, "none")
        self.assertEqual(no_sku.amazon_fba_link, "unlinked")
        self.assertIn("no SKU", no_sku.amazon_fba_note)
        self.assertEqual(too_many.amazon_fba_link, "partial")
        self.assertEqual(too_many.amazon_fba_event_ids, lost)
        self.assertIn("2 unit(s) stay unlinked", too_many.amazon_fba_note)
        self.assertEqual(nothing_lost.amazon_fba_link, "unlinked")
        self.assertFalse(
            (unknown | customer | no_sku | nothing_lost).amazon_fba_event_ids
        )
        # The ledger shows another lost mug later: the next run links it.
        more = self.adjustment("lost", "MUG", -1, date(2026, 11, 20), "M")
        self.link()
        self.assertEqual(too_many.amazon_fba_event_ids, lost | more)
        self.assertIn("1 unit(s) stay unlinked", too_many.amazon_fba_note)
        listed = self.env["amazon.settlement.line"].search(
            [
                ("settlement_id", "=", self.settlement.id),
                ("amazon_fba_link", "in", ("unlinked", "partial", "none")),
            ]
        )
        self.assertEqual(listed, unknown | customer | no_sku | too_many | nothing_lost)

    def test_an_imported_settlement_links_its_reimbursements(self):
        # A V2 flat file (the columns of the simulator's files, Amazon's layout
        # as Seller Central's help lists it) with a reimbursement row carrying
        # sku and quantity-purchased, as sellers' files do.
        lost = self.adjustment("lost", "MUG", -1, date(2026, 11, 3), "M")
        rows = [
            {
                "settlement-id": "99887766551",
                "settlement-start-date": "02.11.2026 10:00:00 UTC",
                "settlement-end-date": "16.11.2026 10:00:00 UTC",
                "deposit-date": "18.11.2026 10:00:00 UTC",
                "total-amount": "12,30",
                "currency": "EUR",
            },
            {
                "settlement-id": "99887766551",
                "transaction-type": "other-transaction",
                "amount-type": REIMBURSEMENT,
                "amount-description": "WAREHOUSE_LOST",
                "amount": "12,30",
                "posted-date": "12.11.2026",
                "sku": "MUG",
                "quantity-purchased": "1",
            },
        ]
        text = "\r\n".join(
            "\t".join(row.get(column, "") for column in COLUMNS)
            for row in [dict(zip(COLUMNS, COLUMNS, strict=True)), *rows]
        )
        settlement = self.env["amazon.settlement"].create_from_report(
            self.account, (text + "\r\n").encode(), marketplace=self.marketplace_de
        )
        line = settlement.line_ids
        self.assertEqual((line.sku, line.quantity), ("MUG", 1))
        self.assertEqual(lost.reimbursement_line_id, line)

    def test_losses_and_reimbursements_per_month(self):
        # Settled in the company's currency: one row a month.
        self.settlement.currency_id = self.company.currency_id
        october, november = date(2026, 10, 1), date(2026, 11, 1)
        for day in (date(2026, 10, 2), date(2026, 10, 9), date(2026, 10, 20)):
            self.adjustment("lost", "MUG", -1, day, "M")
        self.adjustment("lost", "LAMP", -2, date(2026, 10, 28), "5")
        self.adjustment("damaged", "LAMP", -1, date(2026, 10, 5), "6")
        self.adjustment(
            "damaged",
            "LAMP",
            1,
            date(2026, 10, 5),
            "6",
            disposition="WAREHOUSE_DAMAGED",
        )
        self.adjustment("found", "MUG", 1, date(2026, 11, 4), "F")
        self.adjustment("disposed", "MUG", -1, date(2026, 11, 6), "D")
        self.reimbursement("WAREHOUSE_LOST", "MUG", 3, 36.90)
        self.reimbursement("WAREHOUSE_DAMAGE", "LAMP", 1, 8.90)
        self.reimbursement("REVERSAL_REIMBURSEMENT", "MUG", 1, -12.30)
        self.env.flush_all()
        rows = self.env["amazon.fba.loss.report"].search(
            [("account_id", "=", self.account.id)], order="month"
        )
        figures = [
            (
                r.month,
                r.units_lost,
                r.units_damaged,
                r.units_found,
                r.units_reimbursed,
                round(r.amount_reimbursed, 2),
                r.currency_id.name,
            )
            for r in rows
        ]
        currency = self.company.currency_id.name
        self.assertEqual(
            figures,
            [
                (october, 5, 1, 0, 0, 0.0, currency),
                (november, 0, 0, 1, 3, 33.50, currency),
            ],
        )
        action = self.account.action_amazon_fba_losses()
        self.assertEqual(action["res_model"], "amazon.fba.loss.report")
        self.assertEqual(
            self.env["amazon.fba.loss.report"].search(action["domain"]), rows
        )

    def test_the_losses_count_only_reimbursements_of_losses(self):
        """A reason that pays for no loss (a customer's return) is not a loss
        reimbursed; a line without a quantity pays for one unit, as in the
        linking."""
        self.settlement.currency_id = self.company.currency_id
        lost = self.adjustment("lost", "MUG", -1, date(2026, 11, 2), "M")
        self.reimbursement("CUSTOMER_RETURN", "MUG", 2, 19.98)
        self.reimbursement("FREE_REPLACEMENT_REFUND_ITEMS", "LAMP", 1, 9.00)
        without_quantity = self.reimbursement("WAREHOUSE_LOST", "MUG", 0, 12.30)
        self.link()
        self.assertEqual(without_quantity.amazon_fba_event_ids, lost)
        self.env.flush_all()
        row = self.env["amazon.fba.loss.report"].search(
            [("account_id", "=", self.account.id)]
        )
        self.assertEqual(
            (row.units_lost, row.units_reimbursed, round(row.amount_reimbursed, 2)),
            (1, 1, 12.30),
        )

    def test_amazon_users_and_accountants_read_the_losses(self):
        # A loss paid in the same month and currency: one row of the report.
        self.settlement.currency_id = self.company.currency_id
        self.adjustment("lost", "MUG", -1, date(2026, 11, 2), "M")
        self.reimbursement("WAREHOUSE_LOST", "MUG", 1, 12.30)
        self.link()
        accountant = new_test_user(
            self.env, login="fba_accountant", groups="account.group_account_invoice"
        )
        for user in (self.salesman, accountant):
            env = self.env(user=user)
            for xmlid, modes in (
                ("action_amazon_fba_loss_report", ["pivot", "list", "graph"]),
                ("action_amazon_fba_reimbursements", ["list"]),
            ):
                with self.subTest(user=user.login, action=xmlid):
                    action = env["ir.actions.act_window"]._for_xml_id(
                        f"amazon_connector.{xmlid}"
                    )
                    views = [*action["views"], (action["search_view_id"][0], "search")]
                    result = env[action["res_model"]].get_views(views)
                    self.assertEqual(set(result["views"]), {*modes, "search"})
                    records = env[action["res_model"]].search(
                        safe_eval(action.get("domain") or "[]")
                    )
                    self.assertEqual(len(records), 1)
            visible = env["ir.ui.menu"]._visible_menu_ids()
            menu = (
                "amazon_connector.menu_finance_amazon_fba_losses"
                if user == accountant
                else "amazon_connector.menu_amazon_fba_loss_report"
            )
            self.assertIn(self.env.ref(menu).id, visible)
        form = etree.fromstring(
            self.env["amazon.account"]
            .with_user(self.salesman)
            .get_view(self.env.ref("amazon_connector.amazon_account_view_form").id)[
                "arch"
            ]
        )
        self.assertTrue(form.xpath("//button[@name='action_amazon_fba_losses']"))
