# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo.exceptions import AccessError
from odoo.tests import tagged

from . import order_factory as f
from .common_orders import AmazonOrderCommon


@tagged("post_install", "-at_install")
class TestOrderImportAccess(AmazonOrderCommon):
    """An Amazon user runs manual imports without any right on the credentials."""

    def test_amazon_user_imports_orders_now(self):
        payload = f.order([f.item("SKU-A")])
        self.publish(payload)
        account = self.account.with_user(self.salesman)
        with self.assertRaises(AccessError):
            account.read(["refresh_token"])
        account.with_context(queue_job__no_delay=True).action_import_orders()
        order = self.imported(payload)
        self.assertEqual(order.company_id, self.account.company_id)
        self.assertEqual(
            order.with_user(self.salesman).amazon_order_ref, payload["orderId"]
        )

    def test_import_orders_now_queues_a_job_for_the_user(self):
        account = self.account.with_user(self.salesman)
        action = account.action_import_orders()
        self.assertEqual(action["params"]["type"], "info")
        job = self.env["queue.job"].search(
            [
                ("model_name", "=", "amazon.account"),
                ("method_name", "=", "_import_orders"),
            ]
        )
        self.assertEqual(len(job), 1)
        self.assertEqual(job.records, self.account)
        self.assertEqual(job.user_id, self.salesman)
        self.assertEqual(job.channel, "root.amazon")
        # Clicking again while it waits does not queue a second import.
        account.action_import_orders()
        self.assertEqual(
            self.env["queue.job"].search_count(
                [("method_name", "=", "_import_orders")]
            ),
            1,
        )

    def test_amazon_user_imports_one_order_by_number(self):
        payload = f.order([f.item("SKU-B")])
        self.publish(payload)
        wizard = (
            self.env["amazon.order.fetch.wizard"]
            .with_user(self.salesman)
            .create(
                {"account_id": self.account.id, "amazon_order_ref": payload["orderId"]}
            )
        )
        action = wizard.action_fetch()
        self.assertEqual(action["res_id"], self.imported(payload).id)
