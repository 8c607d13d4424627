# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The screens of imported Amazon orders: the Amazon Orders action's views, the
ordinary Sales search, the Amazon filters and the form's Amazon page.

Search fields and filters are evaluated the way the web client does: a field's
``filter_domain`` with ``self`` replaced by the typed text (else ``[(field,
operator or 'ilike', text)]``), a filter's ``domain`` with ``context_today`` and
``relativedelta``.
"""

import ast
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from ..amazon.order_payload import (
    ENDED_ORDER_STATUSES,
    ORDER_STATUSES,
    PENDING_ORDER_STATUSES,
    SHIPPED_ORDER_STATUS,
    TO_SHIP_ORDER_STATUSES,
)
from . import order_factory as f
from .common_orders import AmazonOrderCommon

LIST_COLUMNS = (
    "amazon_order_ref",
    "amazon_account_id",
    "name",
    "partner_id",
    "amazon_status",
    "amount_total",
    "amazon_fulfilled_by",
    "amazon_items_unshipped",
    "amazon_reserved",
    "amazon_purchase_date",
    "amazon_latest_ship_date",
    "amazon_last_action",
)


@tagged("post_install", "-at_install")
class TestOrderViews(AmazonOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        unshipped = {"marketplace": "DE", "status": "UNSHIPPED"}
        payloads = {
            "target": f.order(
                [f.item("SKU-A")],
                buyer_name="Zacharias Quuxmann",
                street="Quastenweg 17",
                city="Quakenbrück",
                postal_code="49610",
                programs=["PRIME"],
                **unshipped,
            ),
            "late": f.order([f.item("SKU-A")], buyer_name="Lena Late", **unshipped),
            "today": f.order([f.item("SKU-B")], buyer_name="Tom Today", **unshipped),
            "future": f.order([f.item("SKU-B")], buyer_name="Fred Future", **unshipped),
            "shipped": f.order(
                [f.item("SKU-A", shipped=1)], buyer_name="Sam Shipped", status="SHIPPED"
            ),
            "pending": f.pending_version(f.order([f.item("SKU-B")])),
            "fba": f.order(
                [f.item("SKU-B", shipped=1)],
                buyer_name="Fiona Fba",
                status="SHIPPED",
                fulfilled_by="AMAZON",
            ),
        }
        for payload in payloads.values():
            cls.simulator.state.add_order(payload)
        cls.account.with_context(queue_job__no_delay=True)._import_orders()
        SaleOrder = cls.env["sale.order"]
        cls.orders = {
            key: SaleOrder.search([("amazon_order_ref", "=", payload["orderId"])])
            for key, payload in payloads.items()
        }
        missing = [key for key, order in cls.orders.items() if not order]
        assert not missing, f"not imported: {missing}"
        cls.target_ref = payloads["target"]["orderId"]
        # The client's "today", and latest ship dates around it.
        cls.today = fields.Date.context_today(cls.env.user)
        noon = time(12)
        ship_dates = {
            "target": cls.today + timedelta(days=3),
            "late": cls.today - timedelta(days=1),
            "today": cls.today,
            "future": cls.today + timedelta(days=3),
            "shipped": cls.today - timedelta(days=1),
        }
        for key, day in ship_dates.items():
            cls.orders[key].amazon_latest_ship_date = datetime.combine(day, noon)
        # An ordinary order that no Amazon search or filter may return.
        cls.plain_order = SaleOrder.create(
            {
                "partner_id": cls.env["res.partner"]
                .create(
                    {
                        "name": "Quincy Plain",
                        "street": "Other Street 3",
                        "city": "Hamburg",
                        "zip": "20095",
                    }
                )
                .id,
                "order_line": [(0, 0, {"product_id": cls.product_a.id})],
            }
        )
        cls.all_ids = [o.id for o in cls.orders.values()] + [cls.plain_order.id]
        cls.action = cls.env.ref("amazon_connector.action_amazon_orders")

    # ------------------------------------------------------------------ helpers

    def action_views(self, user=None):
        views = [(view.view_id.id, view.view_mode) for view in self.action.view_ids]
        views.append((self.action.search_view_id.id, "search"))
        SaleOrder = self.env["sale.order"].with_user(user or self.env.user)
        result = SaleOrder.get_views(views, {"action_id": self.action.id})
        return {
            mode: etree.fromstring(view["arch"])
            for mode, view in result["views"].items()
        }

    def search_arch(self, view_xmlid):
        view = self.env.ref(view_xmlid)
        result = self.env["sale.order"].get_views([(view.id, "search")])
        return etree.fromstring(result["views"]["search"]["arch"])

    def search_field(self, arch, name, text):
        """What typing ``text`` and choosing the field ``name`` finds."""
        nodes = arch.xpath(f"//field[@name='{name}']")
        self.assertTrue(nodes, f"no search field {name}")
        node = nodes[0]
        if node.get("filter_domain"):
            domain = safe_eval(node.get("filter_domain"), {"self": text})
        else:
            domain = [(name, node.get("operator") or "ilike", text)]
        return self.env["sale.order"].search([*domain, ("id", "in", self.all_ids)])

    def apply_filter(self, arch, name):
        nodes = arch.xpath(f"//filter[@name='{name}']")
        self.assertTrue(nodes, f"no filter {name}")
        context = {
            "context_today": lambda: self.today,
            "relativedelta": relativedelta,
            "datetime": datetime,
            "uid": self.env.uid,
        }
        domain = safe_eval(nodes[0].get("domain"), context)
        return self.env["sale.order"].search([*domain, ("id", "in", self.all_ids)])

    def keys(self, records):
        return {key for key, order in self.orders.items() if order in records}

    @staticmethod
    def status_values(expression):
        """The statuses an expression or domain of a view compares
        ``amazon_status`` with."""
        values = set()
        for node in ast.walk(ast.parse(expression.strip(), mode="eval")):
            compared = []
            if isinstance(node, ast.Compare) and getattr(node.left, "id", "") == (
                "amazon_status"
            ):
                compared = node.comparators
            elif (
                isinstance(node, (ast.Tuple, ast.List))
                and len(node.elts) == 3
                and getattr(node.elts[0], "value", None) == "amazon_status"
            ):
                compared = node.elts[2:]
            for value in compared:
                values |= {
                    leaf.value
                    for leaf in ast.walk(value)
                    if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str)
                }
        return values

    # ------------------------------------------------------------------ action

    def test_amazon_action_views_load_with_their_columns(self):
        archs = self.action_views(self.salesman)
        self.assertEqual(set(archs), {"list", "form", "graph", "pivot", "search"})
        columns = [node.get("name") for node in archs["list"].xpath("/list/field")]
        for name in LIST_COLUMNS:
            self.assertIn(name, columns)
        buyer = archs["list"].xpath("/list/field[@name='partner_id']")[0]
        self.assertEqual(buyer.get("string"), "Buyer")
        self.assertEqual(archs["list"].get("create"), "false")
        self.assertTrue(archs["form"].xpath("//page[@name='amazon']"))
        self.assertEqual(
            [n.get("name") for n in archs["graph"].xpath("//field")],
            ["amazon_marketplace_id", "amount_total"],
        )
        pivot = {n.get("name"): n.get("type") for n in archs["pivot"].xpath("//field")}
        self.assertEqual(
            pivot,
            {
                "amazon_marketplace_id": "row",
                "amazon_status": "col",
                "amount_total": "measure",
            },
        )
        # The list shows the Amazon orders only, with their data.
        domain = safe_eval(self.action.domain)
        spec = {name: {} for name in LIST_COLUMNS}
        for name in ("amazon_account_id", "partner_id"):
            spec[name] = {"fields": {"display_name": {}}}
        rows = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .web_search_read([*domain, ("id", "in", self.all_ids)], spec)["records"]
        )
        self.assertEqual(len(rows), len(self.orders))
        target = next(r for r in rows if r["amazon_order_ref"] == self.target_ref)
        self.assertEqual(target["partner_id"]["display_name"], "Zacharias Quuxmann")
        self.assertEqual(target["amazon_account_id"]["display_name"], "Test EU")
        self.assertEqual(target["amazon_status"], "unshipped")
        self.assertEqual(target["amazon_fulfilled_by"], "merchant")
        # Graph and pivot: totals per marketplace and status.
        groups = self.env["sale.order"].read_group(
            [*domain, ("id", "in", self.all_ids)],
            ["amount_total:sum"],
            ["amazon_marketplace_id", "amazon_status"],
            lazy=False,
        )
        self.assertEqual(
            round(sum(g["amount_total"] for g in groups), 2),
            round(sum(o.amount_total for o in self.orders.values()), 2),
        )
        self.assertEqual(
            {g["amazon_status"] for g in groups}, {"unshipped", "shipped", "pending"}
        )

    # ------------------------------------------------------------------ search

    def test_ordinary_sales_search_finds_amazon_orders(self):
        archs = {
            "Sales": self.search_arch("sale.sale_order_view_search_inherit_sale"),
            "Amazon": self.action_views()["search"],
        }
        searches = [
            ("name", self.target_ref),  # "Order": number or Customer Reference
            ("amazon_order_ref", self.target_ref[4:]),
            ("partner_id", "Quuxmann"),
            ("partner_shipping_id", "Quastenweg"),
            ("partner_shipping_id", "Quakenbr"),
            ("partner_shipping_id", "49610"),
        ]
        for view, arch in archs.items():
            for field_name, text in searches:
                with self.subTest(view=view, field=field_name, text=text):
                    found = self.search_field(arch, field_name, text)
                    self.assertEqual(found, self.orders["target"])

    def test_text_and_enter_finds_amazon_orders(self):
        """Enter picks the first entry of the search drop-down: the view's first
        field. It finds an Amazon order by its number, its buyer and its ZIP, as
        any sales order by its number, customer and ZIP."""
        target = self.orders["target"]
        plain = self.plain_order
        searches = [
            (self.target_ref, target),  # the Amazon order number
            (self.target_ref[4:], target),  # part of it
            ("Quuxmann", target),  # the buyer
            ("49610", target),  # the delivery address's ZIP
            (plain.name, plain),  # Odoo's number, as in standard
            ("Quincy Plain", plain),  # the customer, as in standard
            ("20095", plain),  # the ZIP of an ordinary order too
        ]
        plain.partner_invoice_id = self.env["res.partner"].create(
            {
                "name": "Ivo Invoice",
                "type": "invoice",
                "zip": "99441",
                "parent_id": plain.partner_id.id,
            }
        )
        searches.append(("99441", plain))  # the invoice address's ZIP
        for view, xmlid in {
            "Sales": "sale.sale_order_view_search_inherit_sale",
            "Quotations": "sale.sale_order_view_search_inherit_quotation",
            "Amazon": "amazon_connector.sale_order_view_search_amazon",
        }.items():
            arch = self.search_arch(xmlid)
            self.assertEqual(arch.xpath("//search/field")[0].get("name"), "name", view)
            for text, expected in searches:
                with self.subTest(view=view, text=text):
                    found = self.search_field(arch, "name", text)
                    self.assertEqual(found, expected, f"{view}: {text}")

    def test_amazon_filters(self):
        arch = self.action_views()["search"]
        expected = {
            "amazon_to_ship_today": {"late", "today"},
            "amazon_late": {"late"},
            "amazon_pending": {"pending"},
            "amazon_prime": {"target"},
            "amazon_fba": {"fba"},
            "amazon_merchant": {
                "target",
                "late",
                "today",
                "future",
                "shipped",
                "pending",
            },
        }
        for name, keys in expected.items():
            with self.subTest(filter=name):
                found = self.apply_filter(arch, name)
                self.assertEqual(self.keys(found), keys)
                self.assertNotIn(self.plain_order, found)

    def test_views_use_the_vocabulary_of_order_statuses(self):
        """The views cannot import the statuses: their filters and decorations
        name exactly the subsets the code uses (the overview's figures too)."""
        views = self.action_views()
        search, listing = views["search"], views["list"]
        expected = {
            "//filter[@name='amazon_to_ship_today']/@domain": TO_SHIP_ORDER_STATUSES,
            "//filter[@name='amazon_late']/@domain": TO_SHIP_ORDER_STATUSES,
            "//filter[@name='amazon_pending']/@domain": PENDING_ORDER_STATUSES,
        }
        for path, statuses in expected.items():
            with self.subTest(path=path):
                (domain,) = search.xpath(path)
                self.assertEqual(self.status_values(domain), set(statuses))
        (field,) = listing.xpath("//field[@name='amazon_status']")
        decorations = {
            "decoration-info": PENDING_ORDER_STATUSES,
            "decoration-warning": TO_SHIP_ORDER_STATUSES,
            "decoration-success": (SHIPPED_ORDER_STATUS,),
            "decoration-muted": ENDED_ORDER_STATUSES,
        }
        for attribute, statuses in decorations.items():
            with self.subTest(attribute=attribute):
                self.assertEqual(
                    self.status_values(field.get(attribute)), set(statuses)
                )
        # Whatever else a view says of the status is a status of the vocabulary.
        for arch in views.values():
            for value in arch.xpath("//@*[contains(., 'amazon_status')]"):
                if value.attrname in ("name", "context"):
                    continue
                with self.subTest(value=value):
                    self.assertLessEqual(self.status_values(value), set(ORDER_STATUSES))
        domains = self.account._overview_domains()
        self.assertIn(
            ("amazon_status", "in", PENDING_ORDER_STATUSES), domains["pending"]
        )
        self.assertIn(("amazon_status", "in", TO_SHIP_ORDER_STATUSES), domains["late"])

    # ------------------------------------------------------------------ form

    def test_amazon_page_only_on_amazon_orders(self):
        arch = etree.fromstring(
            self.env["sale.order"].get_views([(False, "form")])["views"]["form"]["arch"]
        )
        page = arch.xpath("//page[@name='amazon']")
        self.assertEqual(len(page), 1)
        page = page[0]
        self.assertEqual(page.get("string"), "Amazon")
        for name in ("amazon_order_ref", "amazon_status", "amazon_last_action"):
            self.assertTrue(page.xpath(f".//field[@name='{name}']"), name)
        invisible = page.get("invisible")
        amazon_order = self.orders["target"]
        self.assertFalse(
            safe_eval(
                invisible, {"amazon_account_id": amazon_order.amazon_account_id.id}
            )
        )
        self.assertTrue(
            safe_eval(
                invisible,
                {"amazon_account_id": self.plain_order.amazon_account_id.id},
            )
        )

    def test_salesman_without_amazon_rights_opens_an_amazon_order(self):
        seller = new_test_user(
            self.env, login="plain_seller", groups="sales_team.group_sale_salesman"
        )
        self.assertFalse(seller.has_group("amazon_connector.group_amazon_user"))
        order = self.orders["target"].with_user(seller)
        form = Form(order)
        self.assertEqual(form.amazon_order_ref, self.target_ref)
        self.assertEqual(form.amazon_status, "unshipped")
        self.assertEqual(form.amazon_account_id, self.account)
        self.assertEqual(form.amazon_marketplace_id, self.marketplace_de)
        self.assertTrue(form.amazon_is_prime)
        self.assertEqual(form.amazon_last_action, "Created from Amazon.de")
        # And the Amazon Orders list, as that user.
        self.action_views(seller)
        spec = {name: {} for name in LIST_COLUMNS}
        spec["amazon_account_id"] = {"fields": {"display_name": {}}}
        spec["amazon_marketplace_id"] = {"fields": {"display_name": {}}}
        rows = order.web_read(spec)
        self.assertEqual(rows[0]["amazon_marketplace_id"]["display_name"], "Amazon.de")
