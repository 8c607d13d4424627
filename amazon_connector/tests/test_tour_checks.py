# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The tour harness (common_tours.py) fails a tour for each thing that goes wrong
in it, saying what: tours of static/tests/tours/tour_checks.js that go wrong on
purpose, and a browser that cannot start."""

import unittest
from unittest.mock import patch

from odoo.tests import common as odoo_tests_common
from odoo.tests import tagged

from . import common_tours
from .common_tours import AmazonTourCase


@tagged("post_install", "-at_install", "is_tour")
class TestTourChecks(AmazonTourCase):
    def assertTourFails(self, tour, *expected):
        with self.assertRaises(self.failureException) as caught:
            self.start_tour("/odoo", tour, login="admin", timeout=30)
        for text in expected:
            self.assertIn(text, str(caught.exception))
        return str(caught.exception)

    def test_browser_missing_fails_saying_what_to_install(self):
        with patch.object(
            odoo_tests_common,
            "_find_executable",
            side_effect=unittest.SkipTest("Chrome executable not found"),
        ):
            message = self.assertTourFails(
                "amazon_check_passes",
                "Chrome executable not found",
                "apt-get install chromium",
                "websocket-client",
            )
        self.assertEqual(common_tours.TOUR_TIMES[-1][0], "amazon_check_passes")
        self.assertNotIn("skip", message.lower())

    def test_console_error_fails(self):
        self.assertTourFails(
            "amazon_check_console_error", "amazon check: an error in the console"
        )

    def test_uncaught_exception_fails(self):
        self.assertTourFails(
            "amazon_check_uncaught_exception", "amazon check: an uncaught exception"
        )

    def test_server_traceback_fails(self):
        self.assertTourFails(
            "amazon_check_server_error",
            "The server logged errors during the tour amazon_check_server_error",
            "amazon_no_such_method",
        )

    def test_missing_step_fails_with_its_name(self):
        self.assertTourFails(
            "amazon_check_missing_step",
            "FAILED: [2/2] Tour amazon_check_missing_step → Step Open the Amazon "
            "thing that is not there (trigger: .o_amazon_not_there)",
            "Element (.o_amazon_not_there) has not been found.",
        )

    def test_no_job_runner_beside_the_test_server(self):
        """queue_job's runner starts with a threaded HTTP server that does not stop
        after init (pytest-odoo's): ./tools/run-tests keeps it from starting."""
        from odoo.addons.queue_job import jobrunner  # noqa: PLC0415

        self.assertIsNone(jobrunner.runner_thread)
