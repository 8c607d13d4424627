"""``pip install .`` ships the whole addon where Odoo finds it, with its requirements."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ADDON = REPO / "amazon_connector"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    # Build from a copy: a stale build/ folder in the clone must not leak in.
    source = tmp_path_factory.mktemp("source") / "src"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".git", "build", "dist", "*.egg-info", "__pycache__"
        ),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, source],
        check=True,
    )
    (path,) = out.glob("*.whl")
    return path


def _source_files():
    tracked = subprocess.run(
        ["git", "ls-files", "amazon_connector"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    return {
        str(Path(name).relative_to("amazon_connector"))
        for name in tracked or [str(p.relative_to(REPO)) for p in ADDON.rglob("*")]
        if (REPO / name).is_file()
    }


def test_wheel_holds_every_addon_file(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    prefix = "odoo/addons/amazon_connector/"
    shipped = {name[len(prefix) :] for name in names if name.startswith(prefix)}
    missing = _source_files() - shipped
    assert not missing, f"files missing from the wheel: {sorted(missing)}"
    for data_file in (
        "__manifest__.py",
        "data/neutralize.sql",
        "data/amazon.marketplace.csv",
        "security/ir.model.access.csv",
        "views/amazon_account_views.xml",
        "i18n/amazon_connector.pot",
        "static/description/icon.png",
        "migrations/18.0.1.1.0/post-migrate.py",
    ):
        assert data_file in shipped
    assert not [n for n in names if n.startswith("odoo/__init__") or "__pycache__" in n]


def test_wheel_requires_the_connector_dependencies(wheel):
    with zipfile.ZipFile(wheel) as archive:
        (meta,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(archive.read(meta).decode())
    requires = " ".join(metadata.get_all("Requires-Dist"))
    for requirement in ("python-amazon-sp-api", "lxml", "odoo-addon-queue_job", "odoo"):
        assert requirement in requires
    assert metadata["Version"] == "18.0.1.5.0"


def test_wheel_ships_the_licence_the_manifest_declares(wheel):
    """LICENSE (the GNU LGPL v3, the manifest's "LGPL-3") travels with the wheel."""
    manifest = (ADDON / "__manifest__.py").read_text()
    assert '"license": "LGPL-3"' in manifest
    licence = (REPO / "LICENSE").read_text()
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in licence
    assert "Version 3, 29 June 2007" in licence
    with zipfile.ZipFile(wheel) as archive:
        shipped = [n for n in archive.namelist() if n.endswith("/LICENSE")]
        assert [archive.read(n).decode() for n in shipped] == [licence]


def test_installed_wheel_is_found_by_odoo_without_addons_path(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            target,
            wheel,
        ],
        check=True,
    )
    listing = sorted(
        str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()
    )
    assert "odoo/addons/amazon_connector/data/neutralize.sql" in listing
    probe = (
        "import odoo.modules.module as m, odoo.tools.config as c\n"
        "c['addons_path'] = ''\n"
        "m.initialize_sys_path()\n"
        "print(m.get_module_path('amazon_connector'))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe],
        env=dict(os.environ, PYTHONPATH=str(target)),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert found == str(target / "odoo" / "addons" / "amazon_connector")


SIMULATOR = REPO / "tools" / "amazon_simulator"
PIP_INSTALL = (sys.executable, "-m", "pip", "install", "-q", "--no-deps")
#: Run as Odoo's runner would, from the installed wheels only: Odoo's test loader
#: imports every test module of the addon (those importing the simulator at the top
#: fail without it), then the skip the simulator-based classes make without it.
ODOO_TESTS_PROBE = """
import json, os
import odoo, odoo.modules.module as m, odoo.tools.config as c
# Odoo's own addons (queue_job needs base_sparse_field), not the clone's folder.
c['addons_path'] = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), 'addons')
m.initialize_sys_path()
from odoo.tests import loader
modules = loader.get_test_modules('amazon_connector')
from odoo.addons.amazon_connector.tests import common
simulator = common.import_simulator()  # unittest.SkipTest when not importable
from amazon_simulator import feeds
print(json.dumps({
    'modules': len(modules),
    'simulator': simulator.__file__,
    'feed_schema': feeds.feed_schema.__file__,
}))
"""


@pytest.fixture(scope="module")
def simulator_wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("simulator-wheel")
    source = tmp_path_factory.mktemp("simulator-source") / "amazon_simulator"
    shutil.copytree(
        SIMULATOR,
        source,
        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, source],
        check=True,
    )
    (path,) = out.glob("*.whl")
    return path


def test_simulator_is_a_package_of_its_own(simulator_wheel):
    with zipfile.ZipFile(simulator_wheel) as archive:
        names = archive.namelist()
        (meta,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(archive.read(meta).decode())
    shipped = {n.removeprefix("amazon_simulator/") for n in names}
    modules = {p.name for p in SIMULATOR.glob("*.py")}
    assert modules <= shipped
    requires = " ".join(metadata.get_all("Requires-Dist"))
    assert "jsonschema" in requires and "lxml" in requires
    dev = (REPO / "tools" / "requirements-dev.txt").read_text().splitlines()
    assert "-e ./tools/amazon_simulator" in dev  # the addon's test requirement


def test_odoo_tests_find_the_simulator_installed_beside_the_wheel(
    wheel, simulator_wheel, tmp_path
):
    """The addon and the simulator installed from their wheels, no clone on the
    path: the Odoo tests import the simulator instead of skipping, and the simulator
    checks feeds with the installed addon's schema, not a clone's."""
    target = tmp_path / "site"
    subprocess.run(
        [*PIP_INSTALL, "--target", target, wheel, simulator_wheel],
        check=True,
    )
    env = dict(os.environ, PYTHONPATH=str(target))
    env.pop("ODOO_RC", None)
    result = subprocess.run(
        [sys.executable, "-c", ODOO_TESTS_PROBE],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["modules"] > 10
    assert found["simulator"] == str(target / "amazon_simulator" / "__init__.py")
    addon = target / "odoo" / "addons" / "amazon_connector"
    assert found["feed_schema"] == str(addon / "amazon" / "feed_schema.py")
