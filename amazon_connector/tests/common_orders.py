# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Shared set-up of the order import tests: an account on the simulator, products."""

import contextlib
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from unittest import mock

from odoo import Command, fields
from odoo.models import BaseModel

from .common import AmazonSimulatorCommon
from .job_runner import run_jobs
from .quota import QUOTA_CLOCK

ROUNDING = "Rounding difference with Amazon"
ADJUSTMENT = "Adjustment to Amazon's total"


def minutes_ago(minutes):
    return datetime.now(timezone.utc) - timedelta(minutes=minutes)


class AmazonOrderCommon(AmazonSimulatorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.write(
            {
                "import_orders_from": fields.Datetime.now() - timedelta(days=10),
                "state": "connected",
                "marketplace_ids": [
                    (
                        6,
                        0,
                        (
                            cls.marketplace_de
                            | cls.marketplace_fr
                            | cls.env.ref("amazon_connector.marketplace_uk")
                        ).ids,
                    )
                ],
            }
        )
        cls.warehouse = cls.account.warehouse_id
        cls.product_a = cls.env["product.product"].create(
            {"name": "Lamp", "default_code": "SKU-A", "is_storable": True}
        )
        cls.product_b = cls.env["product.product"].create(
            {"name": "Chair", "default_code": "SKU-B", "is_storable": True}
        )
        stock = cls.warehouse.lot_stock_id
        for product in cls.product_a | cls.product_b:
            cls.env["stock.quant"]._update_available_quantity(product, stock, 50)

    @classmethod
    def simulator_account(cls, name, region, marketplaces, **values):
        """Another connected account of the simulated seller (one per region)."""
        return cls.env["amazon.account"].create(
            {
                "name": name,
                "seller_id": cls.account.seller_id,
                "region": region,
                "lwa_client_id": cls.account.lwa_client_id,
                "lwa_client_secret": cls.account.lwa_client_secret,
                "refresh_token": cls.account.refresh_token,
                "api_endpoint": cls.account.api_endpoint,
                "lwa_token_url": cls.account.lwa_token_url,
                "import_orders_from": cls.account.import_orders_from,
                "state": "connected",
                "marketplace_ids": [(6, 0, marketplaces.ids)],
                **values,
            }
        )

    @contextlib.contextmanager
    def page_size(self, size):
        """searchOrders answers pages of ``size`` orders (the adapter asks 100)."""
        state = self.simulator.state
        search = state.search_orders

        def search_orders(params):
            if "paginationToken" not in params:
                params = {**params, "maxResultsPerPage": [str(size)]}
            return search(params)

        with mock.patch.object(state, "search_orders", search_orders):
            yield

    def intercept_pages(self, on_page):
        """Call ``on_page(params, answer)`` on every searchOrders answer."""
        state = self.simulator.state
        search = state.search_orders

        def search_orders(params):
            answer = search(params)
            on_page(params, answer)
            return answer

        return mock.patch.object(state, "search_orders", search_orders)

    def setUp(self):
        super().setUp()
        with self.simulator.state.lock:
            self.simulator.state.orders.clear()
        self.simulator.state.clear_faults()

    def publish(self, *payloads, validate=True):
        """Make orders visible in the simulator's searchOrders. Each must be an
        ``Order`` of Amazon's official model (the simulator refuses any other,
        naming the field); ``validate=False`` only for a payload a test makes
        unlike Amazon's on purpose."""
        for payload in payloads:
            self.simulator.state.add_order(payload, validate=validate)

    def import_orders(self, account=None, *, retry=False):
        """Run the account's import as its jobs would run (one job per page, in
        turn); return the last job's result. ``self.job_run`` tells the rest."""
        account = account or self.account
        with run_jobs(retry=retry) as self.job_run:
            first = account._import_orders()
        return self.job_run.last_result or first

    def sale_order(self, payload, account=None):
        return self.env["sale.order"].search(
            [
                ("amazon_account_id", "=", (account or self.account).id),
                ("amazon_order_ref", "=", payload["orderId"]),
            ]
        )

    def imported(self, payload, account=None):
        """The sales order of ``payload``; fails with the import error if none."""
        order = self.sale_order(payload, account)
        if not order:
            record = self.import_record(payload, account)
            self.fail(
                f"{payload['orderId']} not imported: {record.state} {record.error}"
                if record
                else f"{payload['orderId']} was never seen"
            )
        return order

    def import_record(self, payload, account=None):
        return self.env["amazon.order.import"].search(
            [
                ("account_id", "=", (account or self.account).id),
                ("amazon_order_ref", "=", payload["orderId"]),
            ]
        )

    def available(self, product):
        return product.with_context(warehouse_id=self.warehouse.id).qty_available

    def record_sleeps(self):
        """Record the adapter's backoff and Retry-After waits in ``self.sleeps``
        instead of sleeping them (for the rest of the test)."""
        self.sleeps = []
        Account = type(self.env["amazon.account"])
        session = Account._amazon_session
        sleeps = self.sleeps

        def sleep(seconds):
            sleeps.append(seconds)
            QUOTA_CLOCK.advance(seconds)  # the quotas refill as if slept

        def _amazon_session(account, **options):
            options.setdefault("sleep", sleep)
            return session(account, **options)

        self.patch(Account, "_amazon_session", _amazon_session)

    # ------------------------------------------------------------------ money

    @classmethod
    def sales_tax(cls, name, amount, account):
        """A price-excluded percent sales tax of the company booked to ``account``,
        as a seller sets them up."""
        lines = [
            Command.create({"repartition_type": "base"}),
            Command.create({"repartition_type": "tax", "account_id": account.id}),
        ]
        return cls.env["account.tax"].create(
            {
                "name": name,
                "amount": amount,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "price_include_override": "tax_excluded",
                "company_id": cls.company.id,
                "invoice_repartition_line_ids": lines,
                "refund_repartition_line_ids": lines,
            }
        )

    def twin(self, tax):
        """The price-included twin the import made of a price-excluded tax."""
        twin = self.env["account.tax"].search([("amazon_excluded_tax_id", "=", tax.id)])
        self.assertEqual(len(twin), 1, f"one twin of {tax.name}")
        self.assertTrue(twin.price_include)
        self.assertEqual(twin.amount, tax.amount)
        return twin

    def import_one(self, payload, account=None):
        """Publish ``payload``, run the account's import; its sales order."""
        self.publish(payload)
        self.import_orders(account)
        return self.imported(payload, account)

    def assertTotal(self, order, payload):
        """The order's currency and total are Amazon's ``proceeds.grandTotal``."""
        grand_total = payload["proceeds"]["grandTotal"]
        self.assertEqual(order.currency_id.name, grand_total["currencyCode"])
        self.assertEqual(
            Decimal(str(order.currency_id.round(order.amount_total))),
            Decimal(grand_total["amount"]),
            f"{payload['orderId']}: Odoo's total is Amazon's grandTotal",
        )

    def assertLines(self, order, expected, *, rounding=None):
        """The order's lines, in sequence, are ``expected``: one
        ``(product, quantity, unit price, taxes)`` per line, the unit price a
        string (``"-5.00"``). ``taxes`` is either an ``account.tax`` recordset
        (empty: no tax), compared record by record, or a tuple of
        ``(rate, price_include)`` pairs, e.g. ``((19.0, True),)``, compared by rate
        (Amazon's inferred tax or the company's own tax of that rate).

        No adjustment line exists. Without ``rounding`` no rounding line exists
        either; with it, the order has one rounding line of exactly that amount
        (a string), quantity 1, without tax, after the others."""
        lines = order.order_line.sorted("sequence")
        self.assertFalse(
            lines.filtered(lambda line: line.name.startswith(ADJUSTMENT)),
            "no adjustment line: Amazon's breakdowns explain the whole total",
        )
        rounding_lines = lines.filtered(lambda line: line.name == ROUNDING)
        if rounding is None:
            self.assertFalse(rounding_lines, "no rounding line")
        else:
            self.assertEqual(len(rounding_lines), 1, "one rounding line")
            self.assertEqual(
                (
                    rounding_lines.product_id,
                    rounding_lines.product_uom_qty,
                    Decimal(str(rounding_lines.price_unit)),
                    rounding_lines.tax_id,
                ),
                (
                    self.company.amazon_promotion_product_id,
                    1,
                    Decimal(rounding),
                    self.env["account.tax"],
                ),
                "the rounding line: Amazon's total minus Odoo's, without tax",
            )
            self.assertEqual(lines[-1], rounding_lines, "after the order's lines")
        lines -= rounding_lines

        def taxes_of(line, like):
            if isinstance(like, BaseModel):
                return line.tax_id
            return tuple(sorted((tax.amount, tax.price_include) for tax in line.tax_id))

        def expected_taxes(taxes):
            return taxes if isinstance(taxes, BaseModel) else tuple(sorted(taxes))

        self.assertEqual(
            [
                (
                    line.product_id,
                    line.product_uom_qty,
                    Decimal(str(line.price_unit)),
                    taxes_of(line, taxes),
                )
                for line, (_p, _q, _u, taxes) in zip(lines, expected, strict=False)
            ]
            + [("extra line", line.name) for line in lines[len(expected) :]],
            [
                (product, quantity, Decimal(price), expected_taxes(taxes))
                for product, quantity, price, taxes in expected
            ],
        )
