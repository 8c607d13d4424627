# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Shared set-up of the settlement tests: Amazon orders imported, shipped and
invoiced, then the settlement report the simulator makes of them, fetched as the
scheduled job does or uploaded as an accountant does."""

from odoo import fields

from . import order_factory as factory
from .common_shipments import AmazonShipmentCommon
from .job_runner import run_jobs


class AmazonSettlementCommon(AmazonShipmentCommon):
    def setUp(self):
        super().setUp()
        with self.simulator.state.lock:
            self.simulator.state.reports.clear()

    def shipped_order(self, *items, tracking="S1", **options):
        """An Amazon order imported, shipped (confirmed to Amazon) and invoiced:
        (payload, sale order)."""
        payload, order = self.amazon_order(*items, **options)
        self.ship(self.delivery(order), tracking=tracking)
        return payload, order

    def publish_settlement(self, *payloads, **options):
        """Publish the settlement report of ``payloads``' orders; the simulator's
        Settlement (its id, content, rows, total)."""
        options.setdefault("refund_share", 0.0)
        state = self.simulator.state
        report_id = state.add_settlement_report(
            [p["orderId"] for p in payloads] if payloads else None, **options
        )
        return state.reports[report_id]["settlement"]

    def fetch(self, account=None):
        """Run the account's settlement fetch and the imports it queues."""
        account = account or self.account
        with run_jobs(retry=True) as self.job_run:
            result = self.env["amazon.settlement"]._amazon_fetch(account)
        return result

    def settlement(self, ref, account=None):
        return self.env["amazon.settlement"].search(
            [
                ("settlement_ref", "=", ref),
                ("account_id", "=", (account or self.account).id),
            ]
        )

    def upload(self, settlement, account=None, **options):
        """Import the simulator's ``settlement`` file as create_from_report does."""
        return self.env["amazon.settlement"].create_from_report(
            account or self.account, settlement.content, **options
        )

    def item(self, sku="SKU-A", quantity=1, price="20.00", **options):
        return factory.item(sku, quantity, price, **options)

    def entry_lines(self, settlement, account):
        return settlement.move_id.line_ids.filtered(lambda li: li.account_id == account)

    def today(self):
        return fields.Date.context_today(self.account)
