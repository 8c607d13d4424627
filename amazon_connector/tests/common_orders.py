# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Shared set-up of the order import tests: an account on the simulator, products."""

import contextlib
from datetime import datetime, timedelta, timezone
from unittest import mock

from odoo import fields

from .common import AmazonSimulatorCommon
from .job_runner import run_jobs


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
