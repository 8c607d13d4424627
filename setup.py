"""Packaging: ``pip install .`` installs the addon as ``odoo.addons.amazon_connector``.

Odoo 18 finds addons installed under the ``odoo.addons`` namespace on ``sys.path``
without any ``addons_path`` change (the same layout as the OCA wheels, e.g.
``odoo-addon-queue_job``). Every file of the addon directory ships with it.
"""

import ast
from pathlib import Path

from setuptools import setup

ADDON = "amazon_connector"
HERE = Path(__file__).resolve().parent
MANIFEST = ast.literal_eval((HERE / ADDON / "__manifest__.py").read_text())
IGNORED = {"__pycache__"}


def _packages():
    """Every folder of the addon holding Python code, as a dotted package name."""
    return sorted(
        "odoo.addons." + ".".join(init.parent.relative_to(HERE).parts)
        for init in (HERE / ADDON).rglob("__init__.py")
        if not IGNORED & set(init.parts)
    )


def _is_module(path: Path) -> bool:
    """Python shipped as a module of a package (not as data)."""
    return path.suffix == ".py" and (path.parent / "__init__.py").exists()


def _data_files():
    """Every file of the addon that is not a module of one of its packages: XML,
    CSV, SQL, PO/POT, static files, and the migration scripts (Odoo runs
    ``migrations/<version>/*.py`` from folders that are not packages)."""
    return sorted(
        str(path.relative_to(HERE / ADDON))
        for path in (HERE / ADDON).rglob("*")
        if path.is_file()
        and not _is_module(path)
        and path.suffix != ".pyc"
        and not IGNORED & set(path.parts)
    )


def _requirements():
    lines = (HERE / "requirements.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


setup(
    name=f"odoo-addon-{ADDON}",
    version=MANIFEST["version"],
    description=MANIFEST["summary"],
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license=MANIFEST["license"],
    license_files=["LICENSE"],
    author=MANIFEST["author"],
    url=MANIFEST["website"],
    python_requires=">=3.10",
    packages=_packages(),
    package_dir={f"odoo.addons.{ADDON}": ADDON},
    package_data={f"odoo.addons.{ADDON}": _data_files()},
    install_requires=["odoo>=18.0a,<18.1dev", *_requirements()],
    classifiers=[
        "Programming Language :: Python :: 3",
        "Framework :: Odoo",
        "Framework :: Odoo :: 18.0",
        "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)",
    ],
    zip_safe=False,
)
