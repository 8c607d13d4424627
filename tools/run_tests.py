"""Run the whole test suite on a fresh Odoo 18.0 database.

Sets everything up (see devenv.py), installs amazon_connector on a brand-new database
so a broken record or access rule fails the run, then runs every test with pytest and
pytest-odoo: one pytest summary line counts them all. Extra arguments go to pytest.
"""

import os
import subprocess
import sys

import devenv


def main(pytest_args):
    try:
        with devenv.fresh_database("amazon_connector_test") as database:
            code = subprocess.call(
                [
                    database.python(),
                    "-m",
                    "pytest",
                    f"--odoo-config={database.config}",
                    f"--odoo-database={database.name}",
                    "--odoo-log-level=warn",
                    # pytest imports the test modules before Odoo's test mode is
                    # on; Odoo logs that as an error with a stack: not ours.
                    "--odoo-extra=log-handler=odoo.tests.common:CRITICAL",
                    *pytest_args,
                ],
                cwd=devenv.REPO,
                env=dict(os.environ, ODOO_RC=str(database.config)),
            )
    except devenv.SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if code == 5:
        print("error: pytest collected no test", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
