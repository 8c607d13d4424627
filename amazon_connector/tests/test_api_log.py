# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from datetime import datetime, timezone

from odoo.tests import tagged

from ..amazon.adapter import ApiCall
from .common import AmazonCommon


@tagged("post_install", "-at_install")
class TestApiLog(AmazonCommon):
    def _log(self, operation, days_old):
        log = self.env["amazon.api.log"].create(
            {"account_ref": self.account.id, "operation": operation, "status": 200}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE amazon_api_log SET create_date = now() - make_interval(days => %s)"
            " WHERE id = %s",
            [days_old, log.id],
        )
        self.env.invalidate_all()
        return log

    def test_old_rows_are_pruned_after_the_configured_days(self):
        old, recent = self._log("getOrder", 40), self._log("searchOrders", 5)
        self.env["amazon.api.log"]._gc_logs()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())
        self.env["ir.config_parameter"].set_param(
            "amazon_connector.api_log_retention_days", "3"
        )
        self.env["amazon.api.log"]._gc_logs()
        self.assertFalse(recent.exists())
        cron = self.env.ref("amazon_connector.ir_cron_amazon_api_log_gc")
        self.assertEqual(cron.code, "model._gc_logs()")

    def test_log_rows_name_the_account_and_hold_no_bodies(self):
        call = ApiCall(
            operation="getOrder",
            method="GET",
            status=429,
            duration_ms=12.5,
            rate_limit=0.5,
            retries=3,
            error_code="QuotaExceeded",
            request_id="req-1",
            started_at=datetime.now(timezone.utc),
        )
        self.env["amazon.api.log"]._record_calls(self.account, [call])
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT * FROM amazon_api_log WHERE request_id = 'req-1'"
                " AND account_ref = %s",
                [self.account.id],
            )
            (row,) = cr.dictfetchall()
            cr.execute("DELETE FROM amazon_api_log WHERE id = %s", [row["id"]])
        self.assertEqual(row["company_ref"], self.account.company_id.id)
        self.assertTrue(row["is_error"])
        self.assertEqual(
            (row["operation"], row["status"], row["retries"], row["error_code"]),
            ("getOrder", 429, 3, "QuotaExceeded"),
        )
        self.assertNotIn("body", row)
        # The log is shown with its account, and found by it.
        log = self.env["amazon.api.log"].create(
            {"account_ref": self.account.id, "operation": "getOrder"}
        )
        self.assertEqual(log.account_id, self.account)
        self.assertIn(
            log,
            self.env["amazon.api.log"].search([("account_id", "=", self.account.id)]),
        )
