# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The addon's Apps page (static/description/index.html) and the README show the
screenshots the tours take, and only pictures that are there (plain pytest)."""

import re
from pathlib import Path

ADDON = Path(__file__).resolve().parents[1]
DESCRIPTION = ADDON / "static" / "description"
README = ADDON.parent / "README.md"
#: The pictures the issue asks for, each a screenshot step of a tour.
SCREENSHOTS = {
    "overview",
    "amazon_orders",
    "order_amazon_page",
    "delivery_confirmed",
    "offer",
    "settlement",
    "invoice_paid",
}


def _pictures(text):
    return set(re.findall(r"([\w-]+)\.png", text))


def test_apps_page_shows_every_screenshot_and_only_existing_ones():
    page = (DESCRIPTION / "index.html").read_text()
    shown = _pictures(page)
    assert shown == SCREENSHOTS
    for name in shown:
        png = DESCRIPTION / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png


def test_readme_shows_the_screenshots():
    shown = {
        name
        for name in _pictures(README.read_text())
        if f"static/description/{name}.png" in README.read_text()
    }
    assert shown == SCREENSHOTS


def test_each_screenshot_is_taken_by_a_tour():
    tours = ADDON / "static" / "tests" / "tours"
    taken = set()
    for source in tours.glob("*.js"):
        taken |= set(re.findall(r'screenshot\(\s*"([\w-]+)"', source.read_text()))
    assert SCREENSHOTS <= taken
