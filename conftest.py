"""pytest: the skipped tests are listed by name with their reason at the end of the
run (``-rs`` groups them by location): a skip is never silent. The browser tours'
time is summed up there too, and ``--tour-screenshots=DIR`` has the tours save the
screenshots their steps ask for (amazon_connector/tests/common_tours.py)."""

import os
import sys
from pathlib import Path

TOURS_MODULE = "odoo.addons.amazon_connector.tests.common_tours"
SCREENSHOTS_ENV = "AMAZON_TOUR_SCREENSHOTS"  # common_tours.SCREENSHOTS_ENV


def pytest_addoption(parser):
    parser.addoption(
        "--tour-screenshots",
        metavar="DIR",
        help="the browser tours save the screenshots their steps ask for in DIR "
        "(DIR/<name>.png); without it they take none",
    )


def pytest_configure(config):
    directory = config.getoption("--tour-screenshots")
    if directory:
        # The tours run in this process and read it there (Odoo's runner too).
        os.environ[SCREENSHOTS_ENV] = str(Path(directory).resolve())


def pytest_terminal_summary(terminalreporter):
    _skipped_summary(terminalreporter)
    _tours_summary(terminalreporter)


def _skipped_summary(terminalreporter):
    by_reason = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        by_reason.setdefault(reason, []).append(report.nodeid)
    if not by_reason:
        return
    count = sum(len(names) for names in by_reason.values())
    terminalreporter.section(f"{count} skipped tests, by reason", sep="-")
    for reason, names in by_reason.items():
        terminalreporter.line(f"{reason}:")
        for name in names:
            terminalreporter.line(f"    {name}")


def _tours_summary(terminalreporter):
    module = sys.modules.get(TOURS_MODULE)
    times = getattr(module, "TOUR_TIMES", [])
    if not times:
        return
    total = sum(seconds for _name, seconds in times)
    terminalreporter.section("browser tours", sep="-")
    for name, seconds in times:
        terminalreporter.line(f"{seconds:6.1f} s  {name}")
    terminalreporter.line(f"browser tours: {len(times)} tours in {total:.1f} s")
    shots = getattr(module, "SCREENSHOTS", [])
    if os.environ.get(SCREENSHOTS_ENV):
        terminalreporter.line(
            f"tour screenshots: {len(shots)} saved in {os.environ[SCREENSHOTS_ENV]}"
            + "".join(f"\n    {path.name}" for path in shots)
        )
