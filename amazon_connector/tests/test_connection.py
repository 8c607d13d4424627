# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import socket

from odoo.tests import tagged

from .common import AmazonSimulatorCommon


@tagged("post_install", "-at_install")
class TestTestConnection(AmazonSimulatorCommon):
    def test_connection_succeeds_and_is_logged(self):
        action = self.account.action_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.account.state, "connected")
        self.assertFalse(self.account.last_error)
        (log,) = self.committed_api_logs()
        self.assertEqual(log["operation"], "getMarketplaceParticipations")
        self.assertEqual(log["status"], 200)
        self.assertFalse(log["is_error"])
        self.assertTrue(log["request_id"])

    def test_wrong_refresh_token_asks_to_reconnect(self):
        self.account.refresh_token = "Atzr|wrong"
        action = self.account.action_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(self.account.state, "error")
        self.assertIn("Refresh Token", self.account.last_error)
        self.assertIn("reconnect", self.account.last_error)
        self.assertNotIn("Atzr|wrong", self.account.last_error)
        self.assertEqual(
            self.account.refresh_token, "Atzr|wrong", "nothing else changed"
        )
        (log,) = self.committed_api_logs()
        self.assertTrue(log["is_error"])

    def test_endpoint_that_does_not_answer(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.account.api_endpoint = f"http://127.0.0.1:{port}"
        action = self.account.action_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(self.account.state, "error")
        self.assertTrue(self.account.last_error)

    def test_api_log_survives_the_callers_rollback(self):
        class JobFailed(Exception):
            pass

        with self.assertRaises(JobFailed), self.cr.savepoint():
            with self.account._amazon_session() as adapter:
                adapter.get_marketplace_participations()
                self.account.name = "rolled back"
                raise JobFailed()
        self.assertEqual(self.account.name, "Test EU")
        self.assertEqual(
            [log["operation"] for log in self.committed_api_logs()],
            ["getMarketplaceParticipations"],
        )
