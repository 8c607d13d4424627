# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Browser tours: ``AmazonTourCase``, an ``HttpCase`` whose ``start_tour`` runs one
of the addon's tours (static/tests/tours/) in headless Chromium, as Odoo's own apps
prove their flows, with what Odoo's own ``start_tour`` leaves out:

- a browser that cannot start is a failure saying what to install, never a skip
  (Odoo's ChromeBrowser raises ``unittest.SkipTest`` when Chromium, the
  websocket-client package or the DevTools port is missing);
- a server traceback during the tour fails it too: the web client shows it in a
  dialog without a console error, so Odoo's check (any ``console.error`` or
  uncaught exception fails the tour) does not see it;
- each tour's time is logged and kept in ``TOUR_TIMES``: the test run sums it up;
- a step made by ``screenshot(name)`` of tour_utils.js saves ``<dir>/<name>.png``
  when ``$AMAZON_TOUR_SCREENSHOTS`` names a directory (``./tools/run-tests
  --tour-screenshots=DIR``); without it the step does nothing;
- ``tour_data`` (JSON) reaches the tour's steps as ``window.amazonTour.data``: the
  simulator's address and credentials, a file to upload;
- ``jobs_at_once()``: the jobs a tour's clicks queue run in the click's request.
"""

import base64
import contextlib
import json
import logging
import os
import re
import time
import unittest
from pathlib import Path
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, http
from odoo.modules.registry import Registry
from odoo.tests import HttpCase, get_db_name
from odoo.tests import common as odoo_tests_common

_logger = logging.getLogger(__name__)

SCREENSHOTS_ENV = "AMAZON_TOUR_SCREENSHOTS"
#: What a screenshot step logs in the browser console, before the picture's name.
SCREENSHOT_SIGNAL = "amazon-screenshot:"
SCREENSHOT_NAME = re.compile(r"[\w-]+")
#: (tour name, seconds) of every tour run in this process, failed ones included.
TOUR_TIMES = []
#: The screenshots saved in this process (paths).
SCREENSHOTS = []
#: The bundles the tours' pages load (the web client in test mode), by kind.
TOUR_BUNDLES = {
    "web.assets_web": ("js", "css"),
    "web.assets_tests": ("js",),
    "web.assets_web_print": ("css",),
    "bus.websocket_worker_assets": ("js",),
}

BROWSER_MISSING = (
    "The browser tour {tour} could not start its browser: {reason}. The tours need "
    "headless Chromium or Google Chrome 105 or newer on PATH (Debian/Ubuntu: "
    "apt-get install chromium) and the Python package websocket-client (in "
    "tools/requirements-dev.txt); ./tools/run-tests checks both before it starts."
)


def screenshot_dir():
    """The directory the tours save their screenshots in, or None (no pictures)."""
    value = os.environ.get(SCREENSHOTS_ENV)
    return Path(value).resolve() if value else None


class AmazonChromeBrowser(odoo_tests_common.ChromeBrowser):
    """Odoo's ChromeBrowser, plus ``window.amazonTour`` in every page the tour opens
    (``{screenshots, data}``) and the screenshots the tour's steps ask for."""

    def __init__(self, test_case, *args, **kwargs):
        super().__init__(test_case, *args, **kwargs)
        self.screenshots = test_case._tour_screenshots
        page_data = {
            "screenshots": bool(self.screenshots),
            "data": test_case._tour_data,
        }
        # Before the first navigation, and again in every page the tour loads.
        self._websocket_request(
            "Page.addScriptToEvaluateOnNewDocument",
            params={"source": f"window.amazonTour = {json.dumps(page_data)};"},
        )

    def _handle_console(self, type, args=None, stackTrace=None, **kw):  # pylint: disable=redefined-builtin
        first = (args or [{}])[0].get("value")
        if (
            type == "log"
            and self.screenshots
            and isinstance(first, str)
            and first.startswith(SCREENSHOT_SIGNAL)
        ):
            self._amazon_screenshot(first.removeprefix(SCREENSHOT_SIGNAL))
        return super()._handle_console(type, args, stackTrace, **kw)

    def _amazon_screenshot(self, name):
        """Save the page as ``<screenshots>/<name>.png``, then let the waiting step
        go on (``amazonTour.screenshotTaken``, with the error if any). Runs in the
        websocket consumer thread: it sends and never waits."""

        def answer(error=None):
            self._websocket_send(
                "Runtime.evaluate",
                params={
                    "expression": (
                        f"window.amazonTour.screenshotTaken({json.dumps(error)})"
                    )
                },
            )

        if not SCREENSHOT_NAME.fullmatch(name):
            answer(f"a screenshot name is letters, digits, _ and -, not {name!r}")
            return

        def save(future):
            try:
                png = base64.b64decode(future.result()["data"], validate=True)
                self.screenshots.mkdir(parents=True, exist_ok=True)
                path = self.screenshots / f"{name}.png"
                path.write_bytes(png)
            except Exception as error:  # the tour fails with it
                answer(f"screenshot {name} not saved: {error}")
                return
            SCREENSHOTS.append(path)
            self._logger.info("screenshot %s saved in %s", name, path)
            answer()

        self._websocket_send(
            "Page.captureScreenshot", params={"format": "png"}, with_future=True
        ).add_done_callback(save)


