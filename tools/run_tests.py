"""Run the whole test suite on a fresh Odoo 18.0 database.

Sets everything up (see devenv.py), installs amazon_connector on a brand-new database
so a broken record or access rule fails the run, then runs every test with pytest and
pytest-odoo: one pytest summary line counts them all. Extra arguments go to pytest.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import devenv


def main(pytest_args):
    try:
        odoo_src = devenv.odoo_source()
        env_path = devenv.venv(odoo_src)
        with devenv.postgres() as db, tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            db_name = f"amazon_connector_test_{os.getpid()}_{int(time.time())}"
            config = tmp / "odoo.conf"
            devenv.write_config(config, odoo_src, db, db_name, tmp / "data")
            devenv.create_database(
                env_path,
                odoo_src,
                config,
                db_name,
                "amazon_connector",
                tmp / "install.log",
            )
            try:
                code = subprocess.call(
                    [
                        env_path / "bin" / "python",
                        "-m",
                        "pytest",
                        f"--odoo-config={config}",
                        f"--odoo-database={db_name}",
                        "--odoo-log-level=warn",
                        # pytest imports the test modules before Odoo's test mode is
                        # on; Odoo logs that as an error with a stack: not ours.
                        "--odoo-extra=log-handler=odoo.tests.common:CRITICAL",
                        *pytest_args,
                    ],
                    cwd=devenv.REPO,
                    env=dict(os.environ, ODOO_RC=str(config)),
                )
            finally:
                if "db_host" in db and not db["db_host"].startswith(
                    tempfile.gettempdir()
                ):
                    subprocess.call(["dropdb", "--if-exists", db_name])
    except devenv.SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if code == 5:
        print("error: pytest collected no test", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
