# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Odoo's own test runner (``odoo-bin --test-tags /amazon_connector``, what OCA's CI
runs) finds every Odoo test of the addon, not only pytest.

Odoo runs the test classes of the modules ``tests/__init__.py`` imports. In this pytest
process every test module is already imported (so Odoo's loader would find them all):
the check runs in a fresh Python, as odoo-bin would, without the repository's tools/
on its path. Plain pytest functions.
"""

import json
import os
import subprocess
import sys
import unittest

import pytest

import odoo

from . import common

PROBE = r"""
import importlib, json, pkgutil, sys
from odoo.tools import config
config.parse_config(["--addons-path=" + sys.argv[1], "--log-level=warn"])
from odoo.tests import loader
from odoo.tests.common import BaseCase
found = sorted(m.__name__ for m in loader.get_test_modules("amazon_connector"))
tests = importlib.import_module("odoo.addons.amazon_connector.tests")
defining = []
for info in pkgutil.iter_modules(tests.__path__):
    if not info.name.startswith("test_"):
        continue
    module = importlib.import_module(f"{tests.__name__}.{info.name}")
    if any(
        isinstance(obj, type) and issubclass(obj, BaseCase)
        and obj.__module__ == module.__name__
        for obj in vars(module).values()
    ):
        defining.append(module.__name__)
print(json.dumps({"found": found, "defining": defining}))
"""


def _probe():
    tools = str(common.TOOLS_DIR)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != tools
    )
    env.pop("ODOO_RC", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, odoo.tools.config["addons_path"]],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, (
        "Odoo's test loader cannot import the addon's tests:\n" + result.stderr[-3000:]
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_odoo_runner_finds_every_odoo_test_module():
    probe = _probe()
    assert probe["defining"], "no module defines Odoo test cases?"
    missing = sorted(set(probe["defining"]) - set(probe["found"]))
    assert not missing, (
        "Odoo's test runner does not find these modules of Odoo test cases: import "
        f"them in amazon_connector/tests/__init__.py: {', '.join(missing)}"
    )


def test_simulator_missing_skips_by_name(monkeypatch):
    """Without the repository's tools/ (the addon installed from a wheel), the
    simulator-based classes skip, saying why, instead of failing."""
    monkeypatch.setitem(sys.modules, "amazon_simulator", None)
    with pytest.raises(unittest.SkipTest, match="Amazon simulator"):
        common.import_simulator()