class _ServerErrors(logging.Handler):
    """The ERROR records logged while a tour runs (a traceback in a request), but
    the browser console's own, which fail the tour already."""

    def __init__(self, browser_logger):
        super().__init__(logging.ERROR)
        self.browser_logger = browser_logger
        self.records = []

    def emit(self, record):
        if not record.name.startswith(self.browser_logger):
            self.records.append(record)

    def describe(self):
        formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")
        return "\n".join(formatter.format(record) for record in self.records)


class AmazonTourCase(HttpCase):
    """Runs the addon's tours; see the module's docstring."""

    _tour_data = None
    _tour_screenshots = None
    _tour_bundles_built = False

    @classmethod
    def setUpClass(cls):
        cls._build_tour_bundles()
        cls._read_static_paths()
        super().setUpClass()

    @classmethod
    def _read_static_paths(cls):
        """Read every module's manifest (Odoo's map of static paths) here, once,
        before the browser asks for a dozen files at once: computed by the
        server's threads side by side, the manifests' ``ast.literal_eval`` fails
        now and then on this machine's CPython 3.11.7 ("SystemError: AST
        constructor recursion depth mismatch", python/cpython#106905), and the
        tour with it."""
        assert http.root.statics, "Odoo serves no module's static files"

    @classmethod
    def _build_tour_bundles(cls):
        """Build and commit, once per process, the web client's bundles the tours
        load, as Odoo's runner does before its post-install tests (for every
        bundle) when some are HttpCase. A bundle built during a tour is rolled
        back with the test: each tour would build it again (10-15 s here)."""
        if AmazonTourCase._tour_bundles_built:
            return
        with Registry(get_db_name()).cursor() as cr:
            qweb = api.Environment(cr, SUPERUSER_ID, {})["ir.qweb"]
            for name, kinds in TOUR_BUNDLES.items():
                bundle = qweb._get_asset_bundle(name)
                for kind in kinds:
                    getattr(bundle, kind)()
        AmazonTourCase._tour_bundles_built = True

    def start_tour(self, url_path, tour_name, step_delay=None, **kwargs):
        """Odoo's ``start_tour`` (``login``, ``timeout``... as there), plus
        ``tour_data``: JSON the steps read as ``window.amazonTour.data``."""
        self._tour_data = kwargs.pop("tour_data", None) or {}
        self._tour_screenshots = screenshot_dir()
        server_errors = _ServerErrors(self._logger.name)
        root = logging.getLogger()
        root.addHandler(server_errors)
        started = time.monotonic()
        failure = result = None
        try:
            with patch.object(odoo_tests_common, "ChromeBrowser", AmazonChromeBrowser):
                result = super().start_tour(url_path, tour_name, step_delay, **kwargs)
        except unittest.SkipTest as skip:
            failure = BROWSER_MISSING.format(tour=tour_name, reason=skip)
        except self.failureException as error:
            failure = str(error)
        finally:
            root.removeHandler(server_errors)
            seconds = time.monotonic() - started
            TOUR_TIMES.append((tour_name, seconds))
            _logger.info("browser tour %s took %.1f s", tour_name, seconds)
        if server_errors.records:
            failure = (failure + "\n\n" if failure else "") + (
                f"The server logged errors during the tour {tour_name}:\n"
                + server_errors.describe()
            )
        if failure:
            self.fail(failure)
        return result

    @contextlib.contextmanager
    def jobs_at_once(self):
        """Jobs queued in the block run at once, where they are queued.

        A tour's clicks reach Odoo's HTTP server thread, not the test: a
        ``queue_job__no_delay`` context set here would not get there, and
        ``trap_jobs()`` would leave the jobs undone. queue_job's
        ``QUEUE_JOB__NO_DELAY`` variable is read by every thread of the process.
        """
        with patch.dict(os.environ, {"QUEUE_JOB__NO_DELAY": "1"}):
            yield
