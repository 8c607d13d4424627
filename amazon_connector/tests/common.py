# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Shared set-up of the addon's ORM tests."""

from odoo.tests import TransactionCase, new_test_user


class AmazonCommon(TransactionCase):
    """An Amazon account in the EU region with two marketplaces, and users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.marketplace_de = cls.env.ref("amazon_connector.marketplace_de")
        cls.marketplace_fr = cls.env.ref("amazon_connector.marketplace_fr")
        cls.marketplace_us = cls.env.ref("amazon_connector.marketplace_us")
        cls.account = cls.env["amazon.account"].create(
            {
                "name": "Test EU",
                "seller_id": "A1TESTSELLER01",
                "region": "eu",
                "lwa_client_id": "amzn1.application-oa2-client.test",
                "lwa_client_secret": "test-client-secret",
                "refresh_token": "Atzr|test-refresh-token",
                "marketplace_ids": [
                    (6, 0, (cls.marketplace_de | cls.marketplace_fr).ids)
                ],
            }
        )
        cls.salesman = new_test_user(
            cls.env,
            login="amazon_salesman",
            groups="sales_team.group_sale_salesman,amazon_connector.group_amazon_user",
        )
        cls.amazon_admin = new_test_user(
            cls.env,
            login="amazon_admin",
            groups="sales_team.group_sale_manager,amazon_connector.group_amazon_manager",
        )


class AmazonSimulatorCommon(AmazonCommon):
    """``AmazonCommon`` whose account talks to a local Amazon simulator over HTTP."""

    simulator_orders = 0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The simulator is test tooling that lives beside the addon (tools/).
        from amazon_simulator import AmazonSimulator  # noqa: PLC0415

        # Amazon's real rates (searchOrders: one call per 3 minutes) would make the
        # adapter wait between tests: the simulator advertises generous ones.
        fast = dict.fromkeys(("searchOrders", "getOrder", "token"), (1000.0, 1000))
        cls.simulator = AmazonSimulator(
            seed=7, orders=cls.simulator_orders, rate_limits=fast
        ).start()
        cls.addClassCleanup(cls.simulator.stop)
        credentials = cls.simulator.credentials
        cls.account.write(
            {
                "seller_id": credentials["seller_id"],
                "lwa_client_id": credentials["client_id"],
                "lwa_client_secret": credentials["client_secret"],
                "refresh_token": credentials["refresh_token"],
                "api_endpoint": cls.simulator.url,
                "lwa_token_url": cls.simulator.token_url,
            }
        )

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            cr.execute("SELECT COALESCE(MAX(id), 0) FROM amazon_api_log")
            self._api_log_mark = cr.fetchone()[0]

    def committed_api_logs(self, account=None):
        """API log rows of ``account`` written during this test, as committed by the
        log writer's own cursor.

        The test transaction cannot see them (it started before they were written),
        which is the point: they survive whatever happens to the caller.
        """
        account = account or self.account
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT operation, status, is_error, error_code, retries, request_id"
                "  FROM amazon_api_log WHERE account_ref = %s AND id > %s ORDER BY id",
                [account.id, self._api_log_mark],
            )
            return cr.dictfetchall()
