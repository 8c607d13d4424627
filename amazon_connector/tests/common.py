# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Shared set-up of the addon's ORM tests."""

import functools
import sys
import unittest
from pathlib import Path
from unittest.mock import patch

from odoo.tests import TransactionCase, new_test_user

from ..amazon.adapter import SpApiAdapter
from ..amazon.throttle import ThrottleRegistry
from ..models import amazon_account_connection
from .quota import BETWEEN_TESTS, QUOTA_CLOCK

# The Amazon simulator is a test requirement of the addon, a package of its own
# (tools/amazon_simulator, installed by tools/requirements-dev.txt): Odoo's own test
# runner imports it wherever it is installed, also with the addon installed from its
# wheel. In a clone, its tools/ folder comes first (pytest has it on its path through
# pyproject.toml; here for Odoo's runner), so a clone always tests its own simulator.
# Without it installed, the tests that need it skip, saying so.
TOOLS_DIR = Path(__file__).resolve().parents[2] / "tools"
if (TOOLS_DIR / "amazon_simulator" / "__init__.py").is_file() and not any(
    entry and Path(entry).resolve() == TOOLS_DIR for entry in sys.path
):
    sys.path.append(str(TOOLS_DIR))


def import_simulator():
    """The ``amazon_simulator`` package; ``unittest.SkipTest`` naming what is missing
    when it is not importable."""
    try:
        import amazon_simulator  # noqa: PLC0415
    except ModuleNotFoundError as error:
        if error.name != "amazon_simulator":
            raise
        raise unittest.SkipTest(
            "the Amazon simulator (a test requirement: the package in the repository's "
            "tools/amazon_simulator) is not installed: pip install "
            "./tools/amazon_simulator from a clone, or run these tests from a clone."
        ) from None
    return amazon_simulator


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
    """``AmazonCommon`` whose account talks to a local Amazon simulator over HTTP.

    The simulator enforces Amazon's quotas; they, the connector's throttle and the
    adapter's waits run on the tests' quota clock (``quota.py``): waiting costs no
    time. A class that needs unlimited quota says why with ``@unlimited_quota``.
    """

    simulator_orders = 0
    #: Why this class's simulator serves without Amazon's quotas (``None``: it
    #: enforces them); set with ``quota.unlimited_quota``.
    simulator_unlimited_quota = None

    @classmethod
    def setUpClass(cls):
        # Before any set-up: a class without the simulator skips whole.
        simulator_class = import_simulator().AmazonSimulator
        super().setUpClass()
        cls.simulator = simulator_class(
            seed=7,
            orders=cls.simulator_orders,
            quota_clock=QUOTA_CLOCK,
            unlimited_quota=cls.simulator_unlimited_quota,
        ).start()
        cls.addClassCleanup(cls.simulator.stop)
        # The adapters of this class's accounts: their own throttle (Amazon's
        # documented plans, corrected by x-amzn-RateLimit-Limit) and their waits on
        # the quota clock.
        cls.throttle = ThrottleRegistry(clock=QUOTA_CLOCK)
        cls.startClassPatcher(
            patch.object(
                amazon_account_connection,
                "SpApiAdapter",
                functools.partial(
                    SpApiAdapter,
                    sleep=QUOTA_CLOCK.sleep,
                    clock=QUOTA_CLOCK,
                    throttle=cls.throttle,
                ),
            )
        )
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
        # Every test starts with Amazon's quotas full (quota.BETWEEN_TESTS).
        QUOTA_CLOCK.advance(BETWEEN_TESTS)
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
