# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The Amazon Overview: each figure of an account's card equals the records of the
list it opens, filtered as the web client filters it (the action's domain and the
search filter its context switches on, evaluated like the web client does)."""

import json
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from ..models.amazon_account_overview import FIGURES, GRAPH_DAYS
from .common import AmazonCommon


@tagged("post_install", "-at_install")
class TestOverview(AmazonCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Every user of the tests lives in one zone: the figures count the reader's
        # day, and the dates below are built from this day (from 23:00 UTC on,
        # Berlin's day is UTC's tomorrow).
        cls.env.user.tz = cls.salesman.tz = "Europe/Berlin"
        cls.today = fields.Date.context_today(cls.env.user)
        cls.other = cls.account.copy({"name": "Test EU 2", "seller_id": "A2OTHER"})
        cls.buyer = cls.env["res.partner"].create({"name": "Amazon Buyer"})
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.expected = {
            figure: cls.env[model] for figure, (model, _f) in FIGURES.items()
        }

        midnight = datetime.combine(cls.today, time.min)
        # The filters compare with the user's midnight written as UTC: so do we.
        ship_dates = {
            "due_today": midnight + timedelta(hours=20),
            "late": midnight - timedelta(hours=2),
            "tomorrow": midnight + timedelta(days=1, hours=1),
        }
        for key, ship_date in ship_dates.items():
            order = cls.order(
                amazon_status="unshipped",
                amazon_items_unshipped=2,
                amazon_latest_ship_date=ship_date,
            )
            if key != "tomorrow":
                cls.expected["to_ship"] |= order
            if key == "late":
                cls.expected["late"] |= order
        # Partly shipped and late; shipped and late (nothing left to ship).
        late_partly = cls.order(
            amazon_status="partially_shipped",
            amazon_items_unshipped=1,
            amazon_latest_ship_date=ship_dates["late"],
        )
        cls.expected["to_ship"] |= late_partly
        cls.expected["late"] |= late_partly
        cls.order(
            amazon_status="shipped",
            amazon_items_unshipped=0,
            amazon_latest_ship_date=ship_dates["late"],
        )
        cls.expected["pending"] |= cls.order(amazon_status="pending")
        cls.expected["pending"] |= cls.order(amazon_status="pending_availability")
        cls.order(amazon_status="canceled")
        # The other account's orders are on its own card.
        cls.order(
            account=cls.other,
            amazon_status="unshipped",
            amazon_items_unshipped=1,
            amazon_latest_ship_date=ship_dates["late"],
        )
        cls.order(account=cls.other, amazon_status="pending")

        Import = cls.env["amazon.order.import"]
        for n, state in enumerate(("failed", "failed", "done", "skipped")):
            record = Import.create(
                {
                    "account_id": cls.account.id,
                    "amazon_order_ref": f"302-000000{n}-0000000",
                    "state": state,
                    "error": "Bad address" if state == "failed" else False,
                }
            )
            if state == "failed":
                cls.expected["failed_imports"] |= record
        Import.create(
            {"account_id": cls.other.id, "amazon_order_ref": "x", "state": "failed"}
        )

        for state, figure in (
            ("to_confirm", "shipments_waiting"),
            ("to_confirm", "shipments_waiting"),
            ("error", "shipments_failed"),
            ("confirmed", None),
            (False, None),
        ):
            picking = cls.picking(cls.account, state)
            if figure:
                cls.expected[figure] |= picking
        cls.picking(cls.other, "error")

        now = fields.Datetime.now()
        offers = [
            ("error", "merchant", now, 0, "offers_error"),
            ("error", "merchant", now, 5, "offers_error"),
            ("ok", "merchant", now, 0, "offers_sold_out"),
            ("ok", "merchant", False, 0, None),  # never sent: not sold out
            ("ok", "amazon", now, 0, None),  # FBA: Amazon's stock
            ("ok", "merchant", now, 3, None),
            ("pending", "merchant", now, 0, "offers_sold_out"),
        ]
        for n, (state, channel, sent, qty, figure) in enumerate(offers):
            offer = cls.env["amazon.offer"].create(
                {
                    "account_id": cls.account.id,
                    "marketplace_id": cls.marketplace_de.id,
                    "sku": f"SKU-{n}",
                    "fulfillment_channel": channel,
                }
            )
            offer.write(
                {"state": state, "last_sent_qty_date": sent, "last_sent_qty": qty}
            )
            if figure:
                cls.expected[figure] |= offer
        # The error offer that was also sent 0 counts in both.
        cls.expected["offers_sold_out"] |= cls.expected["offers_error"][0]

        product = cls.env["product.product"].create(
            {"name": "FBA Lamp", "is_storable": True}
        )
        for account, state in (
            (cls.account, "open"),
            (cls.account, "reconciled"),
            (cls.other, "open"),
        ):
            difference = cls.env["amazon.fba.difference"].create(
                {
                    "account_id": account.id,
                    "product_id": product.id,
                    "location_kind": "sellable",
                    "odoo_qty": 3,
                    "amazon_qty": 2,
                    "state": state,
                }
            )
            if account == cls.account and state == "open":
                cls.expected["fba_differences"] |= difference
        # Amazon orders' invoices as VAT invoices for Amazon: to upload, refused,
        # accepted (counted nowhere), another account's refused one.
        for account, state in (
            (cls.account, "to_upload"),
            (cls.account, "refused"),
            (cls.account, "accepted"),
            (cls.other, "refused"),
        ):
            invoice = cls.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.buyer.id,
                    "amazon_account_id": account.id,
                    "amazon_vat_upload_state": state,
                }
            )
            figure = {"to_upload": "vat_to_upload", "refused": "vat_refused"}.get(state)
            if account == cls.account and figure:
                cls.expected[figure] |= invoice

    @classmethod
    def order(cls, account=None, **values):
        account = account or cls.account
        return cls.env["sale.order"].create(
            {
                "partner_id": cls.buyer.id,
                "amazon_account_id": account.id,
                "amazon_marketplace_id": cls.marketplace_de.id,
                "amazon_order_ref": f"302-{len(cls.env['sale.order'].search([])):07d}-1",
                **values,
            }
        )

    @classmethod
    def picking(cls, account, state):
        """A delivery of a new order of ``account`` (the delivery's account is its
        order's)."""
        picking_type = cls.warehouse.out_type_id
        order = cls.order(account=account, amazon_status="shipped")
        return cls.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "sale_id": order.id,
                "location_id": picking_type.default_location_src_id.id,
                "location_dest_id": cls.env.ref("stock.stock_location_customers").id,
                "partner_id": cls.buyer.id,
                "amazon_sync_state": state,
            }
        )

    def opened(self, account, figure):
        """The records of the list ``figure`` opens on ``account``'s card, as the
        web client shows them."""
        action = account.with_context(figure=figure).action_overview_open()
        Model = account.env[action["res_model"]]
        context = action["context"]
        defaults = [k for k, v in context.items() if k.startswith("search_default_")]
        self.assertEqual(len(defaults), 1, f"{figure}: one filter on, {defaults}")
        name = defaults[0].removeprefix("search_default_")
        search_view = action.get("search_view_id")
        view_id = search_view[0] if isinstance(search_view, (list, tuple)) else False
        arch = etree.fromstring(Model.get_view(view_id, "search")["arch"])
        nodes = arch.xpath(f"//filter[@name='{name}']")
        self.assertEqual(len(nodes), 1, f"{figure}: filter {name} in the search view")
        domain = safe_eval(
            nodes[0].get("domain"),
            {
                "context_today": lambda: self.today,
                "relativedelta": relativedelta,
                "datetime": datetime,
            },
        )
        return Model.search([*action["domain"], *domain])

    def test_each_figure_is_the_list_it_opens(self):
        for figure in FIGURES:
            with self.subTest(figure=figure):
                records = self.opened(self.account, figure)
                self.assertEqual(records, self.expected[figure])
                self.assertEqual(
                    self.account[f"overview_{figure}"], len(self.expected[figure])
                )
                self.assertTrue(self.expected[figure], "the case has records")

    def test_figures_of_another_account_stay_on_its_card(self):
        other = self.other
        self.assertEqual(other.overview_to_ship, 1)
        self.assertEqual(other.overview_late, 1)
        self.assertEqual(other.overview_pending, 1)
        self.assertEqual(other.overview_failed_imports, 1)
        self.assertEqual(other.overview_shipments_failed, 1)
        self.assertEqual(other.overview_shipments_waiting, 0)
        self.assertEqual(len(self.opened(other, "late")), 1)
        self.assertFalse(self.opened(other, "offers_error"))

    def test_figures_follow_the_records(self):
        order = self.expected["late"][0]
        order.amazon_status = "shipped"
        self.env["stock.picking"].search(
            [("amazon_sync_state", "=", "error")]
        ).amazon_sync_state = "confirmed"
        self.account.invalidate_recordset()
        self.assertEqual(self.account.overview_late, len(self.expected["late"]) - 1)
        self.assertEqual(self.account.overview_shipments_failed, 0)

    def test_counts_are_grouped_reads(self):
        """The queries do not grow with the accounts nor with their records."""
        queries = []
        for records in (self.account, self.account | self.other):
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            records.mapped("overview_graph")
            queries.append(self.env.cr.sql_log_count - start)
        self.order(amazon_status="pending")
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        (self.account | self.other).mapped("overview_graph")
        queries.append(self.env.cr.sql_log_count - start)
        self.assertEqual(len(set(queries)), 1, queries)

    def test_last_settlement_is_the_latest_deposit(self):
        self.assertFalse(self.account.overview_last_settlement_id)
        Settlement = self.env["amazon.settlement"]
        eur = self.env.ref("base.EUR")

        def settlement(ref, deposit, total, account=None):
            return Settlement.create(
                {
                    "account_id": (account or self.account).id,
                    "settlement_ref": ref,
                    "deposit_date": deposit,
                    "end_date": deposit - timedelta(days=2),
                    "currency_id": eur.id,
                    "total_amount": total,
                }
            )

        latest = settlement("2", datetime(2026, 11, 20), 1234.56)
        # Uploaded after it, but of an earlier period.
        settlement("1", datetime(2026, 11, 6), 99.0)
        settlement("3", datetime(2026, 11, 27), 5.0, account=self.other)
        self.account.invalidate_recordset()
        self.assertEqual(self.account.overview_last_settlement_id, latest)
        self.assertEqual(self.account.overview_last_settlement_total, 1234.56)
        self.assertEqual(self.account.overview_last_settlement_currency_id, eur)
        action = self.account.action_overview_last_settlement()
        self.assertEqual(
            (action["res_model"], action["res_id"]), (Settlement._name, latest.id)
        )

    def test_graph_counts_orders_per_day_and_marketplace(self):
        def bought(days_ago, marketplace):
            day = self.today - timedelta(days=days_ago)
            # 11:00 UTC is the same day in Berlin.
            self.order(
                account=self.other,
                amazon_marketplace_id=marketplace.id,
                amazon_purchase_date=datetime.combine(day, time(11)),
            )

        self.other.invalidate_recordset()
        for days_ago, marketplace in [
            (0, self.marketplace_de),
            (0, self.marketplace_de),
            (3, self.marketplace_fr),
            (GRAPH_DAYS, self.marketplace_fr),
        ]:
            bought(days_ago, marketplace)
        # Bought at 23:30 UTC yesterday: today in Berlin.
        self.order(
            account=self.other,
            amazon_marketplace_id=self.marketplace_fr.id,
            amazon_purchase_date=datetime.combine(
                self.today - timedelta(days=1), time(23, 30)
            ),
        )
        graph = json.loads(self.other.overview_graph)
        self.assertEqual(len(graph["labels"]), GRAPH_DAYS)
        series = {d["label"]: d["data"] for d in graph["datasets"]}
        self.assertEqual(
            set(series), {self.marketplace_de.name, self.marketplace_fr.name}
        )
        self.assertEqual(series[self.marketplace_de.name][-1], 2)
        self.assertEqual(series[self.marketplace_fr.name][-1], 1)
        self.assertEqual(series[self.marketplace_fr.name][-4], 1)
        self.assertEqual(sum(series[self.marketplace_fr.name]), 2)  # 14 days ago: out
        self.assertEqual(sum(series[self.marketplace_de.name]), 2)

    def test_salesperson_sees_the_figures_of_what_they_may_read(self):
        """A salesperson limited to their own orders counts their own; the card
        opens without an access error for models they cannot read."""
        mine = self.expected["late"][0]
        mine.user_id = self.salesman
        (self.env["sale.order"].search([]) - mine).user_id = self.env.user
        account = self.account.with_user(self.salesman)
        self.assertEqual(account.overview_late, 1)
        self.assertEqual(account.overview_to_ship, 1)
        self.assertEqual(self.opened(account.with_user(self.salesman), "late"), mine)
        for figure in FIGURES:
            self.assertGreaterEqual(account[f"overview_{figure}"], 0)
        account.read(["overview_runs", "overview_graph", "overview_last_settlement_id"])

    def test_overview_menu_opens_the_cards(self):
        menu = self.env.ref("amazon_connector.menu_amazon_overview")
        root = self.env.ref("amazon_connector.menu_amazon_root")
        self.assertEqual(menu.parent_id, root)
        first = self.env["ir.ui.menu"].search([("parent_id", "=", root.id)], limit=1)
        self.assertEqual(first, menu, "Overview is the first Amazon menu")
        action = self.env.ref("amazon_connector.action_amazon_overview")
        self.assertEqual(menu.action, action)
        self.assertEqual(
            (action.res_model, action.view_mode), ("amazon.account", "kanban")
        )
        views = (
            self.env["amazon.account"]
            .with_user(self.salesman)
            .get_views([(action.view_id.id, "kanban")])
        )
        arch = etree.fromstring(views["views"]["kanban"]["arch"])
        figures = {
            node.get("context")
            for node in arch.xpath("//*[@name='action_overview_open']")
        }
        self.assertEqual(figures, {f"{{'figure': '{figure}'}}" for figure in FIGURES})
        self.assertFalse(
            self.account.with_context(figure="nope").action_overview_open()
        )

    def test_last_runs_in_the_order_of_the_synchronisations(self):
        self.assertFalse(self.account.overview_runs)
        self.account._amazon_record_run("settlements", "No new settlement report")
        self.account._amazon_record_run(
            "orders", "Import stopped: Amazon is down", failed=True
        )
        self.other._amazon_record_run("stock", "3 quantity(ies) sent to Amazon")
        self.account.invalidate_recordset()
        runs = self.account.overview_runs
        self.assertEqual([run["kind"] for run in runs], ["orders", "settlements"])
        orders = runs[0]
        self.assertEqual(
            (orders["label"], orders["state"], orders["state_label"]),
            ("Orders", "failed", "Failed"),
        )
        self.assertEqual(orders["summary"], "Import stopped: Amazon is down")
        recorded = self.env["amazon.sync.run"].search(
            [("account_id", "=", self.account.id), ("kind", "=", "orders")]
        )
        self.assertEqual(orders["date"], fields.Datetime.to_string(recorded.date))
        local = fields.Datetime.context_timestamp(self.account, recorded.date)
        # A run of today shows its time in the user's zone.
        if local.date() == self.today:
            self.assertEqual(orders["when"], local.strftime("%H:%M"))
        self.assertEqual(runs[1]["state"], "ok")
        self.assertEqual([r["kind"] for r in self.other.overview_runs], ["stock"])
