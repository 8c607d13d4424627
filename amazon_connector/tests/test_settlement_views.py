# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The screens of settlements: their actions and views, the menus of the Sales and
Invoicing apps, and what accountants and Amazon users each see.

Filters are evaluated the way the web client does: a filter's ``domain`` with
``context_today``; the ``search_default_*`` keys an action's context sets name
filters of its search view.
"""

from datetime import date, datetime, timedelta

from lxml import etree

from odoo import Command, fields
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import AmazonCommon

#: The settlement actions: xml id -> (model, view modes in order).
ACTIONS = {
    "action_amazon_settlement": ("amazon.settlement", ["list", "form"]),
    "action_amazon_settlement_line": (
        "amazon.settlement.line",
        ["list", "pivot", "graph"],
    ),
    "action_amazon_settlement_fees": (
        "amazon.settlement.line",
        ["graph", "pivot", "list"],
    ),
    "action_amazon_settlement_mapping": ("amazon.settlement.mapping", ["list"]),
    "action_amazon_invoices_awaiting_settlement": ("account.move", ["list", "form"]),
    "action_amazon_settlement_upload_wizard": (
        "amazon.settlement.upload.wizard",
        ["form"],
    ),
}
#: Menu xml id -> (parent xml id, action xml id).
MENUS = {
    "amazon_connector.menu_amazon_settlement": (
        "amazon_connector.menu_amazon_root",
        "action_amazon_settlement",
    ),
    "amazon_connector.menu_amazon_settlement_fees": (
        "amazon_connector.menu_amazon_root",
        "action_amazon_settlement_fees",
    ),
    "amazon_connector.menu_amazon_awaiting_settlement": (
        "amazon_connector.menu_amazon_root",
        "action_amazon_invoices_awaiting_settlement",
    ),
    "amazon_connector.menu_amazon_settlement_mapping": (
        "amazon_connector.menu_amazon_root",
        "action_amazon_settlement_mapping",
    ),
    "amazon_connector.menu_finance_amazon_settlement": (
        "account.menu_finance_receivables",
        "action_amazon_settlement",
    ),
    "amazon_connector.menu_finance_amazon_awaiting_settlement": (
        "account.menu_finance_receivables",
        "action_amazon_invoices_awaiting_settlement",
    ),
    "amazon_connector.menu_finance_amazon_settlement_mapping": (
        "account.account_account_menu",
        "action_amazon_settlement_mapping",
    ),
}
ACCOUNTING_MENUS = (
    "amazon_connector.menu_finance_amazon_settlement",
    "amazon_connector.menu_finance_amazon_awaiting_settlement",
)
#: What only accountants see on a settlement's form.
ACCOUNTANT_NODES = (
    "//field[@name='move_id']",
    "//button[@name='action_post']",
    "//button[@name='action_match']",
    "//button[@name='action_view_move']",
    "//field[@name='review_line_ids']//button[@name='action_invoice_now']",
    "//field[@name='review_line_ids']//button[@name='action_book_to_suspense']",
)


@tagged("post_install", "-at_install")
class TestSettlementViews(AmazonCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="amazon_accountant",
            groups="base.group_user,account.group_account_invoice",
        )
        cls.today = fields.Date.context_today(cls.env.user)
        cls.settlement = (
            cls.env["amazon.settlement"]
            .sudo()
            .create(
                {
                    "account_id": cls.account.id,
                    "marketplace_id": cls.marketplace_de.id,
                    "settlement_ref": "24288136401",
                    "start_date": datetime(2025, 3, 1),
                    "end_date": datetime(2025, 3, 15),
                    "deposit_date": datetime(2025, 3, 17),
                    "currency_id": cls.env.ref("base.EUR").id,
                    "total_amount": 17.0,
                }
            )
        )
        Line = cls.env["amazon.settlement.line"].sudo()
        common = {"settlement_id": cls.settlement.id, "date": date(2025, 3, 5)}
        cls.sale_line = Line.create(
            {
                **common,
                "sequence": 1,
                "transaction_type": "Order",
                "order_ref": "302-1234567-7654321",
                "amount_type": "ItemPrice",
                "amount_description": "Principal",
                "amount": 20.0,
                "treatment": "customer",
                "kind": "sale",
                "status": "unmatched",
                "note": "No invoice yet",
            }
        )
        cls.fee_line = Line.create(
            {
                **common,
                "sequence": 2,
                "transaction_type": "Order",
                "order_ref": "302-1234567-7654321",
                "amount_type": "ItemFees",
                "amount_description": "Commission",
                "amount": -3.0,
                "treatment": "fee",
                "fee_type": "commission",
                "kind": "other",
                "status": "booked",
            }
        )

    # ------------------------------------------------------------------ helpers

    def action_views(self, xmlid, user=None):
        """The action as the client loads it (``_for_xml_id``) and its views
        rendered for ``user``: (action dict, {view type: arch})."""
        env = self.env(user=user or self.env.user)
        action = env["ir.actions.act_window"]._for_xml_id(f"amazon_connector.{xmlid}")
        views = [list(view) for view in action["views"]]
        views.append(
            [action["search_view_id"] and action["search_view_id"][0], "search"]
        )
        result = env[action["res_model"]].get_views(views, {"action_id": action["id"]})
        archs = {
            mode: etree.fromstring(view["arch"])
            for mode, view in result["views"].items()
        }
        return action, archs

    def filter_domain(self, arch, name):
        nodes = arch.xpath(f"//filter[@name='{name}']")
        self.assertTrue(nodes, f"no filter {name}")
        return safe_eval(nodes[0].get("domain"), {"context_today": lambda: self.today})

    def assert_search_defaults_exist(self, context, arch):
        context = safe_eval(context) if isinstance(context, str) else context
        for key in context:
            if key.startswith("search_default_"):
                name = key.removeprefix("search_default_")
                self.assertTrue(arch.xpath(f"//filter[@name='{name}']"), key)

    def invoice(self, due, amazon=True):
        partner = self.env["res.partner"].create({"name": "Amazon Buyer"})
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": due - timedelta(days=14),
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create({"name": "Lamp", "quantity": 1, "price_unit": 20})
                ],
            }
        )
        move.action_post()
        if amazon:
            move.amazon_account_id = self.account
        return move

    # ------------------------------------------------------------------ actions

    def test_actions_load_and_their_views_render(self):
        for xmlid, (model, modes) in ACTIONS.items():
            with self.subTest(action=xmlid):
                action, archs = self.action_views(xmlid)
                self.assertEqual(action["res_model"], model)
                self.assertEqual([mode for _id, mode in action["views"]], modes)
                self.assertEqual(set(archs), {*modes, "search"})
                for mode in modes:
                    self.assertEqual(archs[mode].tag, mode)
                self.assert_search_defaults_exist(
                    action.get("context") or {}, archs["search"]
                )
        action, _archs = self.action_views("action_amazon_settlement_upload_wizard")
        self.assertEqual(action["target"], "new")

    def test_settlement_views(self):
        _action, archs = self.action_views("action_amazon_settlement", self.accountant)
        columns = [n.get("name") for n in archs["list"].xpath("/list/field")]
        for name in (
            "deposit_date",
            "settlement_ref",
            "total_amount",
            "unmatched_count",
        ):
            self.assertIn(name, columns)
        state = archs["list"].xpath("/list/field[@name='state']")[0]
        self.assertEqual(state.get("widget"), "badge")
        form = archs["form"]
        self.assertTrue(form.xpath("//chatter"))
        self.assertEqual(
            {p.get("name") for p in form.xpath("//notebook/page")}, {"review", "lines"}
        )
        for name in ACCOUNTANT_NODES:
            self.assertTrue(form.xpath(name), name)
        # "Book" only on what is still to book.
        book = form.xpath("//button[@name='action_post']")[0]
        self.assertTrue(safe_eval(book.get("invisible"), {"state": "posted"}))
        self.assertFalse(safe_eval(book.get("invisible"), {"state": "draft"}))
        # The review list's buttons follow the line's status.
        invoice_now = form.xpath("//button[@name='action_invoice_now']")[0]
        line = {"status": "unmatched", "kind": "sale", "sale_order_id": 7}
        self.assertFalse(safe_eval(invoice_now.get("invisible"), line))
        self.assertTrue(
            safe_eval(invoice_now.get("invisible"), {**line, "sale_order_id": False})
        )
        self.assertTrue(
            safe_eval(invoice_now.get("invisible"), {**line, "kind": "refund"})
        )
        suspense = form.xpath("//button[@name='action_book_to_suspense']")[0]
        self.assertFalse(safe_eval(suspense.get("invisible"), {"status": "mismatch"}))
        self.assertTrue(safe_eval(suspense.get("invisible"), {"status": "suspense"}))
        # Search: by Amazon order number, and what needs a look.
        search = archs["search"]
        order = search.xpath("//field[@name='line_ids']")[0]
        domain = safe_eval(order.get("filter_domain"), {"self": "1234567"})
        Settlement = self.env["amazon.settlement"]
        self.assertEqual(Settlement.search(domain), self.settlement)
        self.assertEqual(self.settlement.unmatched_count, 1)
        to_review = [
            *self.filter_domain(search, "to_review"),
            ("id", "=", self.settlement.id),
        ]
        self.assertEqual(Settlement.search(to_review), self.settlement)

    def test_line_to_review_reads_and_searches_the_review_statuses(self):
        """The line's To Review filter and the settlement's review list name one
        set of statuses: differs, not invoiced, suspense."""
        Line = self.env["amazon.settlement.line"]
        lines = self.sale_line | self.fee_line
        for status, _label in Line._fields["status"].selection:
            with self.subTest(status=status):
                self.fee_line.status = status
                expected = status in ("mismatch", "unmatched", "suspense")
                self.assertEqual(self.fee_line.to_review, expected)
                for domain, found in (
                    ([("to_review", "=", True)], expected),
                    ([("to_review", "!=", True)], not expected),
                    ([("to_review", "=", False)], not expected),
                ):
                    self.assertEqual(
                        self.fee_line
                        in lines.search([*domain, ("id", "in", lines.ids)]),
                        found,
                        domain,
                    )
                self.settlement.invalidate_recordset(["review_line_ids"])
                self.assertEqual(
                    self.fee_line in self.settlement.review_line_ids, expected
                )

    def test_settlement_buttons_open_line_views_with_their_filters(self):
        _action, archs = self.action_views("action_amazon_settlement_line")
        search = archs["search"]
        for method in ("action_view_lines", "action_view_review"):
            with self.subTest(method=method):
                action = getattr(self.settlement, method)()
                self.assertEqual(action["res_model"], "amazon.settlement.line")
                self.assert_search_defaults_exist(action["context"], search)
        group_order = search.xpath("//filter[@name='group_order']")[0]
        self.assertEqual(safe_eval(group_order.get("context"))["group_by"], "order_ref")
        Line = self.env["amazon.settlement.line"]
        review = Line.search(
            [
                *self.filter_domain(search, "to_review"),
                ("settlement_id", "=", self.settlement.id),
            ]
        )
        self.assertEqual(review, self.sale_line)
        fees = Line.search(
            [
                *self.filter_domain(search, "fees"),
                ("settlement_id", "=", self.settlement.id),
            ]
        )
        self.assertEqual(fees, self.fee_line)
        # The review page lists what needs a look only.
        self.assertEqual(self.settlement.review_line_ids, self.sale_line)

    def test_fee_analysis(self):
        action, archs = self.action_views("action_amazon_settlement_fees")
        self.assertEqual(action["name"], "Amazon Fees")
        domain = [
            *safe_eval(action["domain"]),
            ("settlement_id", "=", self.settlement.id),
        ]
        self.assertEqual(
            self.env["amazon.settlement.line"].search(domain), self.fee_line
        )
        graph = archs["graph"]
        self.assertEqual(graph.get("type"), "bar")
        self.assertEqual(
            [
                (n.get("name"), n.get("interval"), n.get("type"))
                for n in graph.xpath("//field")
            ],
            [
                ("fee_type", None, None),
                ("date", "month", None),
                ("amount", None, "measure"),
            ],
        )
        pivot = {
            n.get("name"): (n.get("type"), n.get("interval"))
            for n in archs["pivot"].xpath("//field")
        }
        self.assertEqual(
            pivot,
            {
                "fee_type": ("row", None),
                "date": ("col", "month"),
                "amount": ("measure", None),
            },
        )

    def test_mapping_list_is_editable(self):
        _action, archs = self.action_views("action_amazon_settlement_mapping")
        arch = archs["list"]
        self.assertEqual(arch.get("editable"), "bottom")
        self.assertEqual(
            arch.xpath("//field[@name='sequence']")[0].get("widget"), "handle"
        )
        self.assertEqual(
            arch.xpath("//field[@name='active']")[0].get("widget"), "boolean_toggle"
        )
        for name in (
            "transaction_type",
            "amount_type",
            "amount_description",
            "treatment",
            "fee_type",
            "account_id",
            "tax_id",
        ):
            self.assertTrue(arch.xpath(f"//field[@name='{name}']"), name)

    def test_invoices_awaiting_settlement(self):
        overdue = self.invoice(self.today - timedelta(days=3))
        due_later = self.invoice(self.today + timedelta(days=3))
        plain = self.invoice(self.today - timedelta(days=3), amazon=False)
        paid = self.invoice(self.today - timedelta(days=3))
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({})._create_payments()
        self.assertIn(paid.payment_state, ("paid", "in_payment"))
        ids = (overdue | due_later | plain | paid).ids
        action, archs = self.action_views(
            "action_amazon_invoices_awaiting_settlement", self.accountant
        )
        self.assertEqual(action["name"], "Amazon Invoices Awaiting Settlement")
        Move = self.env["account.move"].with_user(self.accountant)
        domain = [*safe_eval(action["domain"]), ("id", "in", ids)]
        self.assertEqual(Move.search(domain), overdue | due_later)
        late = self.filter_domain(archs["search"], "amazon_overdue")
        self.assertEqual(Move.search([*domain, *late]), overdue)
        group = archs["search"].xpath("//filter[@name='amazon_group_account']")[0]
        self.assertEqual(
            safe_eval(group.get("context"))["group_by"], "amazon_account_id"
        )
        self.assertEqual(
            safe_eval(action["context"])["default_move_type"], "out_invoice"
        )
        # The ordinary invoice search is left as it is.
        view = self.env.ref("account.view_account_invoice_filter")
        arch = etree.fromstring(
            Move.get_views([(view.id, "search")])["views"]["search"]["arch"]
        )
        self.assertFalse(arch.xpath("//filter[@name='amazon_overdue']"))
        # The account's buttons open it and count the same.
        self.assertEqual(
            self.account.with_user(self.accountant).awaiting_settlement_count, 2
        )
        self.assertEqual(
            self.account.with_user(self.accountant).overdue_settlement_count, 1
        )
        from_account = self.account.action_view_awaiting_settlement()
        self.assertEqual(from_account["id"], action["id"])

    def test_move_form_shows_its_amazon_origin(self):
        arch = etree.fromstring(
            self.env["account.move"].get_views([(False, "form")])["views"]["form"][
                "arch"
            ]
        )
        settlement = arch.xpath(
            "//group[@id='header_left_group']/field[@name='amazon_settlement_id']"
        )
        self.assertEqual(len(settlement), 1)
        self.assertTrue(
            safe_eval(settlement[0].get("invisible"), {"amazon_settlement_id": False})
        )
        account = arch.xpath(
            "//group[@name='sale_info_group']/field[@name='amazon_account_id']"
        )
        self.assertEqual(len(account), 1)
        self.assertFalse(
            safe_eval(account[0].get("invisible"), {"amazon_account_id": 1})
        )

    def test_account_form_settlement_part(self):
        Account = self.env["amazon.account"].with_user(self.accountant)
        arch = etree.fromstring(
            Account.get_views([(False, "form")])["views"]["form"]["arch"]
        )
        for button in (
            "action_fetch_settlements",
            "action_upload_settlement",
            "action_view_settlements",
            "action_view_awaiting_settlement",
        ):
            self.assertTrue(arch.xpath(f"//button[@name='{button}']"), button)
        group = arch.xpath("//group[@name='settlements']")
        self.assertTrue(group)
        for name in (
            "settlement_journal_id",
            "settlement_auto_post",
            "settlement_create_credit_notes",
            "settlements_fetched_until",
            "overdue_settlement_count",
        ):
            self.assertTrue(group[0].xpath(f".//field[@name='{name}']"), name)
        # The upload button opens the wizard on this account.
        action = self.account.action_upload_settlement()
        self.assertEqual(action["res_model"], "amazon.settlement.upload.wizard")
        self.assertEqual(action["target"], "new")
        self.assertEqual(self.account.settlement_count, 1)
        self.assertEqual(
            self.account.action_view_settlements()["res_model"], "amazon.settlement"
        )
        # Amazon users without invoicing rights have neither the upload nor the awaiting buttons.
        arch = etree.fromstring(
            self.env["amazon.account"]
            .with_user(self.salesman)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertTrue(arch.xpath("//button[@name='action_fetch_settlements']"))
        self.assertFalse(arch.xpath("//button[@name='action_upload_settlement']"))
        self.assertFalse(
            arch.xpath("//button[@name='action_view_awaiting_settlement']")
        )

    # ------------------------------------------------------------------ menus

    def test_menus_point_at_their_actions(self):
        for menu_xmlid, (parent, action) in MENUS.items():
            with self.subTest(menu=menu_xmlid):
                menu = self.env.ref(menu_xmlid)
                self.assertEqual(menu.parent_id, self.env.ref(parent))
                self.assertEqual(
                    menu.action, self.env.ref(f"amazon_connector.{action}")
                )
        self.assertEqual(
            self.env.ref("amazon_connector.menu_amazon_settlement").sequence, 40
        )
        marketplaces = self.env.ref("amazon_connector.menu_amazon_marketplace")
        mapping = self.env.ref("amazon_connector.menu_amazon_settlement_mapping")
        self.assertGreater(mapping.sequence, marketplaces.sequence)

    # ------------------------------------------------------------------ access

    def test_accountant_reads_settlements_and_sees_the_invoicing_menus(self):
        self.assertFalse(
            self.accountant.has_group("amazon_connector.group_amazon_user")
        )
        settlement = self.settlement.with_user(self.accountant)
        self.assertEqual(settlement.settlement_ref, "24288136401")
        self.assertEqual(settlement.account_id.name, "Test EU")
        self.assertEqual(settlement.marketplace_id.name, "Amazon.de")
        self.assertIn("move_id", settlement.fields_get())
        self.assertEqual(settlement.review_line_ids.order_ref, "302-1234567-7654321")
        visible = self.env["ir.ui.menu"].with_user(self.accountant)._visible_menu_ids()
        for xmlid in ACCOUNTING_MENUS:
            self.assertIn(self.env.ref(xmlid).id, visible, xmlid)
        self.assertNotIn(self.env.ref("amazon_connector.menu_amazon_root").id, visible)
        # The settlement screens, as the accountant has them.
        _action, archs = self.action_views("action_amazon_settlement", self.accountant)
        for name in ACCOUNTANT_NODES:
            self.assertTrue(archs["form"].xpath(name), name)
        _action, archs = self.action_views(
            "action_amazon_settlement_line", self.accountant
        )
        self.assertTrue(archs["list"].xpath("//button[@name='action_invoice_now']"))

    def test_amazon_user_without_accounting_reads_settlements_not_entries(self):
        user = self.salesman
        self.assertFalse(user.has_group("account.group_account_invoice"))
        settlement = self.settlement.with_user(user)
        self.assertEqual(settlement.settlement_ref, "24288136401")
        self.assertEqual(settlement.unmatched_count, 1)
        self.assertNotIn("move_id", settlement.fields_get())
        _action, archs = self.action_views("action_amazon_settlement", user)
        for name in ACCOUNTANT_NODES:
            self.assertFalse(archs["form"].xpath(name), name)
        self.assertTrue(archs["form"].xpath("//button[@name='action_view_lines']"))
        _action, archs = self.action_views("action_amazon_settlement_line", user)
        self.assertFalse(archs["list"].xpath("//button[@name='action_invoice_now']"))
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        self.assertIn(
            self.env.ref("amazon_connector.menu_amazon_settlement").id, visible
        )
        self.assertNotIn(
            self.env.ref("amazon_connector.menu_amazon_awaiting_settlement").id, visible
        )
        self.assertNotIn(
            self.env.ref("amazon_connector.menu_amazon_settlement_mapping").id, visible
        )
